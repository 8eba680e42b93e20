"""Time helpers: store UTC, show Beijing time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; treat them as the UTC they were stored as."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def local(value: datetime | None) -> datetime | None:
    value = as_utc(value)
    return value.astimezone(CHINA) if value else None


def fmt(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    value = local(value)
    return value.strftime(pattern) if value else ""
