"""Seating use cases: halls, automatic seating, manual changes, lookups and exports."""
from __future__ import annotations

import functools
import io
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import actor_label, record
from ..dbsetup import begin_write
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..meetings.models import Body, Sitting
from ..meetings.services import attendee_query, expected_members, get_sitting
from ..realtime import emit
from ..registration.models import Member, MemberKind
from ..registration.services import approved_leave_ids
from ..registration.strokes import sort_key
from ..timeutil import utcnow
from . import allocation, halls
from .models import Hall, HallSeat, SeatAssignment, SeatingPlan

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "hall.schema.json"
_validator = None
STATUS_LABELS = {"ok": "正常", "reserved": "预留", "unusable": "不可用"}


def room(sitting_id: int) -> str:
    return f"seating:{sitting_id}"


# ---- halls ---------------------------------------------------------------------------------------------------
def _schema_validator():
    global _validator
    if _validator is None:
        from jsonschema import Draft202012Validator

        _validator = Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return _validator


def validate_layout(layout) -> list[halls.SeatSpec]:
    """Schema check, then build the seats; any problem is a DomainError and nothing is saved."""
    if not isinstance(layout, dict):
        raise DomainError("hall_schema", "会场文件格式不符：顶层应为 JSON 对象")
    errors = sorted(_schema_validator().iter_errors(layout), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "（顶层）"
        raise DomainError("hall_schema", f"会场文件格式不符 hall.schema.json：位置 {where}：{first.message}",
                          details=[f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]])
    try:
        seats = halls.build_seats(layout)
    except halls.HallError as exc:
        raise DomainError(exc.code, exc.message) from None
    if not seats:
        raise DomainError("bad_layout", "会场没有任何座位")
    return seats


def list_halls() -> list[Hall]:
    return db.session.scalars(select(Hall).order_by(Hall.name)).all()


def get_hall(hall_id: int) -> Hall:
    hall = db.session.get(Hall, hall_id)
    if hall is None:
        raise NotFound("找不到该会场")
    return hall


def save_hall(layout: dict, hall: Hall | None = None) -> Hall:
    """Create a hall from a layout, or replace a hall's layout keeping the seats that still exist."""
    specs = validate_layout(layout)
    name = layout["name"].strip()
    clash = db.session.scalar(select(Hall).where(Hall.name == name))
    if clash is not None and clash is not hall:
        raise DomainError("hall_exists", f"已有名为“{name}”的会场")
    if hall is None:
        hall = Hall(name=name, layout=layout)
        db.session.add(hall)
        db.session.flush()
    hall.name, hall.layout = name, layout
    existing = {(s.zone, s.row, s.number): s for s in db.session.scalars(select(HallSeat).where(HallSeat.hall_id == hall.id))}
    wanted = {(s.zone, s.row, s.number): s for s in specs}
    gone = [seat.id for k, seat in existing.items() if k not in wanted]
    if gone:
        used = db.session.scalar(select(db.func.count()).select_from(SeatAssignment)
                                 .where(SeatAssignment.seat_id.in_(gone)))
        if used:
            raise Conflict("hall_in_use", f"修改后将删除 {len(gone)} 个座位，其中有已安排的座位；请先调整各会次的座次")
        db.session.execute(delete(HallSeat).where(HallSeat.id.in_(gone)))
    new_rows = []
    for k, spec in wanted.items():
        values = dict(zone=spec.zone, zone_name=spec.zone_name, kind=spec.kind, row=spec.row,
                      row_label=spec.row_label, position=spec.position, number=spec.number, x=spec.x, y=spec.y,
                      status=spec.status, attendees=spec.attendees)
        seat = existing.get(k)
        if seat is None:
            new_rows.append(dict(hall_id=hall.id, **values))
        else:
            for attr, value in values.items():
                setattr(seat, attr, value)
    if new_rows:
        db.session.execute(insert(HallSeat), new_rows)
    db.session.flush()
    record("seating.hall_save", f"hall:{hall.id}", {"name": name, "seats": len(specs)})
    return hall


