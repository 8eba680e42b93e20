"""Attendance rules, pure (standard library only): 应到/实到/请假/缺席/列席/退场, quorum, code windows.

Definitions (one sitting):
- 应到 ``expected``: voting members of the sitting's body.
- 实到 ``present``: expected members checked in and still in the hall (not 退场).
- 退场 ``left``: expected members who checked in and then left.
- 请假 ``on_leave``: expected members with approved leave who did not check in anyway.
- 缺席 ``absent``: expected members neither checked in nor on leave.  应到 = 实到 + 退场 + 请假 + 缺席.
- 列席 ``nonvoting``: people checked in who are not expected (列席 attendees, staff-admitted guests);
  they never count toward quorum.
- Quorum (过半数): 实到 > 应到 / 2, i.e. 实到 ≥ 应到 // 2 + 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

CODE_WINDOW_SECONDS = 30
_WINDOW_MOD = 2 ** 24  # the token's extra field is 3 bytes


@dataclass(frozen=True)
class Figures:
    expected: int
    present: int
    left: int
    on_leave: int
    absent: int
    nonvoting: int

    @property
    def quorum_threshold(self) -> int:
        return quorum_threshold(self.expected)

    @property
    def quorum_met(self) -> bool:
        return self.expected > 0 and self.present >= self.quorum_threshold

    @property
    def still_needed(self) -> int:
        return max(0, self.quorum_threshold - self.present)

    def as_dict(self) -> dict:
        return {"expected": self.expected, "present": self.present, "left": self.left, "on_leave": self.on_leave,
                "absent": self.absent, "nonvoting": self.nonvoting, "quorum_threshold": self.quorum_threshold,
                "quorum_met": self.quorum_met, "still_needed": self.still_needed}


@dataclass(frozen=True)
class Sets:
    """The member-id sets behind the figures."""
    present: frozenset[int]
    left: frozenset[int]
    on_leave: frozenset[int]
    absent: frozenset[int]
    nonvoting: frozenset[int]


def quorum_threshold(expected: int) -> int:
    """The smallest number that is more than half of ``expected``."""
    return expected // 2 + 1


def classify(expected: set[int], checked_in: set[int], left: set[int], approved_leave: set[int]) -> Sets:
    """Split people into the attendance categories. ``left`` ⊆ ``checked_in`` is assumed (others ignored)."""
    expected, checked_in = set(expected), set(checked_in)
    left = set(left) & checked_in
    in_hall = checked_in - left
    present = expected & in_hall
    left_expected = expected & left
    on_leave = (expected & set(approved_leave)) - checked_in
    absent = expected - checked_in - on_leave
    nonvoting = in_hall - expected
    return Sets(frozenset(present), frozenset(left_expected), frozenset(on_leave), frozenset(absent),
                frozenset(nonvoting))


def count(sets: Sets, expected: int) -> Figures:
    return Figures(expected=expected, present=len(sets.present), left=len(sets.left), on_leave=len(sets.on_leave),
                   absent=len(sets.absent), nonvoting=len(sets.nonvoting))


def tally(expected: set[int], checked_in: set[int], left: set[int] = frozenset(),
          approved_leave: set[int] = frozenset()) -> Figures:
    return count(classify(expected, checked_in, left, approved_leave), len(set(expected)))


@dataclass
class GroupRow:
    key: object
    figures: Figures


def tally_by(group_of: dict[int, object], expected: set[int], checked_in: set[int], left: set[int] = frozenset(),
             approved_leave: set[int] = frozenset(), order: list | None = None) -> list[GroupRow]:
    """Per-group (界别) figures. ``group_of`` maps every member id (expected or checked in) to its group key;
    ``order`` lists the group keys in display order (groups absent from it follow, in first-seen order)."""
    sets = classify(expected, checked_in, left, approved_leave)
    keys: list = list(order or [])
    buckets: dict[object, dict[str, set[int]]] = {}

    def bucket(key):
        if key not in buckets:
            buckets[key] = {"expected": set(), "present": set(), "left": set(), "on_leave": set(), "absent": set(),
                            "nonvoting": set()}
            if key not in keys:
                keys.append(key)
        return buckets[key]

    for mid in expected:
        bucket(group_of.get(mid))["expected"].add(mid)
    for name in ("present", "left", "on_leave", "absent", "nonvoting"):
        for mid in getattr(sets, name):
            bucket(group_of.get(mid))[name].add(mid)
    rows = []
    for key in keys:
        if key not in buckets:
            continue
        b = buckets[key]
        rows.append(GroupRow(key, Figures(expected=len(b["expected"]), present=len(b["present"]), left=len(b["left"]),
                                          on_leave=len(b["on_leave"]), absent=len(b["absent"]),
                                          nonvoting=len(b["nonvoting"]))))
    return rows


# ---- who is expected at a sitting (mirrors meetings.services.expected_query, for one member, no query) ----------
def is_expected(*, body: str, sitting_group_id: int | None, member_kind: str, member_active: bool,
                member_role: str, member_group_id: int | None, standing_roles: set[str]) -> bool:
    if not member_active or member_kind != "委员":
        return False
    if body == "standing":
        return member_role in standing_roles
    if body == "group":
        return member_group_id is not None and member_group_id == sitting_group_id
    return True


# ---- rotating self check-in codes ---------------------------------------------------------------------------
def window_index(epoch_seconds: float, period: int = CODE_WINDOW_SECONDS) -> int:
    """The time window a moment falls in, folded into the token's 24-bit field."""
    return int(epoch_seconds // period) % _WINDOW_MOD


def window_accepted(token_window: int, epoch_seconds: float, period: int = CODE_WINDOW_SECONDS) -> bool:
    """Accept the current window and the previous one only (a code lives 30–60 s)."""
    now = window_index(epoch_seconds, period)
    return token_window in (now, (now - 1) % _WINDOW_MOD)


# ---- offline scan times ---------------------------------------------------------------------------------------
def sane_scan_time(claimed: datetime | None, now: datetime, earliest: datetime,
                   skew: timedelta = timedelta(minutes=2)) -> tuple[datetime, bool]:
    """The time to record for a scan a station reports: its own claim when plausible, else ``now``.

    Plausible = not later than ``now`` (plus clock skew) and not before ``earliest`` (the sitting's day).
    Returns (time, adjusted)."""
    if claimed is None:
        return now, False
    if claimed > now + skew or claimed < earliest:
        return now, True
    return min(claimed, now), False


@dataclass
class ScanOutcome:
    """What a station shows for one scan."""
    ok: bool
    code: str
    message: str
    colour: str  # green / amber / red
    details: dict = field(default_factory=dict)


COLOURS = {"ok": "green", "returned": "green", "already_checked_in": "amber"}


def colour_of(code: str) -> str:
    return COLOURS.get(code, "red")
