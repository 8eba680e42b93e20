"""Fixture data for the PDF renderers (no database)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from conference.pdf.data import (Agenda, AgendaItem, AttendanceReport, CandidateResult, ConsultPoster,
                                 ConsultReport, DutyReport, ElectionResult, Handbook, Issuer, MemberDuty,
                                 MemberEntry, NamedVote, Notice, Pass, PassBatch, Schedule, ScheduleEntry,
                                 Seat, SeatingChart, SectorAttendance, SigninGroup, SigninSheet, Sitting,
                                 Suggestion, VoteResult)

COMMITTEE = "中国人民政治协商会议济南市委员会"
MEETING = "政协第十五届济南市委员会第一次会议"
RARE_NAME = "朱镕喆𬌗"   # 镕 and 喆 are outside GB2312, 𬌗 (U+2C317) is CJK Ext-E
SECTORS = ["中国共产党", "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "无党派人士",
           "中国共产主义青年团", "中华全国总工会", "文化艺术界", "科学技术界", "经济界",
           "农业和农村界", "教育界", "医药卫生界", "社会福利和社会保障界"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国立新红梅志强海燕晓东秀英玉兰文华明亮春生丽娟德胜光辉振华永刚秋菊桂芳"
T0 = datetime(2025, 1, 6, 9, 0)


def name(i: int) -> str:
    s = SURNAMES[i % len(SURNAMES)]
    g = GIVEN[(i * 7) % len(GIVEN)] + ("" if i % 3 == 0 else GIVEN[(i * 13 + 5) % len(GIVEN)])
    return s + g


def names(n: int) -> list[str]:
    out = [name(i) for i in range(n)]
    out[min(3, n - 1)] = RARE_NAME
    return out


ISSUER = Issuer(COMMITTEE, MEETING, red_header=True)
PLAIN_ISSUER = Issuer(COMMITTEE, MEETING, red_header=False)


def agenda() -> Agenda:
    return Agenda(ISSUER, f"{MEETING}议程", [
        Sitting("开幕会", T0, T0 + timedelta(hours=1, minutes=30), "济南市会议中心大礼堂", "主席团常务主席",
                items=[AgendaItem("大会开幕，奏唱国歌"),
                       AgendaItem("听取和审议政协济南市第十四届委员会常务委员会工作报告", "张建国 主席"),
                       AgendaItem("听取和审议政协济南市第十四届委员会常务委员会关于提案工作情况的报告",
                                  f"{RARE_NAME} 副主席")]),
        Sitting("第二次全体会议", T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2), "大礼堂",
                items=[AgendaItem("大会发言", "委员代表"), AgendaItem("选举主席、副主席、秘书长和常务委员")]),
        Sitting("闭幕会", T0 + timedelta(days=2), None, "大礼堂",
                items=[AgendaItem("表决政治决议"), AgendaItem("大会闭幕，奏唱国歌")]),
    ], note="会议期间，委员请佩戴参会证，提前15分钟入场。")


def schedule() -> Schedule:
    es = []
    for d in range(3):
        day = (T0 + timedelta(days=d)).date()
        for k, (h, what, place) in enumerate([(9, "全体会议", "大礼堂"), (14, "分组讨论", "各小组会议室"),
                                              (19, "主席团会议", "第一会议室")]):
            st = datetime.combine(day, datetime.min.time()) + timedelta(hours=h)
            es.append(ScheduleEntry(day, st, st + timedelta(hours=2), what, place, "全体委员" if k < 2 else "主席团成员"))
    return Schedule(PLAIN_ISSUER, f"{MEETING}日程", es)


def passes(n: int = 20) -> PassBatch:
    ps = []
    for i, nm in enumerate(names(n)):
        ps.append(Pass(nm, SECTORS[i % len(SECTORS)], f"JN15{i + 1:04d}",
                       f"https://cppcc.example.cn/c/1/{i:06d}.AbCdEfGhIjKlMnOp",
                       f"https://cppcc.example.cn/l/1/{i:06d}.QrStUvWxYz012345",
                       seat=None if i % 5 == 4 else f"{i // 20 + 1}排{i % 20 + 1}号",
                       role="委员" if i % 9 else "列席"))
    return PassBatch(MEETING, ps, COMMITTEE)


def seating(rows: int = 12, cols: int = 24) -> SeatingChart:
    seats = []
    ns = names(rows * cols + 13)
    k = 0
    for c in range(13):
        seats.append(Seat(0, c + (cols - 13) // 2, f"台{c + 1}", ns[k], SECTORS[0], rostrum=True))
        k += 1
    for r in range(rows):
        for c in range(cols):
            blank = (r * cols + c) % 17 == 16
            seats.append(Seat(r, c, f"{r + 1}排{c + 1}号", "" if blank else ns[k],
                              "" if blank else SECTORS[(r * cols + c) // 21 % len(SECTORS)]))
            k += 1
    return SeatingChart(MEETING, "济南市会议中心大礼堂", "第一次全体会议", seats, note="请按座位号就座")


def signin(n: int = 60) -> SigninSheet:
    ns = names(n)
    groups = [SigninGroup(SECTORS[g], ns[g * 15:(g + 1) * 15]) for g in range(n // 15)]
    return SigninSheet(MEETING, "第一次全体会议", T0, groups)


def attendance() -> AttendanceReport:
    ns = names(80)
    secs = [SectorAttendance(SECTORS[i], 40 + i, 38 + i - (i % 3), on_leave=[ns[i * 2]] if i % 3 else [],
                             absent=[ns[i * 2 + 1]] if i % 3 == 2 else [], nonvoting=i % 2)
            for i in range(len(SECTORS))]
    secs[0].on_leave.append(RARE_NAME)
    return AttendanceReport(MEETING, "第一次全体会议", T0 + timedelta(minutes=5), secs)


def vote(named: bool = True) -> VoteResult:
    ns = names(40)
    votes = [NamedVote(nm, SECTORS[i % len(SECTORS)], ["赞成", "赞成", "赞成", "反对", "弃权", "未按"][i % 6])
             for i, nm in enumerate(ns)]
    return VoteResult(ISSUER, "闭幕会", "政协第十五届济南市委员会第一次会议政治决议（草案）",
                      "以全体委员过半数赞成通过", 301, 600, 571, 560, 3, 5, 3, True,
                      T0 + timedelta(days=2, minutes=30), T0 + timedelta(days=2, minutes=31), named, votes)


def election() -> ElectionResult:
    cands = [CandidateResult(nm, 560 - i * 7, 5 + i, 6, elected=i < 5) for i, nm in enumerate(names(7))]
    cands.append(CandidateResult("李另选", 2, 0, 0, elected=False, write_in=True))
    return ElectionResult(ISSUER, "第二次全体会议", "选举政协第十五届济南市委员会副主席", "差额", 5,
                          "以全体委员过半数赞成当选", 301, 600, 575, 575, 574, 572, 2, cands,
                          T0 + timedelta(days=1, hours=1), T0 + timedelta(days=1, hours=1, minutes=20))


def duty() -> DutyReport:
    ms = [MemberDuty(nm, SECTORS[i % len(SECTORS)], f"JN15{i + 1:04d}", 6, 6 - i % 3, i % 3, 5 - i % 2, i % 4, i % 2)
          for i, nm in enumerate(names(70))]
    return DutyReport(PLAIN_ISSUER, "2025年度委员履职情况统计", date(2025, 1, 1), date(2025, 12, 31), ms)


def poster(size: str = "A4") -> ConsultPoster:
    return ConsultPoster("如何让老旧小区加装电梯更顺利？",
                         "全市现有老旧小区住宅楼约两万栋，加装电梯需求迫切。欢迎广大市民扫码参与协商，"
                         "就资金分摊、低层住户权益保障、审批流程等问题提出意见建议。",
                         "https://cppcc.example.cn/s/t/42", COMMITTEE, date(2025, 3, 31), size)


def consult_report() -> ConsultReport:
    sugs = []
    for i in range(25):
        sugs.append(Suggestion(T0 + timedelta(days=i % 9, hours=i), "匿名" if i % 4 else RARE_NAME,
                               f"建议{i + 1}：简化加装电梯审批流程，推行联合审批，一次办好。" * (1 + i % 2),
                               "已转市住房城乡建设局研究办理。" if i % 3 == 0 else "", "秘书处" if i % 3 == 0 else ""))
    return ConsultReport(ISSUER, "老旧小区加装电梯", poster().background, T0, T0 + timedelta(days=30),
                         120345, 2310, sugs)


def handbook() -> Handbook:
    ms = [MemberEntry(nm, SECTORS[(i // 12) % len(SECTORS)]) for i, nm in enumerate(names(150))]
    ms.sort(key=lambda m: SECTORS.index(m.sector))
    return Handbook(PLAIN_ISSUER, MEETING, "会议手册", "二〇二五年一月", agenda(), schedule(),
                    [seating(), seating(8, 16)], ms,
                    [Notice("会风会纪", ["委员应按时出席会议，因故不能出席的，须事先请假。" * 3,
                                         "会议期间请将手机调至静音状态。"]),
                     Notice("文件管理", ["会议文件请妥善保管，注明“会后收回”的文件会后交回。"])])
