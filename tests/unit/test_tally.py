"""Tables of cases for the pure vote counting (conference.voting.tally): bases, fractions, 未按, boundaries."""
from fractions import Fraction

import pytest

from conference.voting.tally import (Base, Choice, ElectionBallot, ElectionMode, PassRule, TallyError,
                                     check_election_ballot, tally_election, tally_motion)

MAJ = PassRule.majority()
TWO_THIRDS = PassRule.two_thirds()


@pytest.mark.parametrize("rule, n, threshold", [
    (MAJ, 600, 301),           # exactly half (300) is NOT more than half
    (MAJ, 601, 301),
    (MAJ, 1, 1),
    (MAJ, 2, 2),
    (MAJ, 0, 1),
    (TWO_THIRDS, 600, 400),    # at least two thirds: exactly 400 passes
    (TWO_THIRDS, 601, 401),    # 400.67 → 401
    (TWO_THIRDS, 3, 2),
    (PassRule(Base.MEMBERS, Fraction(2, 3), strict=True), 600, 401),   # more than two thirds
    (PassRule(Base.MEMBERS, Fraction(3, 4), strict=False), 10, 8),
    (PassRule(Base.MEMBERS, Fraction(1, 1), strict=False), 7, 7),       # unanimity
])
def test_threshold(rule, n, threshold):
    assert rule.threshold(n) == threshold
    assert rule.passes(threshold, n) and not rule.passes(threshold - 1, n) or n == 0


@pytest.mark.parametrize("rule, expected, electorate, counts, passed, base, not_pressed", [
    # CPPCC default: more than half of ALL members (应到 600): 300 yes of 600 fails even if all others abstain
    (MAJ, 600, 580, {"yes": 300, "no": 0, "abstain": 280}, False, 600, 0),
    (MAJ, 600, 580, {"yes": 301, "no": 200, "abstain": 50}, True, 600, 29),
    # of members present (the frozen electorate): 291 of 580 passes, 290 (exactly half) fails
    (PassRule.majority(Base.PRESENT), 600, 580, {"yes": 291}, True, 580, 289),
    (PassRule.majority(Base.PRESENT), 600, 580, {"yes": 290, "no": 290}, False, 580, 0),
    # of votes cast: abstentions count as cast; 未按 does not
    (PassRule.majority(Base.CAST), 600, 580, {"yes": 101, "no": 50, "abstain": 50}, True, 201, 379),
    (PassRule.majority(Base.CAST), 600, 580, {"yes": 100, "no": 50, "abstain": 50}, False, 200, 380),
    # two thirds boundary
    (TWO_THIRDS, 600, 600, {"yes": 400, "no": 200}, True, 600, 0),
    (TWO_THIRDS, 600, 600, {"yes": 399, "no": 201}, False, 600, 0),
    (PassRule.two_thirds(Base.CAST), 10, 9, {"yes": 6, "no": 3}, True, 9, 0),
    (PassRule.two_thirds(Base.CAST), 10, 9, {"yes": 5, "no": 3}, False, 8, 1),
    # nobody voted
    (PassRule.majority(Base.CAST), 10, 6, {}, False, 0, 6),
])
def test_motion(rule, expected, electorate, counts, passed, base, not_pressed):
    result = tally_motion(rule, expected=expected, electorate=electorate, counts=counts)
    assert result.passed is passed
    assert result.base_count == base
    assert result.not_pressed == not_pressed
    assert result.cast + result.not_pressed == electorate


def test_motion_rule_text_and_bad_input():
    r = tally_motion(MAJ, expected=600, electorate=580, counts={"yes": 400})
    assert r.rule == "以全体委员过半数赞成通过" and r.threshold == 301
    assert tally_motion(TWO_THIRDS, expected=9, electorate=9, counts={}).rule == "以全体委员三分之二以上赞成通过"
    with pytest.raises(TallyError) as exc:
        tally_motion(MAJ, expected=10, electorate=5, counts={"yes": 6})
    assert exc.value.code == "more_ballots_than_electorate"
    with pytest.raises(TallyError) as exc:
        tally_motion(MAJ, expected=10, electorate=5, counts={"maybe": 1})
    assert exc.value.code == "bad_choice"
    with pytest.raises(ValueError):
        PassRule(Base.MEMBERS, Fraction(3, 2))


Y, N, A = Choice.YES, Choice.NO, Choice.ABSTAIN


def B(marks=None, write_ins=None):
    return ElectionBallot(marks=marks or {}, write_ins=write_ins or {})


