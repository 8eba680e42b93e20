"""Accounts: staff passwords, delegate login by signed link/QR or member number + PIN."""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import lazyload

from ..errors import DomainError
from ..extensions import db
from ..registration.models import Member
from . import tokens
from .models import User
from .principal import Principal
from .roles import Role


def token_keys() -> dict[int, bytes]:
    secret = current_app.config["SECRET_KEY"]
    ids = current_app.config.get("TOKEN_ACCEPTED_KEY_IDS") or [current_app.config["TOKEN_KEY_ID"]]
    return {kid: tokens.derive_key(secret, kid) for kid in ids}


def sign_token(kind: str, subject: int, extra: int) -> str:
    kid = current_app.config["TOKEN_KEY_ID"]
    return tokens.sign(kind, subject, extra, key_id=kid, key=tokens.derive_key(current_app.config["SECRET_KEY"], kid))


def verify_token(text: str, kind: str) -> tokens.Token:
    try:
        return tokens.verify(text, token_keys(), kind=kind)
    except tokens.TokenError as exc:
        raise DomainError(exc.code, exc.message) from None


def login_token(member: Member) -> str:
    return sign_token(tokens.KIND_LOGIN, member.id, member.credential_version)


def member_pin(member: Member) -> str:
    return tokens.pin_for(current_app.config["SECRET_KEY"], member.id, member.credential_version)


@dataclass(frozen=True)
class StaffUser:
    """A read-only snapshot of a staff ``User`` for the logged-in principal (the columns a request reads)."""
    id: int
    username: str
    display_name: str
    role: Role
    active: bool


def _staff_snapshot(user_id: int) -> StaffUser | None:
    """The staff user, from a per-process cache of ``STAFF_PRINCIPAL_TTL`` seconds (default 2).

    Every request of a logged-in staff member loads the user; a check-in station sends several a second, and the
    query (plus the read transaction it opens) was a fifth of a scan's cost. Deactivating an account or changing its
    role takes effect in every worker within the TTL; 0 turns the cache off."""
    ttl = float(current_app.config.get("STAFF_PRINCIPAL_TTL", 2.0))
    cache = current_app.extensions.setdefault("staff_principals", {})
    now = time.monotonic()
    hit = cache.get(user_id) if ttl > 0 else None
    if hit is not None and hit[0] > now:
        return hit[1]
    row = db.session.execute(db.select(User.id, User.username, User.display_name, User.role, User.active)
                             .where(User.id == user_id)).first()
    snapshot = StaffUser(*row) if row is not None else None
    if ttl > 0:
        if len(cache) > 1000:
            cache.clear()
        cache[user_id] = (now + ttl, snapshot)
    return snapshot


def load_principal(user_id: str):
    kind, _, rest = user_id.partition(":")
    if kind == "s":
        user = _staff_snapshot(int(rest))
        return Principal(user=user) if user is not None and user.active else None
    if kind == "m":
        member_id, _, version = rest.partition(":")
        # no joins to 界别/讨论组 here: this runs for every request and socket event (each ballot)
        member = db.session.get(Member, int(member_id), options=[lazyload(Member.sector), lazyload(Member.group)])
        if member is None or not member.active or str(member.credential_version) != version:
            return None
        return Principal(member=member)
    return None


class ConnectionPrincipal(Principal):
    """A delegate authenticated once when their Socket.IO connection opened (see ``socket_principal``).

    Knows the member id and credential version without a query; the ``Member`` row is loaded only when a
    handler reads ``.member`` (the ballot needs only the id)."""

    def __init__(self, member_id: int, credential_version: int):
        self.user = None
        self._member_id = member_id
        self._version = credential_version
        self._member = None

    @property
    def member(self):
        if self._member is None:
            self._member = db.session.get(Member, self._member_id,
                                          options=[lazyload(Member.sector), lazyload(Member.group)])
        return self._member

    @property
    def member_id(self) -> int:
        return self._member_id

    @property
    def is_active(self) -> bool:
        return True  # checked against the credential snapshot before this object is made

    @property
    def display_name(self) -> str:
        return self.member.name

    def get_id(self) -> str:
        return f"m:{self._member_id}:{self._version}"