def import_hall(text: str | bytes, hall: Hall | None = None) -> Hall:
    try:
        layout = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError("bad_json", f"会场文件不是有效的 JSON：{exc}") from None
    return save_hall(layout, hall)


def export_hall(hall: Hall) -> dict:
    return hall.layout


def _seat(hall: Hall, seat_id: int) -> HallSeat:
    seat = db.session.get(HallSeat, seat_id)
    if seat is None or seat.hall_id != hall.id:
        raise NotFound("该会场没有这个座位")
    return seat


def set_seat_status(hall: Hall, seat_id: int, status: str) -> HallSeat:
    if status not in STATUS_LABELS:
        raise DomainError("bad_status", "座位状态无效")
    seat = _seat(hall, seat_id)
    if status == "unusable":
        used = db.session.scalar(select(db.func.count()).select_from(SeatAssignment)
                                 .where(SeatAssignment.seat_id == seat.id))
        if used:
            raise Conflict("seat_in_use", "该座位在某个会次已安排了人员，不能标记为不可用")
    layout = json.loads(json.dumps(hall.layout))
    zone = next(z for z in layout["zones"] if z["key"] == seat.zone)
    ref = f"{seat.row}-{seat.number}"
    for state in ("reserved", "unusable"):
        refs = [r for r in zone.get(state) or [] if r != ref]
        if state == status:
            refs.append(ref)
        if refs:
            zone[state] = refs
        else:
            zone.pop(state, None)
    hall.layout = layout
    seat.status = status
    record("seating.seat_status", f"hall:{hall.id}", {"seat": seat.label, "status": status})
    return seat


def rename_row(hall: Hall, zone_key: str, row: int, label: str) -> None:
    label = (label or "").strip()
    if not label or len(label) > 20:
        raise DomainError("bad_label", "排名称应为 1–20 个字符")
    layout = json.loads(json.dumps(hall.layout))
    zone = next((z for z in layout["zones"] if z["key"] == zone_key), None)
    if zone is None:
        raise NotFound("该会场没有这个区域")
    zone.setdefault("row_labels", {})[str(row)] = label
    hall.layout = layout
    seats = db.session.scalars(select(HallSeat).where(HallSeat.hall_id == hall.id, HallSeat.zone == zone_key,
                                                      HallSeat.row == row)).all()
    if not seats:
        raise NotFound("该区域没有这一排")
    for seat in seats:
        seat.row_label = label
    record("seating.row_rename", f"hall:{hall.id}", {"zone": zone_key, "row": row, "label": label})


# ---- plans -------------------------------------------------------------------------------------------------------
def get_plan(sitting_id: int) -> SeatingPlan | None:
    return db.session.scalar(select(SeatingPlan).where(SeatingPlan.sitting_id == sitting_id))


def require_plan(sitting: Sitting) -> SeatingPlan:
    plan = get_plan(sitting.id)
    if plan is None:
        raise DomainError("no_hall", "该会次尚未指定会场，请先选择会场")
    return plan


def set_hall(sitting: Sitting, hall: Hall) -> SeatingPlan:
    begin_write()
    plan = get_plan(sitting.id)
    if plan is not None and plan.hall_id == hall.id:
        return plan
    cleared = 0
    if plan is None:
        plan = SeatingPlan(sitting_id=sitting.id, hall_id=hall.id, options={}, notes=[])
        db.session.add(plan)
    else:
        cleared = db.session.execute(delete(SeatAssignment).where(SeatAssignment.sitting_id == sitting.id)).rowcount
        plan.hall_id, plan.notes = hall.id, []
    db.session.flush()
    record("seating.set_hall", f"sitting:{sitting.id}", {"hall": hall.name, "cleared": cleared})
    emit("seating:changed", {"sitting_id": sitting.id, "reload": True}, room=room(sitting.id))
    return plan


