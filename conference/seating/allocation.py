"""Automatic protocol seating of one sitting. Pure: standard library (and the pure stroke-order module) only.

Geometry (see also :mod:`conference.seating.halls`): the hall is drawn from above with the rostrum at the top;
``x`` grows towards the **audience's right**. People on the rostrum face the audience, so a rostrum person's
**left hand is the audience's right (larger x)**.

Rostrum (主席台), DOMAIN.md "Ordering and seating conventions":

* Candidates are the people whose committee role is in ``Options.rostrum_roles`` (default 主席, 副主席, 秘书长,
  常委), ordered by rank, then 姓氏笔画 inside a rank. The front row (row 1) is filled first, then row 2 ...
* In a row that receives ``k`` people, No.1 sits in the centre; No.2 at No.1's left hand (one seat towards the
  audience's right), No.3 at No.1's right hand (one seat towards the audience's left), No.4 two seats to the
  audience's right, No.5 two seats to the audience's left, and so on. Seen from the audience, 5 people read
  ``5 3 1 2 4`` and 6 people ``5 3 1 2 4 6``.
* The group is centred in the row's usable seats: with ``k`` odd No.1 takes the middle seat; with ``k`` even
  No.1 and No.2 share the centre (No.1 just to the audience's left of the centre line, No.2 on No.1's left hand
  just to the audience's right). When the group cannot be centred exactly (row and group of different parity)
  it sits half a seat towards the audience's left. Reserved, unusable and locked seats are skipped: the rule
  is applied to the remaining seats of the row in order.
* Candidates who do not fit on the rostrum sit at the front of the floor, in the same order, with a note.

Floor (台下): seats ordered front to back (by ``y``; balconies after the floor), and within a row centre
outward (distance from the hall's centre line; at equal distance the audience's right first). Members are laid
along that order: rostrum overflow first, then 界别 blocks in the official order (``sector_position``), 姓氏笔画
inside each block, so every block is contiguous. 列席 attendees sit in the zone(s) marked ``attendees``; a hall
without such a zone seats them on the floor after the members (with a note).

Leave: ``leave="empty"`` keeps the seat a person on approved leave would have had, and leaves it empty
(``Allocation.held``); ``leave="close"`` leaves them out so the others close up.

Locked seats keep their person; reserved and unusable seats are never filled. People who cannot be seated are
returned in ``Allocation.unseated`` with a reason. The result depends only on the input (ties break on ids).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..registration.strokes import sort_key

DEFAULT_ROSTRUM_ROLES = ("主席", "副主席", "秘书长", "常委")
ROLE_RANK = {"主席": 0, "副主席": 1, "秘书长": 2, "常委": 3, "委员": 4}


class AllocationError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Seat:
    id: int
    kind: str = "floor"          # rostrum / floor / balcony
    row: int = 1
    x: float = 0.0
    y: float = 0.0
    status: str = "ok"           # ok / reserved / unusable
    attendees: bool = False      # seat of the 列席 zone
    zone: str = ""


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str = "委员"
    sector_position: int | None = None
    sector: str = ""
    attendee: bool = False       # 列席
    on_leave: bool = False       # approved leave for this sitting

    @property
    def rank(self) -> int:
        return ROLE_RANK.get(self.role, len(ROLE_RANK))


@dataclass(frozen=True)
class Options:
    rostrum_roles: tuple[str, ...] = DEFAULT_ROSTRUM_ROLES
    leave: str = "empty"         # "empty": keep their seats empty; "close": close the gaps
    convention: str = "cppcc"


@dataclass(frozen=True)
class Unseated:
    person_id: int
    name: str
    reason: str


@dataclass
class Allocation:
    seats: dict[int, int] = field(default_factory=dict)    # person id -> seat id (locked ones included)
    held: dict[int, int] = field(default_factory=dict)     # on-leave person id -> seat id left empty
    unseated: list[Unseated] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def seat_of(self, person_id: int) -> int | None:
        return self.seats.get(person_id)


def protocol_slots(available: int, k: int) -> list[int]:
    """Indices (0 = audience's left) into a row of ``available`` seats for rostrum No.1 .. No.k."""
    if k > available:
        raise AllocationError("rostrum_row_full", "主席台该排座位不足")
    if k <= 0:
        return []
    start = (available - k) // 2
    first = start + (k - 1) // 2
    return [first + (i // 2 if i % 2 == 0 else -((i - 1) // 2)) for i in range(1, k + 1)]


def check_unique(pairs) -> None:
    """Refuse a plan that puts two people in one seat or one person in two seats. ``pairs``: (person, seat)."""
    seen_people: set[int] = set()
    seen_seats: set[int] = set()
    for person_id, seat_id in pairs:
        if person_id in seen_people:
            raise AllocationError("person_twice", "同一人在本会次被安排了两个座位")
        if seat_id in seen_seats:
            raise AllocationError("seat_twice", "同一座位在本会次被安排了两个人")
        seen_people.add(person_id)
        seen_seats.add(seat_id)


def floor_order(seats: list[Seat]) -> list[Seat]:
    """Front to back, centre outward (audience's right first at equal distance); balconies after the floor."""
    if not seats:
        return []
    xs = [s.x for s in seats]
    centre = (min(xs) + max(xs)) / 2
    return sorted(seats, key=lambda s: (s.kind == "balcony", s.y, abs(s.x - centre), s.x < centre, s.x, s.id))


def allocate(seats: list[Seat], people: list[Person], locked: dict[int, int] | None = None,
             options: Options | None = None) -> Allocation:
    """Seat ``people`` in ``seats``. ``locked`` maps seat id -> person id of seats kept as they are."""
    options = options or Options()
    if options.leave not in ("empty", "close"):
        raise AllocationError("bad_option", "请假人员座位的处理方式无效")
    locked = dict(locked or {})
    seat_by_id = {s.id: s for s in seats}
    if len(seat_by_id) != len(seats):
        raise AllocationError("seat_twice", "座位编号重复")
    person_by_id = {p.id: p for p in people}
    if len(person_by_id) != len(people):
        raise AllocationError("person_twice", "参会人员名单中有重复的人")

    result = Allocation()
    # Locked seats first: they are kept whatever the rules say.
    check_unique((p, s) for s, p in locked.items())
    for seat_id, person_id in sorted(locked.items()):
        seat = seat_by_id.get(seat_id)
        if seat is None or person_id not in person_by_id:
            result.notes.append(f"锁定的座位 {seat_id} 已不在会场或人员不在本会次名单中，未保留")
            continue
        if seat.status == "unusable":
            raise AllocationError("seat_unusable", "锁定的座位已被标记为不可用，请先解除锁定")
        result.seats[person_id] = seat_id
    taken = set(result.seats.values())
    placed = set(result.seats)

    def key(p: Person):
        return sort_key(p.name, options.convention), p.id

    keys = {p.id: key(p) for p in people}
    todo = [p for p in people if p.id not in placed and not (options.leave == "close" and p.on_leave)]
    if options.leave == "close":
        result.notes.extend(f"{p.name} 请假，未安排座位" for p in people if p.on_leave and p.id not in placed)
    usable = [s for s in seats if s.status == "ok" and s.id not in taken]

    # Rostrum.
    rostrum_roles = set(options.rostrum_roles)
    candidates = sorted((p for p in todo if not p.attendee and p.role in rostrum_roles),
                        key=lambda p: (p.rank, keys[p.id]))
    rows: dict[int, list[Seat]] = {}
    for s in usable:
        if s.kind == "rostrum":
            rows.setdefault(s.row, []).append(s)
    remaining = candidates
    for row in sorted(rows):
        row_seats = sorted(rows[row], key=lambda s: (s.x, s.id))
        k = min(len(row_seats), len(remaining))
        for person, index in zip(remaining[:k], protocol_slots(len(row_seats), k)):
            result.seats[person.id] = row_seats[index].id
        remaining = remaining[k:]
    overflow = remaining
    if overflow and candidates:
        result.notes.append(f"主席台座位不足，{len(overflow)} 人安排在台下前排")

    # Floor and the 列席 zone.
    on_rostrum = set(result.seats) - placed
    members = [p for p in todo if not p.attendee and p.id not in on_rostrum and p.id not in {o.id for o in overflow}]
    members.sort(key=lambda p: (p.sector_position is None, p.sector_position or 0, keys[p.id]))
    attendees = sorted((p for p in todo if p.attendee), key=lambda p: (p.sector_position is None,
                                                                       p.sector_position or 0, keys[p.id]))
    floor_seats = floor_order([s for s in usable if s.kind != "rostrum" and not s.attendees])
    attendee_seats = floor_order([s for s in usable if s.kind != "rostrum" and s.attendees])
    queue = overflow + members
    if attendees and not attendee_seats:
        result.notes.append("会场没有列席区，列席人员安排在委员之后")
        queue = queue + attendees
        attendees = []
    _fill(result, queue, floor_seats, "台下座位不足（可用 {n} 个，需要 {m} 个）")
    _fill(result, attendees, attendee_seats, "列席区座位不足（可用 {n} 个，需要 {m} 个）")

    if options.leave == "empty":
        for p in people:
            if p.on_leave and p.id not in placed and p.id in result.seats:
                result.held[p.id] = result.seats.pop(p.id)
    check_unique(result.seats.items())
    return result


def _fill(result: Allocation, people: list[Person], seats: list[Seat], reason: str) -> None:
    n = min(len(people), len(seats))
    for person, seat in zip(people[:n], seats[:n]):
        result.seats[person.id] = seat.id
    if len(people) > n:
        text = reason.format(n=len(seats), m=len(people))
        result.unseated.extend(Unseated(p.id, p.name, text) for p in people[n:])
