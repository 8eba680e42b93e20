"""Member duty records (委员履职), counted from plain sets. Pure: standard library only.

Per sitting in the period, for each member in its expected set (应到):
  attended  — checked in (退场 afterwards still counts as having attended);
  on_leave  — not checked in, with an approved leave for that sitting;
  absent    — neither.             expected = attended + on_leave + absent.
Check-ins at sittings where the member was not expected (列席, another group's discussion) do not count.
Votes taken part in and suggestions are counted by the caller per member and passed in.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Callable, Iterable, Mapping

NO_SECTOR = "未分界别"


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    sector: str = NO_SECTOR
    sector_position: int = 10**9
    member_no: str = ""


@dataclass(kw_only=True)
class Counts:
    """The duty figures, of one member or summed over a 界别."""
    expected: int = 0
    attended: int = 0
    on_leave: int = 0
    absent: int = 0
    votes: int = 0
    suggestions: int = 0
    handled: int = 0   # suggestions that staff have handled (accepted/answered/not adopted)

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None


COUNT_FIELDS = tuple(f.name for f in fields(Counts))


@dataclass
class DutyRow(Counts):
    member_id: int
    name: str
    sector: str
    member_no: str


@dataclass
class SectorTotals(Counts):
    sector: str
    members: int = 0
    rows: list[DutyRow] = field(default_factory=list)

    def add(self, row: DutyRow) -> None:
        self.members += 1
        self.rows.append(row)
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(row, name))


@dataclass
class DutyTable:
    rows: list[DutyRow]              # by 界别 (official order), then the name key (姓氏笔画)
    sectors: list[SectorTotals]      # same order
    total: SectorTotals
    sittings: int


def count_duty(members: Iterable[MemberInfo], expected: Mapping[int, set[int]], attended: Mapping[int, set[int]],
               on_leave: Mapping[int, set[int]], votes: Mapping[int, int] | None = None,
               suggestions: Mapping[int, int] | None = None, handled: Mapping[int, int] | None = None,
               name_key: Callable[[str], object] = lambda name: name) -> DutyTable:
    """``expected``/``attended``/``on_leave``: sitting id → member ids; ``votes`` etc.: member id → count."""
    votes, suggestions, handled = votes or {}, suggestions or {}, handled or {}
    infos = list(members)
    rows = {m.id: DutyRow(m.id, m.name, m.sector, m.member_no) for m in infos}
    for sitting_id, ids in expected.items():
        came = attended.get(sitting_id, set())
        excused = on_leave.get(sitting_id, set())
        for member_id in ids:
            row = rows.get(member_id)
            if row is None:  # expected but not in the roster we report on (e.g. since deactivated)
                continue
            row.expected += 1
            if member_id in came:
                row.attended += 1
            elif member_id in excused:
                row.on_leave += 1
            else:
                row.absent += 1
    for member_id, row in rows.items():
        row.votes = int(votes.get(member_id, 0))
        row.suggestions = int(suggestions.get(member_id, 0))
        row.handled = int(handled.get(member_id, 0))
    order = sorted(infos, key=lambda m: (m.sector_position, m.sector, name_key(m.name), m.member_no, m.id))
    ordered = [rows[m.id] for m in order]
    sectors: dict[str, SectorTotals] = {}
    total = SectorTotals("合计")
    for row in ordered:
        sectors.setdefault(row.sector, SectorTotals(row.sector)).add(row)
        total.add(row)
    total.rows = []
    return DutyTable(ordered, list(sectors.values()), total, len(expected))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
