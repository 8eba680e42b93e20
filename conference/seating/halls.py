"""Halls as data: build a hall layout from parameters, number its seats, lay them out on a grid.

Pure module (standard library only). A *layout* is the JSON document described by
``schemas/hall.schema.json``; :func:`build_seats` turns it into one :class:`SeatSpec` per seat.

Geometry (written down once, used everywhere in the seating domain):

* The drawing is a plan of the hall seen from above with the rostrum (主席台) at the TOP and the audience
  below it, facing up. ``x`` grows to the right of the page, which is the **audience's right** (the right
  hand of a delegate sitting on the floor facing the rostrum). ``y`` grows downwards: further from the
  rostrum, i.e. towards the back of the hall.
* A person on the rostrum faces the audience, so the rostrum person's **left hand is the audience's right
  (larger x)**.
* ``position`` is the 0-based index of a seat in its row counted from the audience's left (smallest x).
* Rows are numbered 1.. from the front: for floor and balcony zones row 1 is nearest the rostrum (drawn at
  the top of the zone); for the rostrum row 1 is the front row facing the audience (drawn at the bottom of
  the rostrum zone, nearest the floor).

Numbering schemes (per zone):

* ``ltr``: 1, 2, 3 ... from the audience's left to right.
* ``odd_even``: counting outward from the centre of the row, odd numbers on one side (``odd_side``:
  ``"right"`` = audience's right, the default, or ``"left"``) and even numbers on the other. With an odd
  number of seats the middle seat is No.1; with an even number No.1 is the seat just on the odd side of the
  centre line and No.2 the one just on the even side.
"""
from __future__ import annotations

from dataclasses import dataclass

ZONE_KINDS = ("rostrum", "floor", "balcony")
SCHEMES = ("ltr", "odd_even")
SEAT_STATES = ("ok", "reserved", "unusable")
ZONE_GAP = 2          # empty grid units between zones drawn next to each other
ROSTRUM_GAP = 2       # between the rostrum and the floor


