"""Registration use cases: the roster (members, 界别, 讨论组, import/export), 报到 and 请假.

Services load, check, change and flush; the adapters (routes, CLI) commit once.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record as audit
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..extensions import db
from ..meetings.models import Meeting, Sitting
from ..meetings.services import expected_ids
from ..timeutil import CHINA, as_utc, utcnow
from . import roster, roster_files, strokes
from .models import (Arrival, CommitteeRole, Gender, Group, Leave, LeaveStatus, Member, MemberKind, Sector)
from .sectors import NATIONAL_SECTORS

PAGE_SIZE = 100
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def convention() -> str:
    return current_app.config.get("NAME_CONVENTION", "cppcc")


# ---- ordering ---------------------------------------------------------------------------------------------

def stroke_order(members, conv: str | None = None) -> list[Member]:
    conv = conv or convention()
    return sorted(members, key=lambda m: (strokes.sort_key(m.name, conv), m.member_no))


def official_order(members, conv: str | None = None) -> list[Member]:
    """Leaders by rank (主席, 副主席, 秘书长), then 界别 in official order, then 姓氏笔画."""
    conv = conv or convention()

    def key(m: Member):
        leader = m.committee_role.rank if m.committee_role in (CommitteeRole.CHAIR, CommitteeRole.VICE_CHAIR,
                                                              CommitteeRole.SECRETARY_GENERAL) else 99
        sector = m.sector.position if m.sector is not None else 10**6
        return (leader, sector if leader == 99 else 0, strokes.sort_key(m.name, conv), m.member_no)
    return sorted(members, key=key)


def sector_order(members, conv: str | None = None) -> list[Member]:
    conv = conv or convention()
    return sorted(members, key=lambda m: (m.sector.position if m.sector is not None else 10**6,
                                          strokes.sort_key(m.name, conv), m.member_no))


# ---- roster list ------------------------------------------------------------------------------------------

@dataclass
class RosterFilter:
    q: str = ""
    sector_id: int | None = None
    committee_role: str = ""
    kind: str = ""
    order: str = "strokes"  # strokes | sector | official
    page: int = 1


@dataclass
class RosterPage:
    members: list[Member]
    total: int
    page: int
    pages: int
    order: str
    groups: list[tuple[str, list[Member]]] = field(default_factory=list)  # (heading, members) when grouped


def search_members_query(q: str):
    query = select(Member)
    q = (q or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(or_(Member.name.like(like), Member.member_no.like(like),
                                Member.name == "".join(q.split())))
    return query


def roster_page(f: RosterFilter) -> RosterPage:
    query = search_members_query(f.q)
    if f.sector_id:
        query = query.where(Member.sector_id == f.sector_id)
    if f.committee_role:
        query = query.where(Member.committee_role == CommitteeRole(f.committee_role))
    if f.kind:
        query = query.where(Member.kind == MemberKind(f.kind))
    members = db.session.scalars(query).unique().all()
    order = f.order if f.order in ("strokes", "sector", "official") else "strokes"
    ordered = {"strokes": stroke_order, "sector": sector_order, "official": official_order}[order](members)
    total = len(ordered)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    chunk = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    groups: list[tuple[str, list[Member]]] = []
    if order == "sector":
        for m in chunk:
            heading = m.sector_name or "（未分界别）"
            if not groups or groups[-1][0] != heading:
                groups.append((heading, []))
            groups[-1][1].append(m)
    return RosterPage(members=chunk, total=total, page=page, pages=pages, order=order, groups=groups)


def get_member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("找不到该委员")
    return member


def save_member(member: Member | None, data: dict) -> Member:
    """Create or update a member from form data (already validated for shape by the form)."""
    number = (data.get("member_no") or "").strip()
    clash = db.session.scalar(select(Member.id).where(Member.member_no == number))
    if clash is not None and (member is None or clash != member.id):
        raise Conflict("duplicate_member_no", f"委员证号 {number} 已被其他委员使用")
    created = member is None
    member = member or Member()
    member.member_no = number
    member.name = roster.clean_name(data.get("name"))
    if not member.name:
        raise DomainError("missing_name", "姓名不能为空")
    member.gender = Gender(data["gender"]) if data.get("gender") else None
    member.ethnicity = (data.get("ethnicity") or "").strip()
    member.birth_month = data.get("birth_month")
    member.sector_id = data.get("sector_id") or None
    member.party = (data.get("party") or "").strip()
    member.employer = (data.get("employer") or "").strip()
    member.phone = roster.clean_phone(data.get("phone"))
    if member.phone and not roster.PHONE_RE.fullmatch(member.phone):
        raise DomainError("bad_phone", "手机号不正确，应为 11 位手机号码（1 开头）")
    member.committee_role = CommitteeRole(data.get("committee_role") or CommitteeRole.MEMBER)
    member.kind = MemberKind(data.get("kind") or MemberKind.MEMBER)
    member.group_id = data.get("group_id") or None
    if "active" in data:
        member.active = bool(data["active"])
    db.session.add(member)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("duplicate_member_no", f"委员证号 {number} 已被其他委员使用") from None
    audit("member.create" if created else "member.update", f"member:{member.id}",
          {"member_no": member.member_no, "name": member.name})
    return member


def reissue(member: Member) -> None:
    """补办证件: the old pass, login link and PIN stop working at once."""
    from ..accounts.services import reissue_credentials

    old = member.credential_version
    reissue_credentials(member)
    db.session.flush()
    audit("member.reissue", f"member:{member.id}",
          {"member_no": member.member_no, "from_version": old, "to_version": member.credential_version})


def credentials(member: Member) -> dict:
    from ..accounts.services import login_token, member_pin

    return {"pin": member_pin(member), "token": login_token(member), "version": member.credential_version}


# ---- 界别 and 讨论组 --------------------------------------------------------------------------------------

def list_sectors() -> list[Sector]:
    return db.session.scalars(select(Sector).order_by(Sector.position, Sector.id)).all()


def list_groups() -> list[Group]:
    return db.session.scalars(select(Group).order_by(Group.position, Group.id)).all()


def _counts(column) -> dict[int, int]:
    return dict(db.session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column)).all())


def sector_member_counts() -> dict[int, int]:
    return _counts(Member.sector_id)


def group_member_counts() -> dict[int, int]:
    return _counts(Member.group_id)


def _label(model) -> str:
    return "界别" if model is Sector else "讨论组"


def _clean_label_name(model, name: str, exclude_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("missing_name", f"请输入{_label(model)}名称")
    if len(name) > 40:
        raise DomainError("too_long", f"{_label(model)}名称最多 40 字")
    clash = db.session.scalar(select(model.id).where(model.name == name))
    if clash is not None and clash != exclude_id:
        raise Conflict("duplicate_name", f"{_label(model)}“{name}”已存在")
    return name


def add_labelled(model, name: str):
    name = _clean_label_name(model, name)
    position = (db.session.scalar(select(func.max(model.position))) or 0) + 1
    item = model(name=name, position=position)
    db.session.add(item)
    db.session.flush()
    audit(f"{model.__tablename__}.add", f"{model.__tablename__}:{item.id}", {"name": name})
    return item


def rename_labelled(model, item_id: int, name: str):
    item = db.session.get(model, item_id)
    if item is None:
        raise NotFound(f"找不到该{_label(model)}")
    old = item.name
    item.name = _clean_label_name(model, name, exclude_id=item.id)
    db.session.flush()
    audit(f"{model.__tablename__}.rename", f"{model.__tablename__}:{item.id}", {"from": old, "to": item.name})
    return item


def move_labelled(model, item_id: int, direction: int):
    """Move one place up (-1) or down (+1) in the official order; positions are renumbered 1..n."""
    items = db.session.scalars(select(model).order_by(model.position, model.id)).all()
    index = next((i for i, it in enumerate(items) if it.id == item_id), None)
    if index is None:
        raise NotFound(f"找不到该{_label(model)}")
    target = index + (1 if direction > 0 else -1)
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, item in enumerate(items, 1):
        item.position = position
    db.session.flush()
    audit(f"{model.__tablename__}.move", f"{model.__tablename__}:{item_id}", {"position": target + 1})


def delete_labelled(model, item_id: int):
    item = db.session.get(model, item_id)
    if item is None:
        raise NotFound(f"找不到该{_label(model)}")
    column = Member.sector_id if model is Sector else Member.group_id
    used = db.session.scalar(select(func.count()).select_from(Member).where(column == item.id))
    if used:
        raise Conflict("in_use", f"{_label(model)}“{item.name}”下还有 {used} 位委员，不能删除")
    if model is Group:
        from ..meetings.models import Sitting as _Sitting
        if db.session.scalar(select(func.count()).select_from(_Sitting).where(_Sitting.group_id == item.id)):
            raise Conflict("in_use", f"讨论组“{item.name}”已用于会次，不能删除")
    db.session.delete(item)
    db.session.flush()
    audit(f"{model.__tablename__}.delete", f"{model.__tablename__}:{item_id}", {"name": item.name})


def reset_national_sectors() -> int:
    if db.session.scalar(select(func.count()).select_from(Sector)):
        raise Conflict("sectors_not_empty", "界别表不为空：只有在没有任何界别时才能载入全国政协 34 个界别")
    db.session.add_all([Sector(name=name, position=i) for i, name in enumerate(NATIONAL_SECTORS, 1)])
    db.session.flush()
    audit("sector.reset_national", "sector:*", {"count": len(NATIONAL_SECTORS)})
    return len(NATIONAL_SECTORS)


# ---- import -----------------------------------------------------------------------------------------------

class RosterCheck:
    """The result of reading and checking a roster file against the database."""

    def __init__(self, validation: roster.Validation, preview: roster.Preview | None):
        self.validation = validation
        self.preview = preview

    @property
    def errors(self) -> list[roster.RowError]:
        return self.validation.errors

    @property
    def ok(self) -> bool:
        return not self.validation.errors

    def digest(self) -> str:
        """Fingerprint of what the preview showed; confirming a stale preview is refused."""
        if self.preview is None:
            return ""
        body = json.dumps({
            "added": [r["member_no"] for r in self.preview.added],
            "changed": [[r["member_no"], [(c.key, str(c.old), str(c.new)) for c in changes]]
                        for r, changes in self.preview.changed],
        }, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:32]


def member_record(member: Member) -> dict:
    return {
        "name": member.name, "gender": member.gender.value if member.gender else "",
        "ethnicity": member.ethnicity or "", "birth_month": member.birth_month, "sector": member.sector_name,
        "party": member.party or "", "employer": member.employer or "", "member_no": member.member_no,
        "phone": member.phone or "", "committee_role": member.committee_role.value, "kind": member.kind.value,
        "group": member.group.name if member.group else "",
    }


def existing_records() -> list[dict]:
    """Every member as an import record, read as plain columns (3,000 ORM objects with joins cost ~1 s)."""
    rows = db.session.execute(
        select(Member.name, Member.gender, Member.ethnicity, Member.birth_month, Sector.name, Member.party,
               Member.employer, Member.member_no, Member.phone, Member.committee_role, Member.kind, Group.name)
        .outerjoin(Sector, Sector.id == Member.sector_id).outerjoin(Group, Group.id == Member.group_id)).all()
    return [{"name": r[0], "gender": r[1].value if r[1] else "", "ethnicity": r[2] or "", "birth_month": r[3],
             "sector": r[4] or "", "party": r[5] or "", "employer": r[6] or "", "member_no": r[7], "phone": r[8] or "",
             "committee_role": r[9].value, "kind": r[10].value, "group": r[11] or ""} for r in rows]


def _file_error(exc: roster.RosterFileError) -> DomainError:
    return DomainError(exc.code, exc.message, status=413 if exc.code == "too_large" else 400)


def check_roster(data: bytes) -> RosterCheck:
    """Read and check a roster file; RosterFileError problems become DomainError (the whole file is refused)."""
    max_bytes = current_app.config.get("ROSTER_MAX_BYTES", DEFAULT_MAX_BYTES)
    if len(data) > max_bytes:
        raise DomainError("too_large", f"文件太大（{len(data) // 1024} KB），名册文件最大 {max_bytes // 1024 // 1024} MB",
                          status=413)
    max_rows = int(current_app.config.get("ROSTER_MAX_ROWS", 20000))
    try:
        rows = roster_files.read_table(data, max_rows=max_rows)
        validation = roster.validate(rows, sectors={s.name for s in list_sectors()},
                                     groups={g.name for g in list_groups()}, max_rows=max_rows)
    except roster.RosterFileError as exc:
        raise _file_error(exc) from None
    for number, record in validation.records:
        validation.errors.extend(roster_files.schema_errors(number, record))
    validation.errors.sort(key=lambda e: e.row)
    if validation.errors:
        return RosterCheck(validation, None)
    existing = {r["member_no"]: r for r in existing_records()}
    preview = roster.diff([r for _, r in validation.records], existing)
    preview.missing = stroke_order_records(preview.missing)
    return RosterCheck(validation, preview)


def stroke_order_records(records: list[dict]) -> list[dict]:
    conv = convention()
    return sorted(records, key=lambda r: (strokes.sort_key(r["name"], conv), r["member_no"]))


def apply_roster(check: RosterCheck) -> dict:
    """Write a checked file: add new members, update changed ones, in the caller's single transaction."""
    if not check.ok or check.preview is None:
        raise DomainError("invalid_roster", "名册有错误，未导入任何数据")
    sectors = {s.name: s.id for s in list_sectors()}
    groups = {g.name: g.id for g in list_groups()}
    by_no = {m.member_no: m for m in db.session.scalars(
        select(Member).where(Member.member_no.in_([r["member_no"] for r, _ in check.preview.changed]))).unique()} \
        if check.preview.changed else {}

    def assign(member: Member, rec: dict) -> None:
        for key, value in rec.items():
            if key == "sector":
                member.sector_id = sectors[value] if value else None
            elif key == "group":
                member.group_id = groups[value] if value else None
            elif key == "gender":
                member.gender = Gender(value) if value else None
            elif key == "committee_role":
                member.committee_role = CommitteeRole(value)
            elif key == "kind":
                member.kind = MemberKind(value)
            else:
                setattr(member, key, value)

    for rec in check.preview.added:
        member = Member(member_no=rec["member_no"], name=rec["name"])
        assign(member, rec)
        db.session.add(member)
    for rec, _changes in check.preview.changed:
        assign(by_no[rec["member_no"]], rec)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("conflict", "导入时委员证号与他人同时修改的数据冲突，未导入任何数据，请重新预览") from None
    summary = check.preview.summary()
    audit("roster.import", "roster", {**summary, "added_nos": [r["member_no"] for r in check.preview.added][:200],
                                      "changed_nos": [r["member_no"] for r, _ in check.preview.changed][:200]})
    return summary