def _credential_snapshot() -> dict[int, tuple[int, bool]]:
    """member id → (credential_version, active) for every member, per process, refreshed every
    ``MEMBER_CREDENTIAL_TTL`` seconds (default 2) with one query over a connection of its own.

    This is what a delegate's Socket.IO events are checked against instead of loading the member on every event:
    in a sitting each of 3,000 delegates sends about one event, so a per-member cache would never hit, while one
    query of (id, version, active) every 2 s costs a few milliseconds. A greenlet that finds the snapshot stale
    while another one is refreshing it uses the stale one (no thundering herd): a reissued pass (补办) or a
    deactivated member is refused by every process at most TTL + one query's time after the commit, and at once
    in the process that reissued it (``reissue_credentials`` drops the snapshot)."""
    ttl = float(current_app.config.get("MEMBER_CREDENTIAL_TTL", 2.0))
    state = current_app.extensions.setdefault("member_credentials", {"expires": 0.0, "rows": None, "busy": False})
    now = time.monotonic()
    rows = state["rows"]
    if rows is not None and (state["expires"] > now or state["busy"]):
        return rows
    state["busy"] = True
    try:
        with db.engine.connect() as conn:
            fresh = {mid: (version, bool(active)) for mid, version, active in
                     conn.execute(db.select(Member.id, Member.credential_version, Member.active))}
        state["rows"], state["expires"] = fresh, time.monotonic() + ttl
        return fresh
    finally:
        state["busy"] = False


def member_credential_valid(member_id: int, credential_version: int) -> bool:
    """Is this pass (member, credential version) still the valid one?

    Accepted from the snapshot (at most ``MEMBER_CREDENTIAL_TTL`` s stale, 0 turns it off); anything the snapshot
    does not confirm (a member created or a pass reissued since it was taken, a revoked pass) is decided by a
    query, so a refusal is never stale."""
    if float(current_app.config.get("MEMBER_CREDENTIAL_TTL", 2.0)) > 0:
        entry = _credential_snapshot().get(member_id)
        if entry is not None and entry[1] and entry[0] == credential_version:
            return True
    row = db.session.execute(db.select(Member.credential_version, Member.active)
                             .where(Member.id == member_id)).first()
    return row is not None and bool(row[1]) and row[0] == credential_version


def forget_credentials() -> None:
    """Drop this process's credential snapshot (the next socket event reloads it)."""
    state = current_app.extensions.get("member_credentials")
    if state is not None:
        state["expires"] = 0.0
        if not state["busy"]:
            state["rows"] = None


def connection_principal(principal) -> tuple[int, int] | None:
    """What a delegate's Socket.IO connection remembers at connect time: (member id, credential version)."""
    member = getattr(principal, "member", None)
    if principal.role != Role.DELEGATE or member is None:
        return None
    return member.id, member.credential_version


def socket_principal(remembered: tuple[int, int]) -> Principal | None:
    """The delegate of a connection for one event, or None when their pass was reissued or they were deactivated."""
    member_id, version = remembered
    return ConnectionPrincipal(member_id, version) if member_credential_valid(member_id, version) else None


def authenticate_staff(username: str, password: str) -> Principal:
    user = db.session.scalar(db.select(User).where(User.username == username.strip()))
    if user is None or not user.check_password(password):
        raise DomainError("bad_credentials", "用户名或密码错误", status=401)
    if not user.active:
        raise DomainError("account_disabled", "该账号已停用", status=403)
    return Principal(user=user)


def authenticate_member_token(text: str) -> Principal:
    token = verify_token(text, tokens.KIND_LOGIN)
    member = db.session.get(Member, token.subject)
    if member is None or not member.active:
        raise DomainError("unknown_member", "找不到该委员", status=401)
    if member.credential_version != token.extra:
        raise DomainError("revoked", "证件已补办，旧证失效", status=401)
    return Principal(member=member)


def authenticate_member_pin(member_no: str, pin: str) -> Principal:
    member = db.session.scalar(db.select(Member).where(Member.member_no == member_no.strip()))
    if member is None or not member.active or member_pin(member) != pin.strip():
        raise DomainError("bad_credentials", "委员证号或登录码错误", status=401)
    return Principal(member=member)


def create_user(username: str, display_name: str, role: str, password: str) -> User:
    if len(password) < 8:
        raise DomainError("weak_password", "密码至少 8 位")
    try:
        role_value = Role(role)
    except ValueError:
        raise DomainError("bad_role", f"未知角色：{role}") from None
    if role_value == Role.DELEGATE:
        raise DomainError("bad_role", "委员通过证件二维码或委员证号登录，无需创建账号")
    if db.session.scalar(db.select(User.id).where(User.username == username)):
        raise DomainError("duplicate_username", f"用户名 {username} 已存在", status=409)
    user = User(username=username, display_name=display_name or username, role=role_value)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def reissue_credentials(member: Member) -> None:
    """补办证件: every earlier pass, login link and session of this member stops working."""
    member.credential_version += 1
    forget_credentials()  # this process refuses the old pass at once; other processes within MEMBER_CREDENTIAL_TTL
