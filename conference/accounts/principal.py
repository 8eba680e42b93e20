"""The logged-in person, staff or delegate, behind one Flask-Login interface."""
from __future__ import annotations

from flask_login import UserMixin

from .roles import STAFF_ROLES, Role


class Principal(UserMixin):
    def __init__(self, *, user=None, member=None):
        self.user = user
        self.member = member

    def get_id(self) -> str:
        if self.user is not None:
            return f"s:{self.user.id}"
        # the credential version in the session id logs a delegate out everywhere when the pass is reissued
        return f"m:{self.member.id}:{self.member.credential_version}"

    @property
    def is_active(self) -> bool:
        return bool(self.user.active if self.user is not None else self.member.active)

    @property
    def role(self) -> Role:
        return self.user.role if self.user is not None else Role.DELEGATE

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.user.display_name if self.user is not None else self.member.name

    @property
    def member_id(self) -> int | None:
        return self.member.id if self.member is not None else None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    def __repr__(self) -> str:
        return f"<Principal {self.get_id()}>"