def pending_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "roster-pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_pending(data: bytes) -> dict:
    """Keep an uploaded file between preview and confirm; the session holds only the random id and the hash."""
    token = secrets.token_urlsafe(16)
    (pending_dir() / f"{token}.bin").write_bytes(data)
    _sweep_pending()
    return {"id": token, "sha256": hashlib.sha256(data).hexdigest()}


def load_pending(ref: dict | None) -> bytes:
    if not ref or not isinstance(ref, dict) or not str(ref.get("id", "")).replace("-", "").replace("_", "").isalnum():
        raise DomainError("no_pending_import", "没有待确认的导入，请重新上传名册")
    path = pending_dir() / f"{ref['id']}.bin"
    if not path.exists():
        raise DomainError("no_pending_import", "待确认的导入已过期，请重新上传名册")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != ref.get("sha256"):
        raise DomainError("pending_tampered", "待确认的文件已被改动，请重新上传名册")
    return data


def drop_pending(ref: dict | None) -> None:
    if ref and str(ref.get("id", "")).replace("-", "").replace("_", "").isalnum():
        (pending_dir() / f"{ref['id']}.bin").unlink(missing_ok=True)


def _sweep_pending(max_age_s: int = 24 * 3600) -> None:
    import time

    now = time.time()
    for path in pending_dir().glob("*.bin"):
        try:
            if now - path.stat().st_mtime > max_age_s:
                path.unlink()
        except OSError:
            pass


