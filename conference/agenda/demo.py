"""Demo agenda: items for each sitting (the opening one published), two documents (one 保密) and a notice."""
from __future__ import annotations

import io

from ..extensions import db
from . import services

ITEMS = {
    0: [("宣布大会开幕，全体起立，奏国歌", "主席"), ("听取和审议政协常务委员会工作报告", "副主席"),
        ("听取和审议政协常务委员会关于提案工作情况的报告", "副主席"), ("列席市人民代表大会会议，听取政府工作报告", "")],
    1: [("分组讨论政府工作报告", "召集人"), ("讨论政协常务委员会工作报告和提案工作情况报告", "召集人")],
    2: [("表决通过政治决议", "主席"), ("表决通过提案审查委员会关于提案审查情况的报告", "主席"), ("宣布大会闭幕", "主席")],
}


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from ..pdf import fonts

    fonts.register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page, text in enumerate(paragraphs, 1):
        fonts.draw_string(c, A4[0] / 2, A4[1] - 120, title, fonts.XBS, 22, anchor="center")
        fonts.draw_string(c, 80, A4[1] - 200, text, fonts.FANG, 16)
        fonts.draw_string(c, A4[0] / 2, 60, f"— {page} —", fonts.SONG, 14, anchor="center")
        c.showPage()
    c.save()
    return buf.getvalue()


def load(ctx) -> None:
    for index, sitting in enumerate(ctx.sittings):
        for title, presenter in ITEMS.get(index, []):
            services.add_item(sitting, title=title, presenter=presenter)
    db.session.flush()
    opening = ctx.sittings[0]
    items = services.items_of(opening)
    everyone = {"kind": "all", "values": []}
    report = services.upload_document(
        ctx.meeting, filename="政协常务委员会工作报告.pdf", title="政协常务委员会工作报告",
        stream=io.BytesIO(_pdf("政协常务委员会工作报告", ["各位委员：", "现在，我代表政协常务委员会作工作报告。",
                                                         "请予审议。"])),
        audience=everyone, agenda_item_id=items[1].id)
    services.publish_document(report)
    secret = services.upload_document(
        ctx.meeting, filename="提案审查情况（保密）.pdf", title="提案审查情况（征求意见稿）",
        stream=io.BytesIO(_pdf("提案审查情况（征求意见稿）", ["本件为征求意见稿，仅供会议讨论，请勿外传。"])),
        audience={"kind": "members", "values": []}, agenda_item_id=items[2].id, view_only=True,
        withdraw_after_meeting=True)
    services.publish_document(secret)
    services.publish_agenda(opening)
    services.send_notice(ctx.meeting, title="请各位委员提前 15 分钟入场",
                         body="开幕会 9:00 开始，请于 8:45 前凭参会证入场。", audience=everyone)
    ctx.extra["agenda_items"] = {s.id: services.items_of(s) for s in ctx.sittings}
