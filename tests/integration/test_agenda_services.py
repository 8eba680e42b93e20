"""Agenda services on a real database: notices by audience, receipts as an upsert, Word conversion when an office
suite exists, deleting items, and the handbook job."""
import io
import os
import stat

import pytest
from pypdf import PdfReader

from conference.agenda import services
from conference.agenda.models import AgendaLive, Document, DocumentReceipt, NoticeRead
from conference.extensions import db
from tests.web.test_documents import make_pdf


@pytest.fixture
def people(make):
    sector = make.sector("经济界")
    return {"a": make.member("王五", sector=sector, member_no="N1"),
            "b": make.member("丁六", sector=sector, member_no="N2"),
            "x": make.member("林七", kind="列席", member_no="LX1")}


def test_notices_reach_their_audience_and_read_marks_are_idempotent(ctx, make, people):
    meeting = make.meeting()
    services.send_notice(meeting, title="全体通知", audience={"kind": "all", "values": []})
    services.send_notice(meeting, title="委员通知", audience={"kind": "members", "values": []})
    services.send_notice(meeting, title="点名通知", audience={"kind": "people", "values": [people["b"].id]})
    db.session.commit()
    titles = lambda m: {r["notice"].title for r in services.notices_for(m, meeting)}  # noqa: E731
    assert titles(people["a"]) == {"全体通知", "委员通知"}
    assert titles(people["b"]) == {"全体通知", "委员通知", "点名通知"}
    assert titles(people["x"]) == {"全体通知"}
    ids = [r["notice"].id for r in services.notices_for(people["a"], meeting)]
    assert services.mark_notices_read(people["a"], ids) == 2
    assert services.mark_notices_read(people["a"], ids) == 0
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(NoticeRead)) == 2
    with pytest.raises(services.DomainError) as exc:
        services.send_notice(meeting, title="没人", audience={"kind": "people", "values": [999999]})
    assert exc.value.code == "audience_nobody"


def test_audience_members_in_stroke_order(ctx, people):
    names = [m.name for m in services.audience_members({"kind": "all", "values": []})]
    assert names == ["丁六", "王五", "林七"]


def _upload(meeting, data=None, name="a.pdf", **kw):
    return services.upload_document(meeting, filename=name, stream=io.BytesIO(data or make_pdf()),
                                    audience={"kind": "all", "values": []}, **kw)


def test_receipt_is_one_row_per_reader(ctx, make, people):
    doc = _upload(make.meeting())
    services.publish_document(doc)
    db.session.commit()
    for _ in range(3):
        services.record_open(doc, people["a"])
        db.session.commit()
    rows = db.session.scalars(db.select(DocumentReceipt)).all()
    assert len(rows) == 1 and rows[0].opens == 3
    report = services.receipts_report(doc)
    assert [m.name for m in report["unread"]] == ["丁六", "林七"]


def test_word_is_converted_when_an_office_suite_exists(ctx, make, people, tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    pdf = tmp_path / "converted.pdf"
    pdf.write_bytes(make_pdf("converted from word", pages=3))
    # a stand-in for LibreOffice with the same command line: writes <outdir>/upload.pdf
    fake.write_text(f'#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\ncp {pdf} "$2/upload.pdf"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(services, "office_binary", lambda: str(fake))
    doc = _upload(make.meeting(), data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, name="发言稿.doc")
    db.session.commit()
    assert doc.kind == "pdf" and doc.converted_from == "word" and doc.pages == 3
    assert doc.title == "发言稿" and doc.stored_name.endswith(".pdf")
    assert os.path.exists(services.document_path(doc))


def test_failed_transaction_removes_the_stored_file(ctx, make, people):
    doc = _upload(make.meeting())
    path = services.document_path(doc)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_deleting_an_item_keeps_its_documents_on_the_sitting(ctx, make, people):
    sitting = make.sitting()
    item = services.add_item(sitting, title="审议报告")
    doc = _upload(sitting.meeting, agenda_item_id=item.id)
    services.set_current(sitting, item.id)
    db.session.commit()
    services.delete_item(item)
    db.session.commit()
    db.session.refresh(doc)
    assert doc.agenda_item_id is None and doc.sitting_id == sitting.id
    assert db.session.get(AgendaLive, sitting.id).current_item_id is None


def test_handbook_job_builds_the_meeting_handbook(ctx, make, people):
    from conference.jobs.registry import get

    sitting = make.sitting(make.meeting("政协第十五届济南市委员会第五次会议", notes="请佩戴参会证。"), title="开幕会")
    services.add_item(sitting, title="听取和审议常务委员会工作报告")
    services.publish_agenda(sitting)
    db.session.commit()
    steps = []
    name, data = get("handbook").fn({"meeting_id": sitting.meeting_id}, lambda *a: steps.append(a))
    assert name.endswith("会议手册.pdf") and steps
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    for expected in ("会议手册", "听取和审议常务委员会工作报告", "王五", "丁六", "请佩戴参会证"):
        assert expected in text, expected
    assert "林七" not in text   # 列席 are not in the member list
