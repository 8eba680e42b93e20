"""表决结果 / 选举结果 as a job kind (``flask pdf vote_result --param vote_id=ID``)."""
from __future__ import annotations

from ..accounts.roles import Role
from ..jobs.registry import register_document


def _vote(vote_id: int):
    from .services import get_vote

    return get_vote(vote_id)


def _result(vote) -> bytes:
    from .services import result_pdf

    return result_pdf(vote)


register_document("vote_result", label="表决/选举结果", param="vote_id", load=_vote, build=_result,
                  filename=lambda v: f"{v.title}结果.pdf", roles=(Role.SECRETARIAT, Role.PRESIDER))