def sitting_people(sitting: Sitting) -> list[Member]:
    """Who gets a seat: the members expected (应到), and 列席 attendees at sittings of the whole body."""
    people = list(expected_members(sitting))
    if sitting.body == Body.ALL:
        people += db.session.scalars(attendee_query()).unique().all()
    return people


def _spots(hall_id: int) -> list[allocation.Seat]:
    rows = db.session.execute(select(HallSeat.id, HallSeat.kind, HallSeat.row, HallSeat.x, HallSeat.y, HallSeat.status,
                                     HallSeat.attendees, HallSeat.zone).where(HallSeat.hall_id == hall_id)).all()
    return [allocation.Seat(id=r[0], kind=r[1], row=r[2], x=r[3], y=r[4], status=r[5], attendees=r[6], zone=r[7])
            for r in rows]


def _persons(members: list[Member], on_leave: set[int]) -> list[allocation.Person]:
    return [allocation.Person(id=m.id, name=m.name, role=m.committee_role.value,
                              sector_position=m.sector.position if m.sector else None, sector=m.sector_name,
                              attendee=m.kind == MemberKind.ATTENDEE, on_leave=m.id in on_leave)
            for m in members]


def auto_seat(sitting: Sitting, *, rostrum_roles=allocation.DEFAULT_ROSTRUM_ROLES, leave: str = "empty",
              allow_partial: bool = False) -> allocation.Allocation:
    """Run the automatic seating; locked seats stay. A hall too small is refused unless ``allow_partial``."""
    begin_write()
    plan = require_plan(sitting)
    people = sitting_people(sitting)
    existing = db.session.scalars(select(SeatAssignment).where(SeatAssignment.sitting_id == sitting.id)).all()
    locked = {a.seat_id: a.member_id for a in existing if a.locked}
    options = allocation.Options(rostrum_roles=tuple(rostrum_roles), leave=leave)
    try:
        result = allocation.allocate(_spots(plan.hall_id), _persons(people, approved_leave_ids(sitting)),
                                     locked, options)
    except allocation.AllocationError as exc:
        raise DomainError(exc.code, exc.message) from None
    if result.unseated and not allow_partial:
        raise DomainError("hall_too_small",
                          f"会场“{plan.hall.name}”座位不足，{len(result.unseated)} 人无法安排：{result.unseated[0].reason}。"
                          "未作任何更改；请换用更大的会场、释放预留座位，或选择“仍保存已安排部分”。",
                          details=[{"member_id": u.person_id, "name": u.name, "reason": u.reason}
                                   for u in result.unseated[:200]])
    db.session.execute(delete(SeatAssignment).where(SeatAssignment.sitting_id == sitting.id))
    who, now = actor_label(), utcnow()
    kept = {seat_id for seat_id in locked}
    rows = [dict(sitting_id=sitting.id, seat_id=seat_id, member_id=member_id, locked=seat_id in kept,
                 assigned_at=now, assigned_by=who) for member_id, seat_id in result.seats.items()]
    if rows:
        db.session.execute(insert(SeatAssignment), rows)
    plan.options = {"rostrum_roles": list(rostrum_roles), "leave": leave}
    plan.notes = result.notes + [f"{u.name}：{u.reason}" for u in result.unseated]
    plan.updated_at = now
    db.session.flush()
    record("seating.auto", f"sitting:{sitting.id}",
           {"seated": len(result.seats), "held_for_leave": len(result.held), "unseated": len(result.unseated),
            "locked_kept": len(locked), "options": plan.options})
    emit("seating:changed", {"sitting_id": sitting.id, "reload": True}, room=room(sitting.id))
    return result


def _assignment_of(sitting_id: int, member_id: int) -> SeatAssignment | None:
    return db.session.scalar(select(SeatAssignment).where(SeatAssignment.sitting_id == sitting_id,
                                                          SeatAssignment.member_id == member_id))


def _assignment_at(sitting_id: int, seat_id: int) -> SeatAssignment | None:
    return db.session.scalar(select(SeatAssignment).where(SeatAssignment.sitting_id == sitting_id,
                                                          SeatAssignment.seat_id == seat_id))