def confirm_import(ref: dict | None, digest: str) -> dict:
    check = check_roster(load_pending(ref))
    if not check.ok:
        raise DomainError("invalid_roster", "名册已不能通过检查（界别或讨论组可能已修改），请重新上传预览")
    if digest != check.digest():
        raise Conflict("preview_stale", "名册在预览之后已被修改，导入内容与预览不一致，请重新上传预览")
    return apply_roster(check)


def export_records() -> list[dict]:
    return stroke_order_records(existing_records())


def export_xlsx() -> bytes:
    return roster_files.write_xlsx(export_records())


# ---- 报到 -------------------------------------------------------------------------------------------------

def resolve_meeting(meeting_id: int | None) -> Meeting:
    from ..meetings import services as meetings

    if meeting_id:
        return meetings.get_meeting(meeting_id)
    meeting = meetings.current_meeting()
    if meeting is None:
        raise NotFound("还没有会议，请先新建会议")
    return meeting


@dataclass
class ArrivalOverview:
    meeting: Meeting
    registered: list[tuple[Member, Arrival]]
    pending: list[Member]
    counts: dict


def arrival_overview(meeting: Meeting, *, sector_id: int | None = None, q: str = "") -> ArrivalOverview:
    arrivals = {a.member_id: a for a in db.session.scalars(
        select(Arrival).where(Arrival.meeting_id == meeting.id)).unique()}
    everyone = db.session.scalars(select(Member).where(Member.active.is_(True))).unique().all()
    counts = {
        "total": len(everyone),
        "registered": sum(1 for m in everyone if m.id in arrivals),
        "members_total": sum(1 for m in everyone if m.kind == MemberKind.MEMBER),
        "members_registered": sum(1 for m in everyone if m.kind == MemberKind.MEMBER and m.id in arrivals),
        "attendees_total": sum(1 for m in everyone if m.kind == MemberKind.ATTENDEE),
        "attendees_registered": sum(1 for m in everyone if m.kind == MemberKind.ATTENDEE and m.id in arrivals),
    }
    counts["pending"] = counts["total"] - counts["registered"]
    shown = everyone
    if sector_id:
        shown = [m for m in shown if m.sector_id == sector_id]
    q = (q or "").strip()
    if q:
        compact = "".join(q.split())
        shown = [m for m in shown if compact in m.name or q in m.member_no]
    shown = sector_order(shown)
    return ArrivalOverview(meeting=meeting, registered=[(m, arrivals[m.id]) for m in shown if m.id in arrivals],
                           pending=[m for m in shown if m.id not in arrivals], counts=counts)