class HallError(ValueError):
    """A layout that cannot be built; ``code`` and Chinese ``message`` as DomainError wants them."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SeatSpec:
    zone: str             # zone key, e.g. "center"
    zone_name: str        # 中区
    kind: str             # rostrum / floor / balcony
    row: int              # 1 = front
    row_label: str        # "5排" unless renamed
    position: int         # 0 = audience's left within the row
    number: int           # the number printed on the seat
    x: float
    y: float
    status: str = "ok"    # ok / reserved / unusable
    attendees: bool = False  # the 列席 zone

    @property
    def key(self) -> str:
        return f"{self.zone}:{self.row}:{self.number}"


def seat_numbers(count: int, scheme: str = "ltr", odd_side: str = "right") -> list[int]:
    """Seat numbers of a row of ``count`` seats, listed by position from the audience's left."""
    if count < 0:
        raise HallError("bad_layout", "每排座位数不能为负数")
    if scheme == "ltr":
        return list(range(1, count + 1))
    if scheme != "odd_even":
        raise HallError("bad_layout", f"未知的编号方式：{scheme}")
    numbers = [0] * count
    if count == 0:
        return numbers
    odd_right = odd_side != "left"
    if count % 2:
        mid = count // 2
        numbers[mid] = 1
        odd_positions = range(mid + 1, count) if odd_right else range(mid - 1, -1, -1)
        even_positions = range(mid - 1, -1, -1) if odd_right else range(mid + 1, count)
        for i, p in enumerate(odd_positions):
            numbers[p] = 3 + 2 * i
        for i, p in enumerate(even_positions):
            numbers[p] = 2 + 2 * i
    else:
        left = list(range(count // 2 - 1, -1, -1))   # outward to the audience's left
        right = list(range(count // 2, count))        # outward to the audience's right
        odd_positions, even_positions = (right, left) if odd_right else (left, right)
        for i, p in enumerate(odd_positions):
            numbers[p] = 1 + 2 * i
        for i, p in enumerate(even_positions):
            numbers[p] = 2 + 2 * i
    return numbers


def _row_counts(zone: dict) -> list[int]:
    spr = zone.get("seats_per_row")
    rows = zone.get("rows")
    if isinstance(spr, list):
        counts = [int(c) for c in spr]
        if rows is not None and int(rows) != len(counts):
            raise HallError("bad_layout", f"区域“{zone.get('name')}”的排数与每排座位数列表不一致")
        return counts
    return [int(spr)] * int(rows)


def zone_width(zone: dict) -> float:
    counts = _row_counts(zone)
    aisles = len(zone.get("aisles_after") or [])
    return (max(counts) if counts else 0) + aisles


def build_seats(layout: dict) -> list[SeatSpec]:
    """Every seat of the hall, with numbers and drawing coordinates.

    Zones without explicit ``x``/``y`` are placed automatically: the rostrum centred at the top, floor zones
    side by side below it in the order given, balconies below the floor.
    """
    zones = layout.get("zones") or []
    if not zones:
        raise HallError("bad_layout", "会场至少要有一个区域")
    keys = [z["key"] for z in zones]
    if len(set(keys)) != len(keys):
        raise HallError("bad_layout", "区域标识不能重复")
    origins = _auto_origins(zones)
    seats: list[SeatSpec] = []
    for zone in zones:
        counts = _row_counts(zone)
        kind = zone.get("kind", "floor")
        if kind not in ZONE_KINDS:
            raise HallError("bad_layout", f"未知的区域类型：{kind}")
        scheme, odd_side = zone.get("numbering", "ltr"), zone.get("odd_side", "right")
        aisles = sorted(int(a) for a in zone.get("aisles_after") or [])
        width = zone_width(zone)
        ox, oy = origins[zone["key"]]
        labels = {int(k): v for k, v in (zone.get("row_labels") or {}).items()}
        status = {}
        for state in ("reserved", "unusable"):
            for ref in zone.get(state) or []:
                status[_parse_ref(ref, zone)] = state
        nrows = len(counts)
        for r, count in enumerate(counts, start=1):
            numbers = seat_numbers(count, scheme, odd_side)
            offset = (width - len(aisles) - count) / 2  # centre a shorter row
            y = oy + ((nrows - r) if kind == "rostrum" else (r - 1))
            for p, number in enumerate(numbers):
                gap = sum(1 for a in aisles if p >= a)  # "aisles_after": 4 = an aisle after the 4th seat
                seats.append(SeatSpec(zone=zone["key"], zone_name=zone.get("name", zone["key"]), kind=kind, row=r,
                                      row_label=labels.get(r) or f"{r}排", position=p, number=number,
                                      x=ox + offset + p + gap, y=y, status=status.get((r, number), "ok"),
                                      attendees=bool(zone.get("attendees"))))
        for (r, number), state in status.items():
            if not (1 <= r <= nrows and number in seat_numbers(counts[r - 1], scheme, odd_side)):
                raise HallError("bad_layout", f"区域“{zone.get('name')}”没有座位 {r}排{number}号（标记为{_STATE_LABEL[state]}）")
    return seats


_STATE_LABEL = {"reserved": "预留", "unusable": "不可用"}


def _parse_ref(ref: str, zone: dict) -> tuple[int, int]:
    try:
        row, number = str(ref).split("-")
        return int(row), int(number)
    except ValueError:
        raise HallError("bad_layout", f"区域“{zone.get('name')}”的座位写法“{ref}”有误，应为“排-号”，如 3-12") from None


def _auto_origins(zones: list[dict]) -> dict[str, tuple[float, float]]:
    """Origins (top-left) of zones that give none: rostrum centred above the floor, balconies below."""
    floor = [z for z in zones if z.get("kind", "floor") == "floor"]
    floor_width = sum(zone_width(z) for z in floor) + ZONE_GAP * max(0, len(floor) - 1)
    rostrum = [z for z in zones if z.get("kind") == "rostrum"]
    rostrum_height = sum(len(_row_counts(z)) for z in rostrum) + (ROSTRUM_GAP if rostrum else 0)
    floor_height = max((len(_row_counts(z)) for z in floor), default=0)
    origins: dict[str, tuple[float, float]] = {}
    y = 0.0
    for z in rostrum:
        origins[z["key"]] = ((floor_width - zone_width(z)) / 2, y)
        y += len(_row_counts(z))
    x = 0.0
    for z in floor:
        origins[z["key"]] = (x, rostrum_height)
        x += zone_width(z) + ZONE_GAP
    y = rostrum_height + floor_height + ZONE_GAP
    for z in (z for z in zones if z.get("kind") == "balcony"):
        origins[z["key"]] = ((floor_width - zone_width(z)) / 2, y)
        y += len(_row_counts(z)) + ZONE_GAP
    for z in zones:
        if "x" in z and "y" in z:
            origins[z["key"]] = (float(z["x"]), float(z["y"]))
    return origins


def layout_from_params(name: str, zones: list[dict], entrances: list[dict] | None = None) -> dict:
    """A layout from the "create a hall" form: zones given as (key, name, kind, rows, seats_per_row,
    numbering, odd_side, aisles_after). Entrances default to one door at each back corner of the floor
    and one at the front of each side."""
    layout = {"name": name, "zones": [], "entrances": entrances or []}
    for z in zones:
        layout["zones"].append({k: v for k, v in z.items() if v not in (None, "", [])})
    if not layout["entrances"]:
        seats = build_seats(layout)
        xs = [s.x for s in seats if s.kind != "rostrum"] or [s.x for s in seats]
        ys = [s.y for s in seats if s.kind != "rostrum"] or [s.y for s in seats]
        left, right, top, bottom = min(xs) - 1.5, max(xs) + 1.5, min(ys), max(ys) + 1.5
        layout["entrances"] = [
            {"name": "1号门", "x": left, "y": top}, {"name": "2号门", "x": right, "y": top},
            {"name": "3号门", "x": left, "y": bottom}, {"name": "4号门", "x": right, "y": bottom},
        ]
    return layout


def nearest_entrance(layout: dict, x: float, y: float) -> dict | None:
    entrances = layout.get("entrances") or []
    if not entrances:
        return None
    return min(entrances, key=lambda e: ((e["x"] - x) ** 2 + (e["y"] - y) ** 2, e["name"]))


def demo_layout(name: str = "主会场") -> dict:
    """A realistic plenary hall: a 3-row rostrum, a floor of 816 seats in three sections, a 列席 balcony."""
    return layout_from_params(name, [
        {"key": "rostrum", "name": "主席台", "kind": "rostrum", "rows": 3, "seats_per_row": [21, 25, 25],
         "numbering": "odd_even"},
        {"key": "left", "name": "左区", "kind": "floor", "rows": 24, "seats_per_row": 9, "numbering": "ltr"},
        {"key": "center", "name": "中区", "kind": "floor", "rows": 24, "seats_per_row": 16,
         "numbering": "odd_even", "odd_side": "right"},
        {"key": "right", "name": "右区", "kind": "floor", "rows": 24, "seats_per_row": 9, "numbering": "ltr"},
        {"key": "balcony", "name": "列席区", "kind": "balcony", "rows": 2, "seats_per_row": 20, "numbering": "ltr",
         "attendees": True},
    ])
