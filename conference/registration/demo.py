"""Demo data for registration: some 报到 records and a few pending 请假 requests (none approved, so the
attendance figures of the other domains' demos are unchanged)."""
from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..timeutil import utcnow
from .models import Arrival, Leave, MemberKind

LODGING = ("泉城大酒店", "会议中心宾馆", "自行安排")


def load(ctx) -> None:
    rng = ctx.rng
    now = utcnow()
    members = [m for m in ctx.members if m.active]
    for i, member in enumerate(rng.sample(members, k=min(len(members), max(1, len(members) * 2 // 5)))):
        db.session.add(Arrival(meeting_id=ctx.meeting.id, member_id=member.id, registered_at=now - timedelta(minutes=i),
                               recorded_by="demo 秘书处 王敏", lodging=rng.choice(LODGING),
                               dining=rng.choice(("", "", "清真")), transport=rng.choice(("", "1 号车", "2 号车"))))
    closing = ctx.sittings[-1]
    voters = [m for m in members if m.kind == MemberKind.MEMBER]
    for member, reason in zip(rng.sample(voters, k=min(3, len(voters))), ("因公出差", "身体原因", "参加外事活动")):
        db.session.add(Leave(sitting_id=closing.id, member_id=member.id, reason=reason,
                             filed_by=f"m:{member.id}:1 {member.name}"))
