"""Demo data: a realistic committee, staff accounts for each role, one meeting with three sittings.

Each domain may add its own demo data in ``conference/<domain>/demo.py`` with ``load(ctx: DemoContext)``;
they run in the order of ``conference.DOMAINS`` after the core below.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .accounts.models import User
from .accounts.roles import Role
from .extensions import db
from .meetings.models import Body, Meeting, Sitting, SittingKind
from .registration.models import CommitteeRole, Gender, Group, Member, MemberKind, Sector
from .registration.sectors import NATIONAL_SECTORS
from .timeutil import CHINA

DEMO_PASSWORD = "demo-2026"
STAFF = (
    ("mishu", "秘书处 王敏", Role.SECRETARIAT),
    ("zhuchi", "主持人 李建国", Role.PRESIDER),
    ("qiandao", "签到员 赵磊", Role.CHECKIN),
    ("daping", "大屏幕", Role.SCREEN),
)

SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 "
            "董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 "
            "邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 文 洪").split()
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙")
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 国 志 红 玉 兰 文 海 东 "
         "晓 春 燕 卫 新 荣 德 林 宏 斌 峰 亮 辉 鹏 立 成 飞 莉 宁 慧 鑫 博 宇 浩 凯 佳 欣 怡 思 晨 雪 梅 婷 "
         "少 振 永 庆 光 胜 学 金 祥 云 之 中 大 利 富 镕 喆 昊 昕 瑾").split()
MINORITY_NAMES = ("阿沛·阿旺晋美", "买买提·艾力", "热依拉·吐尔逊", "帕尔哈提·吐尔洪", "扎西·次仁",
                  "努尔兰·阿不都", "古丽娜·艾买提", "巴特尔·那顺")
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族", "蒙古族", "壮族")
PARTIES = ("中共党员",) * 6 + ("民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员",
                                "九三学社社员", "无党派")
EMPLOYERS = ("济南市第一人民医院院长", "山东大学教授", "济南市教育局副局长", "某科技有限公司董事长",
             "济南市律师协会会长", "历城区农业农村局局长", "济南日报社副总编辑", "济南市文化馆馆长",
             "山东省建筑设计研究院总工程师", "济南市社会科学院研究员", "某银行济南分行行长", "济南市体育局副局长")


@dataclass
class DemoContext:
    rng: random.Random
    meeting: Meeting
    sittings: list[Sitting]
    members: list[Member]
    extra: dict = field(default_factory=dict)


def is_empty() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0 and \
        db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def _unique_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = ["田富", "田大利", "欧阳少东", "洪少东", "朱镕基", "王喆", "丁一", "文静"]
    names += list(MINORITY_NAMES)
    seen = set(names)
    while len(names) < count:
        roll = rng.random()
        surname = rng.choice(COMPOUND_SURNAMES) if roll < 0.03 else rng.choice(SURNAMES)
        given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
        name = surname + given
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:count]


def load_demo(member_count: int = 600, attendee_count: int = 20, seed: int = 2026) -> DemoContext:
    rng = random.Random(seed)
    for username, display, role in STAFF:
        user = User(username=username, display_name=display, role=role)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    sectors = [Sector(name=name, position=i + 1) for i, name in enumerate(NATIONAL_SECTORS)]
    groups = [Group(name=f"第{'一二三四五六七八九十'[i]}组", position=i + 1) for i in range(10)]
    db.session.add_all(sectors + groups)
    db.session.flush()

    names = _unique_names(rng, member_count + attendee_count)
    roles = ([CommitteeRole.CHAIR] + [CommitteeRole.VICE_CHAIR] * 8 + [CommitteeRole.SECRETARY_GENERAL]
             + [CommitteeRole.STANDING] * 60)
    members = []
    for i, name in enumerate(names):
        attendee = i >= member_count
        minority = "·" in name
        member = Member(
            member_no=(f"LX{i - member_count + 1:03d}" if attendee else f"15{i + 1:04d}"),
            name=name,
            gender=rng.choice([Gender.MALE, Gender.FEMALE]),
            ethnicity=("维吾尔族" if minority and rng.random() < 0.5 else "藏族") if minority else rng.choice(ETHNICITIES),
            birth_month=date(rng.randint(1956, 1990), rng.randint(1, 12), 1),
            sector=rng.choice(sectors) if i >= len(roles) or rng.random() < 0.9 else sectors[0],
            party=rng.choice(PARTIES),
            employer=rng.choice(EMPLOYERS),
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            committee_role=roles[i] if i < len(roles) and not attendee else CommitteeRole.MEMBER,
            kind=MemberKind.ATTENDEE if attendee else MemberKind.MEMBER,
            group=None if attendee else groups[i % len(groups)],
        )
        members.append(member)
    db.session.add_all(members)

    start = date.today() + timedelta(days=1)
    meeting = Meeting(title="政协第十五届济南市委员会第五次会议", venue="济南市会议中心",
                      starts_on=start, ends_on=start + timedelta(days=3),
                      notes="请各位委员佩戴参会证，提前 15 分钟入场，会场内请将手机调至静音。")
    db.session.add(meeting)

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(start + timedelta(days=day), time(hour, minute), CHINA)

    sittings = [
        Sitting(meeting=meeting, title="开幕会（第一次全体会议）", kind=SittingKind.PLENARY, starts_at=at(0, 9),
                ends_at=at(0, 11, 30), place="主会场", body=Body.ALL),
        Sitting(meeting=meeting, title="分组讨论", kind=SittingKind.GROUP, starts_at=at(1, 9),
                ends_at=at(1, 11, 30), place="第一组会议室", body=Body.GROUP, group=groups[0]),
        Sitting(meeting=meeting, title="闭幕会（第二次全体会议）", kind=SittingKind.PLENARY, starts_at=at(3, 9),
                ends_at=at(3, 11), place="主会场", body=Body.ALL),
    ]
    db.session.add_all(sittings)
    db.session.flush()

    ctx = DemoContext(rng=rng, meeting=meeting, sittings=sittings, members=members)
    from . import DOMAINS, optional_module

    for name in DOMAINS:
        module = optional_module(f"{name}.demo")
        if module is not None:
            module.load(ctx)
            db.session.flush()
    return ctx


def demo_logins() -> list[tuple[str, str, str]]:
    """(who, login, password) lines to print for a newcomer."""
    from .accounts.services import member_pin

    lines = [(role.label, username, DEMO_PASSWORD) for username, _, role in STAFF]
    member = db.session.scalar(db.select(Member).where(Member.kind == MemberKind.MEMBER).order_by(Member.id))
    if member is not None:
        lines.append((f"委员 {member.name}", member.member_no, member_pin(member)))
    return lines
