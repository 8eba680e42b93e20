from __future__ import annotations

from flask_login import current_user

from ..extensions import db
from .models import AuditEntry


def actor_label(user=None) -> str:
    user = user if user is not None else current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return f"{user.get_id()} {user.display_name}"


def record(action: str, target: str = "", details: dict | None = None, *, actor=None) -> AuditEntry:
    """Add an audit entry to the current transaction (it commits with the change it describes)."""
    entry = AuditEntry(actor=actor if isinstance(actor, str) else actor_label(actor),
                       action=action, target=target, details=details or {})
    db.session.add(entry)
    return entry


def recent(limit: int = 200, action_prefix: str | None = None, target: str | None = None):
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    if target:
        query = query.where(AuditEntry.target == target)
    return db.session.scalars(query).all()
