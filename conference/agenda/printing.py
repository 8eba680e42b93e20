"""Fill the conference.pdf dataclasses for the 会议议程, 日程 and 会议手册 (the renderers live in conference.pdf)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..meetings.models import Meeting
from ..pdf import data as pdf
from ..registration.models import Member, MemberKind, Sector
from ..registration.strokes import sort_key
from ..timeutil import local
from . import services

CN_DIGITS = "〇一二三四五六七八九"


def _issuer(meeting: Meeting) -> pdf.Issuer:
    return pdf.Issuer(committee=current_app.config.get("COMMITTEE_NAME", ""), meeting=meeting.title)


def _items(sitting, *, drafts: bool) -> list[pdf.AgendaItem]:
    _version, items = services.published_items(sitting)
    if not items and drafts:
        items = [{"title": i.title, "presenter": i.presenter} for i in services.items_of(sitting)]
    return [pdf.AgendaItem(text=i["title"], presenter=i.get("presenter") or "") for i in items]


def agenda(meeting: Meeting, *, drafts: bool = False) -> pdf.Agenda:
    sittings = [pdf.Sitting(title=s.title, starts_at=local(s.starts_at), ends_at=local(s.ends_at), place=s.place,
                            kind=s.kind.value, items=_items(s, drafts=drafts)) for s in meeting.sittings]
    return pdf.Agenda(issuer=_issuer(meeting), title=f"{meeting.title}议程", sittings=sittings)


def schedule(meeting: Meeting) -> pdf.Schedule:
    entries = [pdf.ScheduleEntry(day=local(s.starts_at).date(), starts_at=local(s.starts_at),
                                 ends_at=local(s.ends_at), sitting=s.title, place=s.place,
                                 note=s.body.label if s.kind.value != "全体会议" else "全体委员")
               for s in meeting.sittings]
    return pdf.Schedule(issuer=_issuer(meeting), title=f"{meeting.title}日程", entries=entries)


def _date_text(meeting: Meeting) -> str:
    d = meeting.starts_on
    year = "".join(CN_DIGITS[int(c)] for c in str(d.year))
    months = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()
    return f"{year}年{months[d.month - 1]}月"


def members_list() -> list[pdf.MemberEntry]:
    """委员 grouped by 界别 in official order, 姓氏笔画 inside each 界别 (列席 not listed)."""
    convention = current_app.config.get("NAME_CONVENTION", "cppcc")
    members = db.session.scalars(select(Member).where(Member.active.is_(True),
                                                      Member.kind == MemberKind.MEMBER)).unique().all()
    positions = {s.id: s.position for s in db.session.scalars(select(Sector))}
    members.sort(key=lambda m: (positions.get(m.sector_id, 10_000), sort_key(m.name, convention)))
    return [pdf.MemberEntry(name=m.name, sector=m.sector_name or "其他", gender=m.gender.value if m.gender else "",
                            ethnicity=m.ethnicity, party=m.party, position=m.employer) for m in members]


def seating_charts(meeting: Meeting) -> list[pdf.SeatingChart]:
    """The seating charts of the meeting's sittings that have a seating plan."""
    from ..seating import services as seating

    return [seating.chart_data(s) for s in meeting.sittings if seating.get_plan(s.id) is not None]


def handbook(meeting: Meeting) -> pdf.Handbook:
    notices = []
    if meeting.notes:
        notices.append(pdf.Notice(title="会议须知", paragraphs=[p.strip() for p in meeting.notes.splitlines()
                                                                 if p.strip()]))
    return pdf.Handbook(issuer=_issuer(meeting), title=meeting.title, date_text=_date_text(meeting),
                        agenda=agenda(meeting), schedule=schedule(meeting), seating=seating_charts(meeting),
                        members=members_list(), notices=notices)
