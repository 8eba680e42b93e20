"""Pure attendance rules: categories, quorum, per-界别 rows, code windows, offline times."""
from datetime import datetime, timedelta, timezone

import pytest

from conference.checkin import attendance as rules


def test_categories_add_up_and_attendees_never_count():
    expected = set(range(1, 11))             # 10 voting members
    checked_in = {1, 2, 3, 4, 5, 6, 100}     # 100 = 列席 attendee
    left = {6}
    leave = {7, 8, 1}                        # 1 is on leave but came anyway: present, not on leave
    sets = rules.classify(expected, checked_in, left, leave)
    f = rules.count(sets, len(expected))
    assert (f.expected, f.present, f.left, f.on_leave, f.absent, f.nonvoting) == (10, 5, 1, 2, 2, 1)
    assert f.present + f.left + f.on_leave + f.absent == f.expected
    assert sets.absent == {9, 10} and sets.nonvoting == {100}
    assert 100 not in sets.present


@pytest.mark.parametrize("expected,present,met,needed", [
    (10, 5, False, 1), (10, 6, True, 0), (11, 5, False, 1), (11, 6, True, 0), (3000, 1500, False, 1),
    (3000, 1501, True, 0), (0, 0, False, 1), (1, 1, True, 0)])
def test_quorum_is_more_than_half(expected, present, met, needed):
    f = rules.Figures(expected=expected, present=present, left=0, on_leave=0, absent=expected - present, nonvoting=0)
    assert f.quorum_met is met
    assert f.still_needed == needed


def test_tally_by_sector_keeps_order():
    group_of = {1: "中共", 2: "中共", 3: "民革", 4: "民革", 9: "特邀"}
    rows = rules.tally_by(group_of, {1, 2, 3, 4}, {1, 3, 9}, set(), {4}, order=["民革", "中共"])
    assert [r.key for r in rows] == ["民革", "中共", "特邀"]
    assert rows[0].figures.present == 1 and rows[0].figures.on_leave == 1
    assert rows[1].figures.absent == 1
    assert rows[2].figures.expected == 0 and rows[2].figures.nonvoting == 1


def test_is_expected_by_body():
    base = dict(sitting_group_id=5, member_active=True, member_group_id=5, standing_roles={"常委", "主席"})
    assert rules.is_expected(body="all", member_kind="委员", member_role="委员", **base)
    assert not rules.is_expected(body="all", member_kind="列席", member_role="委员", **base)
    assert not rules.is_expected(body="standing", member_kind="委员", member_role="委员", **base)
    assert rules.is_expected(body="standing", member_kind="委员", member_role="常委", **base)
    assert not rules.is_expected(body="group", member_kind="委员", member_role="委员",
                                 **{**base, "member_group_id": 6})


def test_code_window_accepts_current_and_previous_only():
    t = 1_800_000_000.0
    w = rules.window_index(t)
    assert rules.window_accepted(w, t)
    assert rules.window_accepted(w, t + 30)        # previous window
    assert not rules.window_accepted(w, t + 60)    # two windows later
    assert not rules.window_accepted(w + 1, t)     # from the future


def test_sane_scan_time():
    now = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
    day = now - timedelta(hours=10)
    assert rules.sane_scan_time(now - timedelta(minutes=5), now, day) == (now - timedelta(minutes=5), False)
    assert rules.sane_scan_time(now + timedelta(hours=1), now, day) == (now, True)
    assert rules.sane_scan_time(day - timedelta(days=1), now, day) == (now, True)
    assert rules.sane_scan_time(None, now, day) == (now, False)
