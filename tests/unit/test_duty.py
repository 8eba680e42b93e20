"""Duty records (履职) counted from plain sets, by tables of cases."""
import pytest

from conference.reports.duty import MemberInfo, count_duty, percent

A, B, C = (MemberInfo(1, "王五", "经济界", 2, "N1"), MemberInfo(2, "丁一", "经济界", 2, "N2"),
           MemberInfo(3, "李四", "教育界", 1, "N3"))


def row(table, member_id):
    return next(r for r in table.rows if r.member_id == member_id)


CASES = [
    # expected, attended, on_leave → (expected, attended, on_leave, absent) of member 1
    ({10: {1}}, {10: {1}}, {}, (1, 1, 0, 0)),
    ({10: {1}}, {}, {10: {1}}, (1, 0, 1, 0)),
    ({10: {1}}, {}, {}, (1, 0, 0, 1)),
    ({10: {1}}, {10: {1}}, {10: {1}}, (1, 1, 0, 0)),          # came despite approved leave: attended
    ({10: {2}}, {10: {1}}, {}, (0, 0, 0, 0)),                 # checked in where not expected: not counted
    ({10: {1}, 11: {1}, 12: {1}}, {10: {1}}, {11: {1}}, (3, 1, 1, 1)),
    ({}, {}, {}, (0, 0, 0, 0)),
]


@pytest.mark.parametrize("expected,attended,on_leave,want", CASES)
def test_member_counts(expected, attended, on_leave, want):
    table = count_duty([A, B, C], expected, attended, on_leave)
    r = row(table, 1)
    assert (r.expected, r.attended, r.on_leave, r.absent) == want
    assert r.expected == r.attended + r.on_leave + r.absent


def test_votes_suggestions_and_sector_totals():
    table = count_duty([A, B, C], {10: {1, 2, 3}, 11: {1, 2}}, {10: {1, 3}, 11: {2}}, {11: {1}},
                       votes={1: 4, 3: 1}, suggestions={2: 2}, handled={2: 1})
    econ = next(s for s in table.sectors if s.sector == "经济界")
    assert (econ.members, econ.expected, econ.attended, econ.on_leave, econ.absent) == (2, 4, 2, 1, 1)
    assert (econ.votes, econ.suggestions, econ.handled) == (4, 2, 1)
    assert econ.rate == pytest.approx(0.5)
    assert (table.total.expected, table.total.attended, table.total.members) == (5, 3, 3)
    assert table.sittings == 2
    assert row(table, 3).rate == 1.0 and row(table, 1).votes == 4


def test_order_sector_position_then_name_key():
    key = {"王五": 4, "丁一": 2, "李四": 7}.__getitem__  # stand-in for 姓氏笔画 (丁 2 strokes, 王 4)
    table = count_duty([A, B, C], {}, {}, {}, name_key=key)
    assert [r.name for r in table.rows] == ["李四", "丁一", "王五"]      # 教育界 (position 1) first
    assert [s.sector for s in table.sectors] == ["教育界", "经济界"]


def test_expected_member_outside_roster_is_ignored_and_rates():
    table = count_duty([A], {10: {1, 99}}, {10: {99}}, {})
    assert [r.member_id for r in table.rows] == [1]
    assert row(table, 1).absent == 1
    assert percent(None) == "—" and percent(0.5) == "50.0%"
    assert count_duty([A], {}, {}, {}).rows[0].rate is None