def _flush_or_conflict() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("seat_conflict", "座位已被他人占用或此人已有座位，请刷新后重试") from None


def _changed(sitting_id: int, seat_ids) -> None:
    """Tell other open maps which seats changed (their new occupants), after the commit."""
    emit("seating:changed", {"sitting_id": sitting_id, "seats": [seat_cell(sitting_id, s) for s in seat_ids]},
         room=room(sitting_id))


def _member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("找不到该人员")
    return member


def move(sitting: Sitting, member_id: int, seat_id: int) -> SeatAssignment:
    """Put a person in an empty seat (from their old seat, or unseated)."""
    begin_write()
    plan = require_plan(sitting)
    seat = _seat(plan.hall, seat_id)
    member = _member(member_id)
    if seat.status == "unusable":
        raise DomainError("seat_unusable", "该座位不可用")
    occupant = _assignment_at(sitting.id, seat.id)
    if occupant is not None:
        if occupant.member_id == member.id:
            return occupant
        raise Conflict("seat_taken", f"{seat.label} 已有人就座，如需对调请使用“交换”")
    current = _assignment_of(sitting.id, member.id)
    old_seat = current.seat_id if current else None
    if current is not None and current.locked:
        raise Conflict("seat_locked", f"{member.name} 的座位已锁定，请先解锁")
    if current is None:
        current = SeatAssignment(sitting_id=sitting.id, seat_id=seat.id, member_id=member.id)
        db.session.add(current)
    current.seat_id, current.assigned_at, current.assigned_by = seat.id, utcnow(), actor_label()
    _flush_or_conflict()
    record("seating.move", f"sitting:{sitting.id}",
           {"member": member.name, "member_id": member.id, "from": old_seat, "to": seat.id, "seat": seat.label})
    _changed(sitting.id, [s for s in (old_seat, seat.id) if s])
    return current


def swap(sitting: Sitting, member_a: int, member_b: int) -> None:
    begin_write()
    require_plan(sitting)
    if member_a == member_b:
        raise DomainError("same_person", "请选择两个不同的人")
    a, b = _assignment_of(sitting.id, member_a), _assignment_of(sitting.id, member_b)
    if a is None or b is None:
        raise DomainError("not_seated", "两人都已有座位才能交换")
    if a.locked or b.locked:
        raise Conflict("seat_locked", "锁定的座位不能交换，请先解锁")
    seats = (a.seat_id, b.seat_id)
    who, now = actor_label(), utcnow()
    # delete then insert: the unique (sitting, seat) constraint is not deferrable, so no in-place swap
    db.session.delete(a)
    db.session.delete(b)
    db.session.flush()
    db.session.add_all([SeatAssignment(sitting_id=sitting.id, seat_id=seats[1], member_id=member_a,
                                       assigned_at=now, assigned_by=who),
                        SeatAssignment(sitting_id=sitting.id, seat_id=seats[0], member_id=member_b,
                                       assigned_at=now, assigned_by=who)])
    _flush_or_conflict()
    record("seating.swap", f"sitting:{sitting.id}", {"members": [member_a, member_b], "seats": list(seats)})
    _changed(sitting.id, seats)


def set_lock(sitting: Sitting, seat_id: int, locked: bool) -> SeatAssignment:
    begin_write()
    plan = require_plan(sitting)
    seat = _seat(plan.hall, seat_id)
    a = _assignment_at(sitting.id, seat.id)
    if a is None:
        raise DomainError("seat_empty", "空座位无需锁定；如需留空请在会场中标记为预留")
    a.locked = bool(locked)
    record("seating.lock" if locked else "seating.unlock", f"sitting:{sitting.id}",
           {"seat": seat.label, "member_id": a.member_id})
    _changed(sitting.id, [seat.id])
    return a