def register_arrival(meeting: Meeting, member_id: int, *, recorded_by: str, lodging: str = "", dining: str = "",
                     transport: str = "") -> Arrival:
    member = get_member(member_id)
    if not member.active:
        raise DomainError("inactive_member", f"{member.name} 已停用，不能报到")
    arrival = Arrival(meeting_id=meeting.id, member_id=member.id, recorded_by=recorded_by[:120],
                      lodging=(lodging or "").strip()[:200], dining=(dining or "").strip()[:200],
                      transport=(transport or "").strip()[:200])
    try:
        with db.session.begin_nested():
            db.session.add(arrival)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(Arrival).where(Arrival.meeting_id == meeting.id,
                                                           Arrival.member_id == member.id))
        from ..timeutil import fmt
        when = fmt(existing.registered_at, "%m月%d日 %H:%M") if existing else ""
        raise Conflict("already_registered", f"{member.name} 已于 {when} 报到") from None
    audit("arrival.register", f"meeting:{meeting.id}", {"member_id": member.id, "member_no": member.member_no})
    return arrival


def undo_arrival(meeting: Meeting, member_id: int) -> Member:
    arrival = db.session.scalar(select(Arrival).where(Arrival.meeting_id == meeting.id,
                                                      Arrival.member_id == member_id))
    if arrival is None:
        raise NotFound("该委员尚未报到")
    member = arrival.member
    audit("arrival.undo", f"meeting:{meeting.id}", {"member_id": member.id, "member_no": member.member_no,
                                                    "registered_at": arrival.registered_at.isoformat(),
                                                    "recorded_by": arrival.recorded_by})
    db.session.delete(arrival)
    db.session.flush()
    return member


