"""Counting votes and elections. Pure: standard library only, exact arithmetic (Fraction), no floats.

A pass rule is a *base* (whose number the fraction is taken of) times a *fraction*, either "more than"
(strict: 过半数 = more than ½, so exactly half fails) or "at least" (三分之二以上 = at least ⅔).
The CPPCC default is more than half of all members of the body (全体委员过半数).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Iterable, Mapping


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return CHOICE_LABELS[self]


CHOICE_LABELS = {Choice.YES: "赞成", Choice.NO: "反对", Choice.ABSTAIN: "弃权"}
NOT_PRESSED_LABEL = "未按"


class Base(StrEnum):
    MEMBERS = "members"   # all members of the body (应到)
    PRESENT = "present"   # members present when the vote opened (the frozen electorate, 实到)
    CAST = "cast"         # votes cast (赞成 + 反对 + 弃权)

    @property
    def label(self) -> str:
        return {"members": "全体委员", "present": "出席委员", "cast": "投票委员"}[self.value]


@dataclass(frozen=True)
class PassRule:
    base: Base = Base.MEMBERS
    fraction: Fraction = Fraction(1, 2)
    strict: bool = True   # True: more than (超过); False: at least (不少于)

    def __post_init__(self):
        if not (0 < self.fraction <= 1):
            raise ValueError("fraction must be in (0, 1]")
        if self.strict and self.fraction == 1:
            raise ValueError("more than all is impossible")

    @classmethod
    def majority(cls, base: Base = Base.MEMBERS) -> "PassRule":
        return cls(base, Fraction(1, 2), True)

    @classmethod
    def two_thirds(cls, base: Base = Base.MEMBERS) -> "PassRule":
        return cls(base, Fraction(2, 3), False)

    def threshold(self, base_count: int) -> int:
        """The smallest number of 赞成 that passes, out of ``base_count``."""
        if base_count < 0:
            raise ValueError("negative base")
        share = self.fraction * base_count
        if self.strict:
            return share.numerator // share.denominator + 1
        return -(-share.numerator // share.denominator)  # ceiling

    def passes(self, yes: int, base_count: int) -> bool:
        # An empty base never passes anything (nobody to decide).
        return base_count > 0 and yes >= self.threshold(base_count)

    @property
    def fraction_label(self) -> str:
        names = {Fraction(1, 2): "半数", Fraction(2, 3): "三分之二", Fraction(3, 4): "四分之三",
                 Fraction(1, 3): "三分之一", Fraction(1, 1): "全数"}
        name = names.get(self.fraction, f"{self.fraction.numerator}/{self.fraction.denominator}")
        if self.fraction == Fraction(1, 2) and self.strict:
            return "过半数"
        return f"超过{name}" if self.strict else f"{name}以上"

    def describe(self, verb: str = "赞成通过") -> str:
        """e.g. 以全体委员过半数赞成通过 / 以出席委员三分之二以上赞成通过."""
        return f"以{self.base.label}{self.fraction_label}{verb}"


# ---- motions -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MotionResult:
    expected: int        # 应到
    electorate: int      # 实到 when the vote opened (entitled to vote)
    yes: int
    no: int
    abstain: int
    not_pressed: int     # 未按: in the electorate, did not vote
    base_count: int
    threshold: int
    passed: bool
    rule: str

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    def as_dict(self) -> dict:
        return {"expected": self.expected, "electorate": self.electorate, "yes": self.yes, "no": self.no,
                "abstain": self.abstain, "not_pressed": self.not_pressed, "cast": self.cast,
                "base_count": self.base_count, "threshold": self.threshold, "passed": self.passed, "rule": self.rule}


class TallyError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def base_count(rule: PassRule, *, expected: int, electorate: int, cast: int) -> int:
    return {Base.MEMBERS: expected, Base.PRESENT: electorate, Base.CAST: cast}[rule.base]


def tally_motion(rule: PassRule, *, expected: int, electorate: int, counts: Mapping[str, int]) -> MotionResult:
    """``counts`` maps a choice (yes/no/abstain) to its number of ballots."""
    unknown = set(counts) - set(Choice)
    if unknown:
        raise TallyError("bad_choice", f"未知的表决选项：{sorted(unknown)}")
    yes, no, abstain = (int(counts.get(c, 0)) for c in (Choice.YES, Choice.NO, Choice.ABSTAIN))
    if min(yes, no, abstain) < 0:
        raise TallyError("negative", "票数不能为负")
    cast = yes + no + abstain
    if cast > electorate:
        raise TallyError("more_ballots_than_electorate", "投票数超过有表决权的出席人数，结果无效")
    if electorate > expected:
        raise TallyError("more_present_than_expected", "实到人数超过应到人数")
    n = base_count(rule, expected=expected, electorate=electorate, cast=cast)
    threshold = rule.threshold(n)
    return MotionResult(expected=expected, electorate=electorate, yes=yes, no=no, abstain=abstain,
                        not_pressed=electorate - cast, base_count=n, threshold=threshold,
                        passed=rule.passes(yes, n), rule=rule.describe())


# ---- elections -----------------------------------------------------------------------------------------

class ElectionMode(StrEnum):
    PER_CANDIDATE = "per_candidate"   # 赞成 / 反对 / 弃权 for each candidate
    MARKS = "marks"                   # mark up to ``seats`` candidates

    @property
    def label(self) -> str:
        return {"per_candidate": "逐人表示赞成、反对或弃权", "marks": "在候选人中划选，不超过应选人数"}[self.value]


@dataclass(frozen=True)
class ElectionBallot:
    """One returned ballot. ``marks``: candidate id → Choice (per candidate) or → YES (marks mode; unmarked
    candidates are simply absent). ``write_ins``: candidate id voted against (or left unmarked) → the member
    id written in its place (另选他人)."""
    marks: Mapping[int, str] = field(default_factory=dict)
    write_ins: Mapping[int, int] = field(default_factory=dict)


def check_election_ballot(ballot: ElectionBallot, *, candidates: Iterable[int], seats: int, mode: ElectionMode,
                          roster: set[int] | None = None, write_ins_allowed: bool = True) -> None:
    """Raise TallyError when a ballot is malformed or void. ``roster`` (member ids who may be written in)
    is checked only when given."""
    candidates = list(candidates)
    cand_set = set(candidates)
    if set(ballot.marks) - cand_set or set(ballot.write_ins) - cand_set:
        raise TallyError("bad_candidate", "选票上有不在候选人名单中的人")
    allowed = set(Choice) if mode == ElectionMode.PER_CANDIDATE else {Choice.YES}
    if any(choice not in allowed for choice in ballot.marks.values()):
        raise TallyError("bad_choice", "选票上有无效的选项")
    if ballot.write_ins:
        if not write_ins_allowed:
            raise TallyError("write_in_not_allowed", "本次选举不允许另选他人")
        for cand, person in ballot.write_ins.items():
            against = ballot.marks.get(cand) == Choice.NO if mode == ElectionMode.PER_CANDIDATE \
                else cand not in ballot.marks
            if not against:
                raise TallyError("write_in_without_against",
                                 "另选他人只能填在投反对票（未划选）的候选人位置上")
        people = list(ballot.write_ins.values())
        if len(set(people)) != len(people):
            raise TallyError("write_in_duplicate", "同一人不能被另选两次")
        if set(people) & cand_set:
            raise TallyError("write_in_is_candidate", "另选的人已在候选人名单中")
        if roster is not None and not set(people) <= roster:
            raise TallyError("write_in_not_member", "另选的人不是本届委员")
    selected = sum(1 for c in ballot.marks.values() if c == Choice.YES) + len(ballot.write_ins)
    if selected > seats:
        raise TallyError("too_many_marks", f"所选人数（{selected}）超过应选人数（{seats}），选票无效")


@dataclass
class PersonTally:
    person: int
    yes: int = 0
    no: int = 0
    abstain: int = 0
    write_in: bool = False
    elected: bool = False

    def as_dict(self) -> dict:
        return {"person": self.person, "yes": self.yes, "no": self.no, "abstain": self.abstain,
                "write_in": self.write_in, "elected": self.elected}


@dataclass
class ElectionOutcome:
    expected: int
    electorate: int
    seats: int
    issued: int
    returned: int
    valid: int
    void: int
    threshold: int
    base_count: int
    rule: str
    people: list[PersonTally]          # candidates in the given order, then write-ins by votes
    elected: list[int]
    tied: list[int]                    # reaching the threshold but tied for the last seat(s): run-off
    invalid: bool                      # more ballots returned than issued: the election must be re-run
    void_reasons: dict[str, int]

    def as_dict(self) -> dict:
        return {"expected": self.expected, "electorate": self.electorate, "seats": self.seats,
                "issued": self.issued, "returned": self.returned, "valid": self.valid, "void": self.void,
                "threshold": self.threshold, "base_count": self.base_count, "rule": self.rule,
                "people": [p.as_dict() for p in self.people], "elected": self.elected, "tied": self.tied,
                "invalid": self.invalid, "void_reasons": self.void_reasons}


def tally_election(rule: PassRule, *, candidates: list[int], seats: int, mode: ElectionMode,
                   ballots: Iterable[ElectionBallot], expected: int, electorate: int, issued: int,
                   roster: set[int] | None = None, write_ins_allowed: bool = True) -> ElectionOutcome:
    """Count an election. Void ballots are counted as returned but not valid. A person is elected with at
    least the rule's threshold of 赞成 (by default more than half of all members); when more people reach
    it than there are seats, the most votes win, and a tie for the last seat is reported for a run-off."""
    if seats < 1:
        raise TallyError("bad_seats", "应选人数至少为 1")
    people: dict[int, PersonTally] = {c: PersonTally(c) for c in candidates}
    valid = void = returned = 0
    void_reasons: Counter[str] = Counter()
    for ballot in ballots:
        returned += 1
        try:
            check_election_ballot(ballot, candidates=candidates, seats=seats, mode=mode, roster=roster,
                                  write_ins_allowed=write_ins_allowed)
        except TallyError as exc:
            void += 1
            void_reasons[exc.code] += 1
            continue
        valid += 1
        for cand in candidates:
            choice = ballot.marks.get(cand)
            if mode == ElectionMode.MARKS:
                choice = Choice.YES if choice == Choice.YES else Choice.NO
            if choice == Choice.YES:
                people[cand].yes += 1
            elif choice == Choice.NO:
                people[cand].no += 1
            elif choice == Choice.ABSTAIN:
                people[cand].abstain += 1
            # a candidate left blank on a per-candidate ballot counts as 弃权
            else:
                people[cand].abstain += 1
        for person in ballot.write_ins.values():
            people.setdefault(person, PersonTally(person, write_in=True)).yes += 1
    invalid = returned > issued
    n = base_count(rule, expected=expected, electorate=electorate, cast=valid)
    threshold = rule.threshold(n)
    elected: list[int] = []
    tied: list[int] = []
    if not invalid and n > 0:
        reaching = sorted((p for p in people.values() if p.yes >= threshold), key=lambda p: -p.yes)
        if len(reaching) <= seats:
            elected = [p.person for p in reaching]
        else:
            cutoff = reaching[seats - 1].yes
            above = [p.person for p in reaching if p.yes > cutoff]
            at_cutoff = [p.person for p in reaching if p.yes == cutoff]
            if len(above) + len(at_cutoff) == seats:
                elected = above + at_cutoff
            else:
                elected, tied = above, at_cutoff
    for person in elected:
        people[person].elected = True
    order = [people[c] for c in candidates] + sorted(
        (p for p in people.values() if p.write_in), key=lambda p: (-p.yes, p.person))
    return ElectionOutcome(expected=expected, electorate=electorate, seats=seats, issued=issued, returned=returned,
                           valid=valid, void=void, threshold=threshold, base_count=n,
                           rule=rule.describe("赞成票当选"), people=order, elected=elected, tied=tied,
                           invalid=invalid, void_reasons=dict(void_reasons))