def unassign(sitting: Sitting, member_id: int) -> None:
    begin_write()
    a = _assignment_of(sitting.id, member_id)
    if a is None:
        return
    if a.locked:
        raise Conflict("seat_locked", "锁定的座位不能取消，请先解锁")
    seat_id = a.seat_id
    db.session.delete(a)
    db.session.flush()
    record("seating.unassign", f"sitting:{sitting.id}", {"member_id": member_id, "seat": seat_id})
    _changed(sitting.id, [seat_id])


def copy_plan(source: Sitting, target: Sitting) -> int:
    """Copy who-sits-where from another sitting (same hall); people not at the target sitting are skipped."""
    begin_write()
    if source.id == target.id:
        raise DomainError("same_sitting", "不能从本会次复制")
    src = require_plan(source)
    plan = get_plan(target.id)
    if plan is None:
        plan = SeatingPlan(sitting_id=target.id, hall_id=src.hall_id, options=dict(src.options or {}), notes=[])
        db.session.add(plan)
    plan.hall_id = src.hall_id
    wanted = {m.id for m in sitting_people(target)}
    rows = db.session.execute(select(SeatAssignment.seat_id, SeatAssignment.member_id, SeatAssignment.locked)
                              .where(SeatAssignment.sitting_id == source.id)).all()
    allocation.check_unique((r.member_id, r.seat_id) for r in rows)
    db.session.execute(delete(SeatAssignment).where(SeatAssignment.sitting_id == target.id))
    who, now = actor_label(), utcnow()
    new = [dict(sitting_id=target.id, seat_id=r.seat_id, member_id=r.member_id, locked=r.locked,
                assigned_at=now, assigned_by=who) for r in rows if r.member_id in wanted]
    if new:
        db.session.execute(insert(SeatAssignment), new)
    plan.notes = [f"从“{source.title}”复制，{len(rows) - len(new)} 人不在本会次名单中未复制"] if len(new) < len(rows) else []
    db.session.flush()
    record("seating.copy", f"sitting:{target.id}", {"from_sitting": source.id, "copied": len(new)})
    emit("seating:changed", {"sitting_id": target.id, "reload": True}, room=room(target.id))
    return len(new)


# ---- reading a plan ------------------------------------------------------------------------------------------------
def seat_cell(sitting_id: int, seat_id: int) -> dict:
    row = db.session.execute(select(SeatAssignment.member_id, Member.name, Member.sector_id, SeatAssignment.locked)
                             .join(Member, Member.id == SeatAssignment.member_id)
                             .where(SeatAssignment.sitting_id == sitting_id, SeatAssignment.seat_id == seat_id)).first()
    if row is None:
        return {"seat_id": seat_id, "member_id": None}
    return {"seat_id": seat_id, "member_id": row.member_id, "name": row.name, "sector_id": row.sector_id,
            "locked": row.locked}


def _sector_colour(index: int) -> str:
    hue = (index * 137.508) % 360
    return f"hsl({hue:.0f},65%,78%)"


def plan_payload(sitting: Sitting) -> dict:
    """Everything the seat map draws, in one compact JSON document."""
    plan = require_plan(sitting)
    hall = plan.hall
    seats = db.session.execute(select(HallSeat.id, HallSeat.zone_name, HallSeat.kind, HallSeat.row_label,
                                      HallSeat.number, HallSeat.x, HallSeat.y, HallSeat.status, HallSeat.zone,
                                      HallSeat.row).where(HallSeat.hall_id == hall.id).order_by(HallSeat.id)).all()
    assigned = db.session.execute(select(SeatAssignment.seat_id, SeatAssignment.member_id, SeatAssignment.locked,
                                         Member.name, Member.sector_id)
                                  .join(Member, Member.id == SeatAssignment.member_id)
                                  .where(SeatAssignment.sitting_id == sitting.id)).all()
    from ..registration.models import Sector

    sectors = db.session.execute(select(Sector.id, Sector.name, Sector.position).order_by(Sector.position)).all()
    seated = {a.member_id for a in assigned}
    people = sitting_people(sitting)
    leave = approved_leave_ids(sitting)
    unseated = sorted((m for m in people if m.id not in seated), key=lambda m: sort_key(m.name))
    return {
        "sitting": {"id": sitting.id, "title": sitting.title},
        "hall": {"id": hall.id, "name": hall.name, "entrances": hall.layout.get("entrances", [])},
        "seats": [[s.id, s.x, s.y, s.zone_name, s.row_label, s.number, s.status, s.kind, s.zone, s.row] for s in seats],
        "assigned": {str(a.seat_id): [a.member_id, a.name, a.sector_id, bool(a.locked)] for a in assigned},
        "sectors": [{"id": s.id, "name": s.name, "colour": _sector_colour(i)} for i, s in enumerate(sectors)],
        "unseated": [{"id": m.id, "name": m.name, "leave": m.id in leave} for m in unseated],
        "notes": plan.notes or [],
        "options": plan.options or {},
    }