# ---- 请假 -------------------------------------------------------------------------------------------------

def sitting_ended(sitting: Sitting, now=None) -> bool:
    """A sitting has ended once its end time passed; without an end time, at the end of its (Beijing) day."""
    now = now or utcnow()
    if sitting.ends_at is not None:
        return as_utc(sitting.ends_at) <= now
    start = as_utc(sitting.starts_at).astimezone(CHINA)
    return now.astimezone(CHINA).date() > start.date()


def meeting_is_open(meeting: Meeting) -> bool:
    return meeting.ends_on >= date.today()


def leave_sittings(member: Member, meeting: Meeting | None) -> list[Sitting]:
    """Sittings of the current/upcoming meeting that have not ended and where the member is expected."""
    if meeting is None or not meeting_is_open(meeting):
        return []
    return [s for s in meeting.sittings if not sitting_ended(s) and member.id in expected_ids(s)]


def _check_can_file(member: Member, sitting: Sitting, *, by_staff: bool) -> None:
    if not member.active:
        raise DomainError("inactive_member", "该委员已停用")
    if member.id not in expected_ids(sitting):
        if member.kind == MemberKind.ATTENDEE:
            raise DomainError("not_expected", "列席人员不计入应到人数，无需请假")
        raise DomainError("not_expected", f"{member.name} 不是“{sitting.title}”的应到人员，无需请假")
    if by_staff:
        return
    if not meeting_is_open(sitting.meeting):
        raise DomainError("meeting_over", "会议已结束，不能再请假")
    if sitting_ended(sitting):
        raise DomainError("sitting_ended", f"“{sitting.title}”已结束，不能再请假")


