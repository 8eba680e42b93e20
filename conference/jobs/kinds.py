"""The job kinds this package provides itself: 参会证 (passes) in bulk.

(Other domains add theirs in ``conference/<domain>/jobs.py``; see :mod:`conference.jobs.registry`.)
"""
from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..registration.models import Member, MemberKind
from .registry import register

DEFAULT_PUBLIC_URL = "http://localhost:5000/"


def _int(params: dict, key: str, label: str, required: bool = False) -> int | None:
    value = params.get(key)
    if value in (None, ""):
        if required:
            raise DomainError("missing_param", f"缺少参数：{label}（{key}）")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("bad_param", f"参数“{label}”应为整数：{value!r}") from None


def validate_passes(params: dict) -> dict:
    from ..meetings.services import get_meeting, get_sitting

    clean = {"meeting_id": _int(params, "meeting_id", "会议", required=True)}
    meeting = get_meeting(clean["meeting_id"])
    sitting_id = _int(params, "sitting_id", "会次")
    if sitting_id is not None:
        sitting = get_sitting(sitting_id)
        if sitting.meeting_id != meeting.id:
            raise DomainError("bad_param", "该会次不属于所选会议")
        clean["sitting_id"] = sitting_id
    layout = params.get("layout") or "sheet"
    if layout not in ("sheet", "single"):
        raise DomainError("bad_param", "版式只能是 sheet（每页 8 张）或 single（每页 1 张）")
    clean["layout"] = layout
    ids = params.get("member_ids")
    if ids:
        if isinstance(ids, str):
            ids = [x for x in ids.replace("，", ",").split(",") if x.strip()]
        try:
            clean["member_ids"] = sorted({int(x) for x in ids})
        except (TypeError, ValueError):
            raise DomainError("bad_param", "委员编号列表有误") from None
    if params.get("base_url"):
        clean["base_url"] = str(params["base_url"])
    return clean


def pass_members(meeting_id: int, sitting_id: int | None, member_ids: list[int] | None) -> list[Member]:
    """Who gets a pass: the given members; or a sitting's 应到 plus 列席; or everyone active.

    Ordered by 界别 (official order), then 姓氏笔画 — the order passes are handed out in."""
    from ..meetings.services import attendee_query, expected_query, get_sitting
    from ..registration.strokes import sort_key

    if member_ids:
        members = db.session.scalars(select(Member).where(Member.id.in_(member_ids))).unique().all()
    elif sitting_id is not None:
        sitting = get_sitting(sitting_id)
        members = list(db.session.scalars(expected_query(sitting)).unique().all())
        seen = {m.id for m in members}
        members += [m for m in db.session.scalars(attendee_query()).unique().all() if m.id not in seen]
    else:
        members = db.session.scalars(select(Member).where(Member.active.is_(True))).unique().all()
    convention = current_app.config.get("NAME_CONVENTION", "cppcc")
    return sorted(members, key=lambda m: (m.kind != MemberKind.MEMBER,
                                          m.sector.position if m.sector else 10**9,
                                          sort_key(m.name, convention), m.member_no))


def seat_sitting_id(meeting_id: int, sitting_id: int | None) -> int | None:
    """Whose seat goes on the pass: the sitting's, or for a whole meeting the first 全体会议's."""
    if sitting_id is not None:
        return sitting_id
    from ..meetings.models import Sitting, SittingKind

    return db.session.scalar(select(Sitting.id).where(Sitting.meeting_id == meeting_id,
                                                      Sitting.kind == SittingKind.PLENARY)
                             .order_by(Sitting.starts_at).limit(1))


def seat_labeller(meeting_id: int, sitting_id: int | None):
    """``conference.seating.services.seat_label(sitting_id, member_id)`` when the seating domain
    provides it and the sitting has a seating plan; otherwise a blank seat line on the pass."""
    try:
        from ..seating import services as seating_services  # optional domain
    except ImportError:
        return lambda member: None
    fn = getattr(seating_services, "seat_label", None)
    target = seat_sitting_id(meeting_id, sitting_id)
    if fn is None or target is None:
        return lambda member: None
    get_plan = getattr(seating_services, "get_plan", None)
    if get_plan is not None and get_plan(target) is None:
        return lambda member: None
    return lambda member: fn(target, member.id) or None


def build_pass_batch(params: dict, progress=None):
    from ..accounts import tokens
    from ..accounts.services import login_token, sign_token
    from ..meetings.services import get_meeting
    from ..pdf.data import Pass, PassBatch

    meeting = get_meeting(int(params["meeting_id"]))
    members = pass_members(meeting.id, params.get("sitting_id"), params.get("member_ids"))
    if progress is not None:
        progress(0, len(members), f"正在准备 {len(members)} 张参会证")
    seat = seat_labeller(meeting.id, params.get("sitting_id"))
    base = params.get("base_url") or current_app.config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL
    passes = []
    with current_app.test_request_context(base_url=base):
        for m in members:
            passes.append(Pass(
                name=m.name, sector=m.sector_name, member_no=m.member_no,
                checkin_qr=sign_token(tokens.KIND_CHECKIN, m.id, m.credential_version),
                login_qr=url_for("accounts.token_login", token=login_token(m), _external=True),
                seat=seat(m), role=m.kind.value))
    return meeting, PassBatch(meeting=meeting.title, passes=passes,
                              committee=current_app.config.get("COMMITTEE_NAME", ""))


def passes_job(params: dict, progress) -> tuple[str, bytes]:
    from ..pdf.renderers import render_passes

    meeting, batch = build_pass_batch(params, progress)
    if not batch.passes:
        raise DomainError("no_members", "没有需要制作参会证的人员")
    progress(0, len(batch.passes), f"正在排版 {len(batch.passes)} 张参会证")
    data = render_passes(batch, params.get("layout", "sheet"), progress=lambda done, total: progress(done, total))
    suffix = ""
    if params.get("sitting_id"):
        from ..meetings.services import get_sitting
        suffix = get_sitting(int(params["sitting_id"])).title
    return f"参会证-{meeting.title}{suffix}.pdf", data


def _describe_passes(params: dict) -> str:
    from ..meetings.services import get_meeting, get_sitting

    meeting = get_meeting(int(params["meeting_id"]))
    what = get_sitting(int(params["sitting_id"])).title if params.get("sitting_id") else "全体人员"
    if params.get("member_ids"):
        what = f"{len(params['member_ids'])} 人"
    return f"参会证：{meeting.title}（{what}）"


register("passes", passes_job, label="参会证", describe=_describe_passes, validate=validate_passes,
         params_help={"meeting_id": "会议编号（必填）", "sitting_id": "会次编号（可选：只做该会次应到人员）",
                      "member_ids": "委员编号，逗号分隔（可选：补办几张）", "layout": "sheet 或 single",
                      "base_url": "登录二维码的网址前缀，如 https://hy.example.cn/"})