def seat_of(sitting_id: int, member_id: int) -> HallSeat | None:
    return db.session.scalar(select(HallSeat).join(SeatAssignment, SeatAssignment.seat_id == HallSeat.id)
                             .where(SeatAssignment.sitting_id == sitting_id, SeatAssignment.member_id == member_id))


def seat_label_sql(sitting_id, member_id):
    """The seat label as a SQL scalar subquery ("主会场 中区 5排12号", NULL when unseated) for ``sitting_id`` and
    ``member_id`` (values, bind parameters or columns of an enclosing query): a check-in scan reads it in the same
    statement as the member."""
    from sqlalchemy import String, cast, literal

    label = (Hall.name + literal(" ") + HallSeat.zone_name + literal(" ") + HallSeat.row_label
             + cast(HallSeat.number, String) + literal("号"))
    return (select(label).select_from(SeatAssignment).join(HallSeat, SeatAssignment.seat_id == HallSeat.id)
            .join(Hall, HallSeat.hall_id == Hall.id)
            .where(SeatAssignment.sitting_id == sitting_id, SeatAssignment.member_id == member_id)
            .limit(1).scalar_subquery())


@functools.lru_cache(maxsize=None)
def _seat_label_stmt():
    from sqlalchemy import bindparam

    return select(seat_label_sql(bindparam("sitting_id"), bindparam("member_id")))


def seat_label(sitting_id: int, member_id: int) -> str | None:
    """"主会场 中区 5排12号" for passes and check-in screens; None when the person has no seat."""
    # One plain statement, built once (a check-in station asks on every scan; two ORM loads cost ~1 ms).
    return db.session.execute(_seat_label_stmt(), {"sitting_id": sitting_id, "member_id": member_id}).scalar()


def seat_view(sitting: Sitting, member_id: int) -> dict | None:
    """The delegate's seat with a small map: their seat, the hall outline and the nearest entrance."""
    seat = seat_of(sitting.id, member_id)
    if seat is None:
        return None
    hall = seat.hall
    outline = db.session.execute(select(HallSeat.x, HallSeat.y, HallSeat.kind).where(HallSeat.hall_id == hall.id)).all()
    entrance = halls.nearest_entrance(hall.layout, seat.x, seat.y)
    return {"label": seat_label(sitting.id, member_id), "hall": hall.name, "zone": seat.zone_name,
            "row": seat.row_label, "number": seat.number, "x": seat.x, "y": seat.y,
            "seats": [[o.x, o.y, o.kind == "rostrum"] for o in outline], "entrance": entrance,
            "entrances": hall.layout.get("entrances", [])}


def search(sitting: Sitting, query: str, limit: int = 20) -> list[dict]:
    """Staff lookup by name (or member number) within the sitting."""
    query = (query or "").strip()
    if not query:
        return []
    like = f"%{query}%"
    members = db.session.scalars(select(Member).where((Member.name.like(like)) | (Member.member_no == query))
                                 .limit(200)).unique().all()
    out = []
    for m in sorted(members, key=lambda m: sort_key(m.name))[:limit]:
        seat = seat_of(sitting.id, m.id)
        out.append({"member_id": m.id, "name": m.name, "sector": m.sector_name, "seat_id": seat.id if seat else None,
                    "label": seat_label(sitting.id, m.id)})
    return out