def file_leave(member: Member, sitting: Sitting, reason: str, *, filed_by: str, by_staff: bool = False,
               approve: bool = False) -> Leave:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "请填写请假事由")
    if len(reason) > 500:
        raise DomainError("too_long", "请假事由最多 500 字")
    _check_can_file(member, sitting, by_staff=by_staff)
    leave = db.session.scalar(select(Leave).where(Leave.sitting_id == sitting.id, Leave.member_id == member.id)
                              .with_for_update(of=Leave))
    if leave is not None and leave.status in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
        raise Conflict("already_filed", f"已有“{sitting.title}”的请假（{leave.status.label}），无需重复提交")
    if leave is None:
        leave = Leave(sitting_id=sitting.id, member_id=member.id)
        db.session.add(leave)
    leave.reason, leave.status, leave.filed_by, leave.filed_at = reason, LeaveStatus.PENDING, filed_by[:120], utcnow()
    leave.decided_by, leave.decided_at, leave.decision_note = None, None, ""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("already_filed", f"已有“{sitting.title}”的请假，无需重复提交") from None
    audit("leave.file", f"sitting:{sitting.id}", {"leave_id": leave.id, "member_id": member.id,
                                                  "by_staff": by_staff, "reason": reason})
    if approve:
        decide_leave(leave.id, True, "代为登记并批准", decided_by=filed_by)
    return leave


