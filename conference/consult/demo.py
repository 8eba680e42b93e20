"""Demo data for 码上商量: offices, one open topic (/s/dianti) with suggestions in every state, one draft."""
from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..timeutil import local, utcnow
from . import rules
from .models import Office, Suggestion, Topic, TopicVisit
from .rules import HandlingStatus, HideReason, TopicStatus, Visibility

SUGGESTIONS = (
    ("建议由街道牵头成立加装电梯协调小组，对低层住户给予适当补偿，减少邻里矛盾。", "老张", "历下区", "published", "answered"),
    ("审批流程太长，希望推行一窗受理、并联审批，把办理时间压缩到一个月以内。", "", "市中区", "published", "accepted"),
    ("老旧小区管线复杂，建议燃气、供水等单位提前介入，避免施工中反复改线。", "刘女士", "槐荫区", "published", "received"),
    ("希望公积金可以提取用于加装电梯的个人分摊部分。", "王先生", "天桥区", "published", "answered"),
    ("电梯建成后的维保费用由谁承担，应当在协议里写清楚。", "", "历城区", "pending", "received"),
    ("建议公布已加装电梯小区的案例和费用分摊方案，供大家参考。", "赵老师", "长清区", "pending", "received"),
    ("加微信领红包 www.example.com", "", "", "hidden", "received"),
    ("审批流程太长了，希望并联审批，缩短办理时间。", "", "市中区", "merged", "received"),
)


def load(ctx) -> None:
    offices = [Office(name="社会和法制委员会办公室", kind="办公室"), Office(name="城乡建设委员会办公室", kind="办公室"),
               Office(name="历下区泉城路街道商量工作室", kind="商量工作室")]
    db.session.add_all(offices)
    now = utcnow()
    topic = Topic(slug="dianti", title="如何让老旧小区加装电梯更顺畅？",
                  background="我市现有 2000 年前建成的老旧住宅小区一千余个，居民加装电梯的愿望强烈，"
                             "但在意见协调、审批办理、资金分摊、后期维护等方面仍有不少难题。市政协围绕这一议题开展“商量”，"
                             "欢迎您扫码建言。",
                  questions="您所在小区加装电梯遇到的最大困难是什么？\n低层住户的利益如何兼顾？\n政府在审批和资金上还能做什么？",
                  status=TopicStatus.OPEN, opens_at=now - timedelta(days=6), closes_at=now + timedelta(days=24),
                  office=offices[1], meeting=ctx.meeting)
    draft = Topic(title="推动夜间经济健康发展", background="征集关于夜间消费、交通与管理的意见。",
                  questions="", status=TopicStatus.DRAFT, office=offices[2])
    db.session.add_all([topic, draft])
    db.session.flush()
    made = []
    for i, (text, name, district, visibility, status) in enumerate(SUGGESTIONS):
        phone = f"13{ctx.rng.randint(5, 9)}{ctx.rng.randint(0, 99999999):08d}" if i % 2 == 0 else ""
        s = Suggestion(topic_id=topic.id, text=text, fingerprint=rules.fingerprint(text), author_name=name,
                       phone=phone, phone_masked=rules.mask_phone(phone), district=district,
                       sector=("经济界" if i % 3 == 0 else ""), occupation=("退休职工" if i % 2 else "教师"),
                       visibility=Visibility(visibility), status=HandlingStatus(status),
                       created_at=now - timedelta(days=5 - i * 0.6, hours=i))
        if visibility == "hidden":
            s.hidden_reason = HideReason.SPAM
        if status == "answered":
            s.answer = "感谢您的建议。市住建局已会同各区出台加装电梯工作指引，明确街道协调职责，相关意见已转有关部门研究落实。"
            s.answered_by = offices[1].name
            s.answered_at = now - timedelta(days=1)
            s.tags = "协调机制"
        made.append(s)
    db.session.add_all(made)
    db.session.flush()
    made[7].merged_into_id = made[1].id
    made[1].tags = "审批"
    today = local(now).date()
    db.session.add_all([TopicVisit(topic_id=topic.id, day=today - timedelta(days=d), views=300 + 97 * d % 250,
                                   visitors=120 + 31 * d % 90) for d in range(7)])
    ctx.extra["consult_topic"] = topic