def delegate_sitting(member: Member, meeting) -> Sitting | None:
    """Today's or the next sitting of the meeting where this person has a seat."""
    if meeting is None:
        return None
    now = utcnow() - timedelta(hours=4)
    rows = db.session.scalars(select(Sitting).join(SeatAssignment, SeatAssignment.sitting_id == Sitting.id)
                              .where(Sitting.meeting_id == meeting.id, SeatAssignment.member_id == member.id)
                              .order_by(Sitting.starts_at)).all()
    from ..timeutil import as_utc

    upcoming = [s for s in rows if as_utc(s.starts_at) >= now]
    return upcoming[0] if upcoming else (rows[-1] if rows else None)


def _ordered_assignments(sitting: Sitting):
    return db.session.execute(select(HallSeat, Member).join(SeatAssignment, SeatAssignment.seat_id == HallSeat.id)
                              .join(Member, Member.id == SeatAssignment.member_id)
                              .where(SeatAssignment.sitting_id == sitting.id)
                              .order_by(HallSeat.kind != "rostrum", HallSeat.zone, HallSeat.row, HallSeat.position)
                              ).unique().all()


def chart_data(sitting: Sitting):
    """The 座次图 dataclass for conference.pdf.render_seating_chart."""
    from ..pdf import data as pdf

    plan = require_plan(sitting)
    seats = db.session.scalars(select(HallSeat).where(HallSeat.hall_id == plan.hall_id)).all()
    people = {a.seat_id: a for a in db.session.execute(
        select(SeatAssignment.seat_id, Member.name, Member.sector_id).join(Member, Member.id == SeatAssignment.member_id)
        .where(SeatAssignment.sitting_id == sitting.id)).all()}
    from ..registration.models import Sector

    sector_names = dict(db.session.execute(select(Sector.id, Sector.name)).all())
    rostrum_top = min((s.y for s in seats if s.kind == "rostrum"), default=0)
    floor_top = min((s.y for s in seats if s.kind != "rostrum"), default=0)
    min_x = min(s.x for s in seats)
    out = []
    for s in sorted(seats, key=lambda s: (s.y, s.x)):
        if s.status == "unusable":
            continue
        a = people.get(s.id)
        rostrum = s.kind == "rostrum"
        out.append(pdf.Seat(row=int(round(s.y - (rostrum_top if rostrum else floor_top))), col=int(round(s.x - min_x)),
                            label=f"{s.row_label}{s.number}号", name=a.name if a else "",
                            sector=sector_names.get(a.sector_id, "") if a else "", rostrum=rostrum))
    meeting = sitting.meeting.title if sitting.meeting else ""
    return pdf.SeatingChart(meeting=meeting, hall=plan.hall.name, sitting=sitting.title, seats=out,
                            note="以姓氏笔画为序")


def chart_pdf(sitting: Sitting) -> bytes:
    from ..pdf.renderers import render_seating_chart

    return render_seating_chart(chart_data(sitting))


def plan_xlsx(sitting: Sitting) -> bytes:
    from openpyxl import Workbook

    plan = require_plan(sitting)
    wb = Workbook()
    ws = wb.active
    ws.title = "座次表"
    ws.append([f"{sitting.title} 座次表（{plan.hall.name}）"])
    ws.append(["区域", "排", "座号", "姓名", "界别", "委员证号", "锁定"])
    locked = dict(db.session.execute(select(SeatAssignment.seat_id, SeatAssignment.locked)
                                     .where(SeatAssignment.sitting_id == sitting.id)).all())
    for seat, member in _ordered_assignments(sitting):
        ws.append([seat.zone_name, seat.row_label, seat.number, member.name, member.sector_name, member.member_no,
                   "是" if locked.get(seat.id) else ""])
    for col, width in zip("ABCDEFG", (10, 8, 6, 14, 20, 12, 6)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
