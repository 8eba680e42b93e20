"""Plain data for the PDF renderers. The domain code fills these; renderers only read them.

Times are timezone-aware or naive ``datetime`` as the caller keeps them; renderers print
them as given (YYYY年M月D日 HH:MM).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Issuer:
    """Who issues a document. With ``red_header`` the 发文机关标志 is printed."""
    committee: str                       # 中国人民政治协商会议济南市委员会
    meeting: str = ""                    # 政协第十五届济南市委员会第一次会议
    red_header: bool = False
    header_suffix: str = "文件"


# ---- agenda / schedule -------------------------------------------------------------
@dataclass
class AgendaItem:
    text: str                            # 听取和审议常务委员会工作报告
    presenter: str = ""                  # 报告人 / 主持人 text, e.g. "张三 副主席"


@dataclass
class Sitting:
    title: str                           # 第一次全体会议
    starts_at: datetime
    ends_at: datetime | None = None
    place: str = ""
    presider: str = ""
    kind: str = ""                       # 全体会议 / 分组讨论 / 主席团会议 / 常委会会议
    items: list[AgendaItem] = field(default_factory=list)


@dataclass
class Agenda:
    issuer: Issuer
    title: str                           # 政协第十五届济南市委员会第一次会议议程
    sittings: list[Sitting]
    note: str = ""


@dataclass
class ScheduleEntry:
    day: date
    starts_at: datetime
    ends_at: datetime | None
    sitting: str                         # 开幕会 / 分组讨论 …
    place: str = ""
    note: str = ""                       # 主持人, who attends, dress code …


@dataclass
class Schedule:
    issuer: Issuer
    title: str
    entries: list[ScheduleEntry]


# ---- passes ----------------------------------------------------------------------------
@dataclass
class Pass:
    name: str
    sector: str                          # 界别
    member_no: str                       # 委员证号
    checkin_qr: str                      # payload of the check-in QR (signed token URL/string)
    login_qr: str                        # payload of the personal login QR
    seat: str | None = None              # 座位 label, or None/"" to print a blank line
    role: str = "委员"                   # 委员 / 列席 / 工作人员 …


@dataclass
class PassBatch:
    meeting: str
    passes: list[Pass]
    committee: str = ""


# ---- seating ---------------------------------------------------------------------------
@dataclass
class Seat:
    row: int                             # grid row, 0 = front of the floor
    col: int                             # grid column, 0 = left as seen from the rostrum's audience
    label: str                           # seat number, e.g. "3排12号"
    name: str = ""                       # empty = unassigned
    sector: str = ""                     # 界别, coloured by the legend
    rostrum: bool = False                # 主席台 seat (rows counted separately, top of chart)


@dataclass
class SeatingChart:
    meeting: str
    hall: str                            # 会场
    sitting: str                         # 会次
    seats: list[Seat]
    note: str = ""


# ---- attendance ------------------------------------------------------------------------
@dataclass
class SigninGroup:
    sector: str
    names: list[str]                     # in the order given (姓氏笔画)


@dataclass
class SigninSheet:
    meeting: str
    sitting: str
    starts_at: datetime | None
    groups: list[SigninGroup]


@dataclass
class SectorAttendance:
    sector: str
    expected: int                        # 应到
    present: int                         # 实到
    on_leave: list[str] = field(default_factory=list)   # 请假 names
    absent: list[str] = field(default_factory=list)     # 缺席 names
    nonvoting: int = 0                   # 列席 present


@dataclass
class AttendanceReport:
    meeting: str
    sitting: str
    snapshot_at: datetime
    sectors: list[SectorAttendance]
    quorum_rule: str = "全体委员过半数出席方可开会"

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.sectors)

    @property
    def present(self) -> int:
        return sum(s.present for s in self.sectors)

    @property
    def nonvoting(self) -> int:
        return sum(s.nonvoting for s in self.sectors)


# ---- votes / elections -----------------------------------------------------------------
@dataclass
class NamedVote:
    name: str
    sector: str
    choice: str                          # 赞成 / 反对 / 弃权 / 未按


@dataclass
class VoteResult:
    issuer: Issuer
    sitting: str
    motion: str                          # 表决事项
    rule: str                            # 以全体委员过半数赞成通过
    threshold: int                       # 赞成票 needed (e.g. 301)
    expected: int                        # 应到
    present: int                         # 实到
    yes: int
    no: int
    abstain: int
    not_pressed: int                     # 未按
    passed: bool
    opened_at: datetime
    closed_at: datetime
    named: bool = False                  # 记名表决
    votes: list[NamedVote] = field(default_factory=list)


@dataclass
class CandidateResult:
    name: str
    yes: int
    no: int
    abstain: int
    elected: bool
    sector: str = ""
    write_in: bool = False               # 另选他人

    @property
    def votes(self) -> int:             # 得票 = 赞成票
        return self.yes


@dataclass
class ElectionResult:
    issuer: Issuer
    sitting: str
    title: str                           # 选举政协第十五届济南市委员会主席、副主席、秘书长
    kind: str                            # 等额 / 差额
    seats: int
    rule: str
    threshold: int
    expected: int
    present: int
    issued: int                          # 发出选票
    returned: int                        # 收回选票
    valid: int
    void: int
    candidates: list[CandidateResult]
    opened_at: datetime | None = None
    closed_at: datetime | None = None


# ---- duty report -----------------------------------------------------------------------
@dataclass
class MemberDuty:
    name: str
    sector: str
    member_no: str = ""
    sittings_expected: int = 0
    sittings_attended: int = 0
    leaves: int = 0
    votes_cast: int = 0
    proposals: int = 0                   # 提案
    speeches: int = 0                    # 发言
    absent: int | None = None            # 缺席 (set with suggestions: the 出席/表决/建议 layout)
    suggestions: int | None = None       # 码上商量 意见建议


@dataclass
class DutyReport:
    issuer: Issuer
    title: str
    start: date
    end: date
    members: list[MemberDuty]


# ---- 码上商量 ------------------------------------------------------------------------------
@dataclass
class ConsultPoster:
    title: str
    background: str
    url: str                             # printed under the QR and encoded in it
    organizer: str = ""
    deadline: date | None = None
    size: str = "A4"                     # A4 or A3


@dataclass
class Suggestion:
    created_at: datetime
    author: str                          # 昵称 or "匿名"
    text: str
    answer: str = ""
    answered_by: str = ""


@dataclass
class ConsultReport:
    issuer: Issuer
    title: str
    background: str
    opened_at: datetime
    closed_at: datetime | None
    visits: int
    participants: int
    suggestions: list[Suggestion]


# ---- handbook --------------------------------------------------------------------------
@dataclass
class MemberEntry:
    name: str
    sector: str
    gender: str = ""
    ethnicity: str = ""                  # 民族
    party: str = ""                      # 党派
    position: str = ""                   # 工作单位及职务


@dataclass
class Notice:
    title: str
    paragraphs: list[str]


@dataclass
class Handbook:
    issuer: Issuer
    title: str                           # 会议手册 title (meeting name)
    subtitle: str = "会议手册"
    date_text: str = ""                  # 二〇二五年一月
    agenda: Agenda | None = None
    schedule: Schedule | None = None
    seating: list[SeatingChart] = field(default_factory=list)
    members: list[MemberEntry] = field(default_factory=list)   # in order; grouped by 界别 as given
    notices: list[Notice] = field(default_factory=list)
