"""Demo: a draft motion and a draft election in the opening plenary, ready for the presider to open."""
from __future__ import annotations

from ..extensions import db
from ..registration.models import CommitteeRole, MemberKind
from .models import Candidate, Vote, VoteKind
from .tally import ElectionMode


def load(ctx) -> None:
    sitting = ctx.sittings[0]
    db.session.add(Vote(sitting_id=sitting.id, kind=VoteKind.MOTION, title="政协第十五届济南市委员会第五次会议政治决议（草案）",
                        secret=False, created_by="demo"))
    voters = [m for m in ctx.members if m.kind == MemberKind.MEMBER and m.committee_role == CommitteeRole.STANDING]
    if len(voters) >= 3:
        from ..registration.strokes import sort_key

        picked = sorted(ctx.rng.sample(voters, 3), key=lambda m: sort_key(m.name))
        election = Vote(sitting_id=sitting.id, kind=VoteKind.ELECTION, title="补选常务委员会委员", secret=True, seats=2,
                        mode=ElectionMode.PER_CANDIDATE, write_ins=True, created_by="demo")
        db.session.add(election)
        db.session.flush()
        election.candidates = [Candidate(member_id=m.id, position=i) for i, m in enumerate(picked)]