def get_leave(leave_id: int) -> Leave:
    leave = db.session.get(Leave, leave_id)
    if leave is None:
        raise NotFound("找不到该请假记录")
    return leave


def withdraw_leave(member: Member, leave_id: int) -> Leave:
    leave = db.session.get(Leave, leave_id)
    if leave is None or leave.member_id != member.id:
        raise NotFound("找不到该请假记录")  # never reveal another delegate's leave
    if leave.status != LeaveStatus.PENDING:
        raise Conflict("not_pending", f"该请假{leave.status.label}，不能撤回")
    leave.status = LeaveStatus.WITHDRAWN
    db.session.flush()
    audit("leave.withdraw", f"sitting:{leave.sitting_id}", {"leave_id": leave.id, "member_id": member.id})
    return leave


def decide_leave(leave_id: int, approve: bool, note: str = "", *, decided_by: str) -> Leave:
    leave = get_leave(leave_id)
    if leave.status != LeaveStatus.PENDING:
        raise Conflict("already_decided", f"该请假{leave.status.label}，不能再审批")
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    leave.decided_by, leave.decided_at = decided_by[:120], utcnow()
    leave.decision_note = (note or "").strip()[:200]
    db.session.flush()
    audit("leave.approve" if approve else "leave.refuse", f"sitting:{leave.sitting_id}",
          {"leave_id": leave.id, "member_id": leave.member_id, "note": leave.decision_note})
    return leave


def approved_leave_ids(sitting: Sitting) -> set[int]:
    """Member ids with approved leave for the sitting (check-in and attendance count them as 请假)."""
    return set(db.session.scalars(select(Leave.member_id).where(Leave.sitting_id == sitting.id,
                                                                 Leave.status == LeaveStatus.APPROVED)).all())


_STATUS_ORDER = {LeaveStatus.PENDING: 0, LeaveStatus.APPROVED: 1, LeaveStatus.REFUSED: 2, LeaveStatus.WITHDRAWN: 3}


def _leave_order(leaves: list[Leave]) -> list[Leave]:
    conv = convention()
    return sorted(leaves, key=lambda lv: (_STATUS_ORDER[lv.status], strokes.sort_key(lv.member.name, conv)))


def list_leaves(meeting: Meeting | None = None, status: str = "") -> list[Leave]:
    query = select(Leave).join(Sitting, Sitting.id == Leave.sitting_id)
    if meeting is not None:
        query = query.where(Sitting.meeting_id == meeting.id)
    if status:
        query = query.where(Leave.status == LeaveStatus(status))
    leaves = db.session.scalars(query).unique().all()
    return sorted(_leave_order(leaves), key=lambda lv: _STATUS_ORDER[lv.status])


def sitting_leave_list(sitting: Sitting) -> list[Leave]:
    return _leave_order(db.session.scalars(select(Leave).where(Leave.sitting_id == sitting.id)).unique().all())


def member_leaves(member: Member, meeting: Meeting | None) -> list[Leave]:
    query = select(Leave).where(Leave.member_id == member.id)
    if meeting is not None:
        query = query.join(Sitting, Sitting.id == Leave.sitting_id).where(Sitting.meeting_id == meeting.id)
    return db.session.scalars(query.order_by(Leave.filed_at.desc())).unique().all()


def find_member_by_no(member_no: str) -> Member:
    member = db.session.scalar(select(Member).where(Member.member_no == (member_no or "").strip()))
    if member is None:
        raise NotFound(f"找不到委员证号为 {member_no} 的委员")
    return member


def require_own(member: Member | None) -> Member:
    if member is None:
        raise Forbidden("只有委员本人可以办理")
    return member