@pytest.mark.parametrize("ballot, mode, code", [
    (B({1: Y, 2: Y, 3: Y}), ElectionMode.PER_CANDIDATE, "too_many_marks"),      # 3 yes, 2 seats: void
    (B({1: Y, 2: N}, {2: 99}), ElectionMode.PER_CANDIDATE, None),                 # write-in in place of a "no"
    (B({1: Y, 2: A}, {2: 99}), ElectionMode.PER_CANDIDATE, "write_in_without_against"),
    (B({1: Y}, {2: 99}), ElectionMode.PER_CANDIDATE, "write_in_without_against"),
    (B({1: Y, 2: N}, {2: 77}), ElectionMode.PER_CANDIDATE, "write_in_not_member"),
    (B({1: N, 2: N}, {1: 99, 2: 99}), ElectionMode.PER_CANDIDATE, "write_in_duplicate"),
    (B({1: N}, {1: 3}), ElectionMode.PER_CANDIDATE, "write_in_is_candidate"),
    (B({1: Y, 2: N, 3: N}, {2: 98, 3: 99}), ElectionMode.PER_CANDIDATE, "too_many_marks"),
    (B({4: Y}), ElectionMode.PER_CANDIDATE, "bad_candidate"),
    (B({1: "maybe"}), ElectionMode.PER_CANDIDATE, "bad_choice"),
    (B({1: Y, 2: Y}), ElectionMode.MARKS, None),
    (B({1: Y, 2: Y, 3: Y}), ElectionMode.MARKS, "too_many_marks"),
    (B({1: N}), ElectionMode.MARKS, "bad_choice"),
    (B({1: Y}, {3: 99}), ElectionMode.MARKS, None),                                # unmarked → may write in
    (B({1: Y}, {1: 99}), ElectionMode.MARKS, "write_in_without_against"),
])
def test_election_ballot_validity(ballot, mode, code):
    kwargs = dict(candidates=[1, 2, 3], seats=2, mode=mode, roster={1, 2, 3, 98, 99})
    if code is None:
        check_election_ballot(ballot, **kwargs)
    else:
        with pytest.raises(TallyError) as exc:
            check_election_ballot(ballot, **kwargs)
        assert exc.value.code == code


def test_election_counts_void_and_write_ins():
    ballots = [B({1: Y, 2: Y, 3: N})] * 6 + [B({1: Y, 2: N, 3: A}, {2: 9})] * 2 + [B({1: Y, 2: Y, 3: Y})] * 1
    out = tally_election(MAJ, candidates=[1, 2, 3], seats=2, mode=ElectionMode.PER_CANDIDATE, ballots=ballots,
                         expected=10, electorate=9, issued=9)
    by = {p.person: p for p in out.people}
    assert (out.returned, out.valid, out.void) == (9, 8, 1) and out.void_reasons == {"too_many_marks": 1}
    assert (by[1].yes, by[2].yes, by[2].no, by[3].no, by[3].abstain) == (8, 6, 2, 6, 2)
    assert by[9].write_in and by[9].yes == 2
    assert out.threshold == 6 and out.elected == [1, 2] and out.tied == [] and not out.invalid


def test_election_exactly_half_of_all_members_is_not_elected():
    ballots = [B({1: Y})] * 5 + [B({1: N})] * 4
    out = tally_election(MAJ, candidates=[1], seats=1, mode=ElectionMode.PER_CANDIDATE, ballots=ballots,
                         expected=10, electorate=9, issued=9)
    assert out.threshold == 6 and out.elected == [] and out.people[0].yes == 5


def test_election_tie_for_last_seat_is_reported_for_runoff():
    # 差额: 3 candidates for 2 seats; 1 leads, 2 and 3 tie above the threshold
    ballots = [B({1: Y, 2: Y})] * 4 + [B({1: Y, 3: Y})] * 4 + [B({2: Y, 3: Y})] * 2
    out = tally_election(MAJ, candidates=[1, 2, 3], seats=2, mode=ElectionMode.MARKS, ballots=ballots,
                         expected=10, electorate=10, issued=10)
    assert [p.yes for p in out.people] == [8, 6, 6]
    assert out.elected == [1] and sorted(out.tied) == [2, 3]


def test_election_tie_that_fills_seats_exactly_elects_both():
    ballots = [B({1: Y, 2: Y})] * 7 + [B({3: Y})] * 3
    out = tally_election(MAJ, candidates=[1, 2, 3], seats=2, mode=ElectionMode.MARKS, ballots=ballots,
                         expected=10, electorate=10, issued=10)
    assert sorted(out.elected) == [1, 2] and out.tied == []


def test_more_returned_than_issued_invalidates_election():
    ballots = [B({1: Y})] * 11
    out = tally_election(MAJ, candidates=[1], seats=1, mode=ElectionMode.PER_CANDIDATE, ballots=ballots,
                         expected=12, electorate=10, issued=10)
    assert out.invalid and out.elected == []
    ok = tally_election(MAJ, candidates=[1], seats=1, mode=ElectionMode.PER_CANDIDATE, ballots=ballots[:10],
                        expected=12, electorate=10, issued=10)
    assert not ok.invalid and ok.elected == [1]


def test_blank_per_candidate_counts_as_abstain_and_marks_mode_unmarked_as_against():
    out = tally_election(MAJ, candidates=[1, 2], seats=2, mode=ElectionMode.PER_CANDIDATE, ballots=[B({1: Y})],
                         expected=1, electorate=1, issued=1)
    assert (out.people[1].abstain, out.people[1].no) == (1, 0)
    out = tally_election(MAJ, candidates=[1, 2], seats=2, mode=ElectionMode.MARKS, ballots=[B({1: Y})],
                         expected=1, electorate=1, issued=1)
    assert (out.people[1].abstain, out.people[1].no) == (0, 1)
