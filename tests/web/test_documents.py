"""Documents over HTTP: uploads (and the bad ones), who may open what by direct URL, the named watermark,
view-only documents, withdrawal, read receipts and reminders."""
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from conference.agenda.models import Document, DocumentReceipt, Notice
from conference.extensions import db

JSON = {"Accept": "application/json"}


def make_pdf(text="会议文件正文", pages=2) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(pages):
        c.drawString(72, 720, f"{text} page {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def make_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (240, 240, 255)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def world(make):
    s1, s2 = make.sector("经济界"), make.sector("教育界")
    from conference.registration.models import Group

    group = Group(name="第一组", position=1)
    db.session.add(group)
    db.session.commit()
    people = {
        "chair": make.member("丁一", sector=s1, committee_role="主席", member_no="A001"),
        "standing": make.member("王二", sector=s2, committee_role="常委", member_no="A002", group_id=group.id),
        "member": make.member("文三", sector=s1, member_no="A003", group_id=group.id),
        "attendee": make.member("林四", sector=s2, kind="列席", member_no="L001"),
    }
    meeting = make.meeting()
    sitting = make.sitting(meeting)
    return {"meeting": meeting, "sitting": sitting, "people": people, "sectors": (s1, s2), "group": group}


def upload(client, meeting, *, data=None, name="报告.pdf", kind="members", values=(), publish=True, **extra):
    form = {"file": (io.BytesIO(make_pdf() if data is None else data), name), "audience_kind": kind,
            "title": extra.pop("title", ""), **extra}
    key = {"role": "audience_role", "sector": "audience_sector", "group": "audience_group"}.get(kind)
    if key:
        form[key] = list(values)
    if kind == "people":
        form["audience_people"] = " ".join(values)
    if publish:
        form["publish"] = "1"
    return client.post(f"/agenda/meetings/{meeting.id}/documents", data=form, headers=JSON,
                       content_type="multipart/form-data")


def stored_files(app):
    folder = app.config["UPLOAD_DIR"] / "documents"
    return sorted(p.name for p in folder.glob("*.*")) if folder.exists() else []


def doc_by_title(title):
    db.session.expire_all()
    return db.session.scalar(db.select(Document).where(Document.title == title))


def test_upload_pdf_stores_random_name_and_sanitized_title(app, staff_client, world):
    res = upload(staff_client, world["meeting"], name="../../<b>工作报告</b>.pdf")
    assert res.status_code == 200, res.get_json()
    doc = doc_by_title("工作报告")
    assert doc is not None and doc.original_name == "工作报告.pdf" and doc.pages == 2
    assert ".." not in doc.stored_name and doc.stored_name.endswith(".pdf") and len(doc.stored_name) == 36
    assert doc.stored_name in stored_files(app)
    page = staff_client.get(f"/agenda/meetings/{world['meeting'].id}")
    assert "<b>工作报告</b>" not in page.get_data(as_text=True)


@pytest.mark.parametrize("data, name, code", [
    (b"MZ\x90\x00" + b"\x00" * 200, "报告.pdf", "content_mismatch"),   # executable renamed .pdf
    (b"%PDF-1.4\nthis is not really a pdf", "坏文件.pdf", "broken_file"),
    (b"\x89PNG\r\n\x1a\nnot an image", "图.png", "broken_file"),
    (b"#!/bin/sh\nrm -rf /\n", "脚本.sh", "bad_type"),
    (b"", "空.pdf", "empty_file"),
])
def test_bad_files_are_refused_and_nothing_is_stored(app, staff_client, world, data, name, code):
    before = stored_files(app)
    res = upload(staff_client, world["meeting"], data=data, name=name)
    assert res.status_code == 400
    assert res.get_json()["error"] == code
    assert stored_files(app) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0


def test_word_is_refused_without_libreoffice(app, staff_client, world, monkeypatch):
    before = stored_files(app)
    monkeypatch.setattr("conference.agenda.services.office_binary", lambda: None)
    res = upload(staff_client, world["meeting"], data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
                 name="发言稿.doc")
    assert res.status_code == 400
    body = res.get_json()
    assert body["error"] == "word_unsupported" and "请先将 Word 文件转换为 PDF 后上传" in body["message"]
    assert stored_files(app) == before


def test_oversized_upload_is_refused_by_the_request_limit(app, staff_client, world):
    before = stored_files(app)
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024   # stands in for a 500 MB upload against the real limit
    try:
        res = upload(staff_client, world["meeting"], data=b"%PDF-1.4\n" + b"0" * 200_000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert res.status_code == 413
    assert res.get_json()["error"] == "too_large"
    assert stored_files(app) == before


def test_per_document_limit(app, staff_client, world):
    before = stored_files(app)
    app.config["AGENDA_MAX_DOCUMENT_BYTES"] = 1024
    try:
        res = upload(staff_client, world["meeting"], data=make_pdf(pages=3) + b"\n" * 2048)
    finally:
        app.config.pop("AGENDA_MAX_DOCUMENT_BYTES")
    assert res.status_code == 413 and res.get_json()["error"] == "too_large"
    assert stored_files(app) == before


@pytest.mark.parametrize("kind, values", [("people", ["NOPE1"]), ("sector", []), ("role", ["秘书长"])])
def test_audience_matching_nobody_is_refused(app, staff_client, world, kind, values):
    before = stored_files(app)
    res = upload(staff_client, world["meeting"], kind=kind, values=values)
    assert res.status_code == 400
    assert res.get_json()["error"] in ("unknown_member", "audience_empty", "audience_nobody")
    assert stored_files(app) == before


# ---- who sees what, by direct URL -----------------------------------------------------------------
AUDIENCES = {
    "all": ("all", []),
    "members": ("members", []),
    "role": ("role", ["主席", "常委"]),
    "sector": ("sector", ["S0"]),        # S0 = 经济界 (replaced by its id below)
    "group": ("group", ["G"]),
    "people": ("people", ["A003", "L001"]),
}
EXPECTED = {   # audience -> who may open it
    "all": {"chair", "standing", "member", "attendee"},
    "members": {"chair", "standing", "member"},
    "role": {"chair", "standing"},
    "sector": {"chair", "member"},
    "group": {"standing", "member"},
    "people": {"member", "attendee"},
}


@pytest.mark.parametrize("audience", list(AUDIENCES))
def test_audience_table_by_direct_url(app, staff_client, login_as, world, audience):
    kind, values = AUDIENCES[audience]
    values = [str(world["sectors"][0].id) if v == "S0" else str(world["group"].id) if v == "G" else v
              for v in values]
    assert upload(staff_client, world["meeting"], kind=kind, values=values, title=f"文件-{audience}").status_code == 200
    doc = doc_by_title(f"文件-{audience}")
    for who, member in world["people"].items():
        client = app.test_client()
        login_as(client, member)
        allowed = who in EXPECTED[audience]
        for url in (f"/agenda/documents/{doc.id}", f"/agenda/documents/{doc.id}/pages/1.jpg",
                    f"/agenda/documents/{doc.id}/download"):
            status = client.get(url).status_code
            assert status == (200 if allowed else 403), (audience, who, url, status)
        listed = doc.title in client.get("/me/").get_data(as_text=True)
        assert listed == allowed, (audience, who)


def test_guessed_id_and_draft_are_forbidden(app, staff_client, login_as, world):
    upload(staff_client, world["meeting"], kind="all", title="草稿文件", publish=False)
    doc = doc_by_title("草稿文件")
    client = app.test_client()
    login_as(client, world["people"]["member"])
    assert client.get(f"/agenda/documents/{doc.id}").status_code == 403        # not published yet
    assert client.get(f"/agenda/documents/{doc.id + 999}").status_code == 403  # does not exist: same answer
    assert client.get(f"/agenda/documents/{doc.id + 999}/download").status_code == 403


def test_download_carries_named_watermark_on_every_page(app, staff_client, login_as, world):
    upload(staff_client, world["meeting"], kind="all", title="工作报告")
    doc = doc_by_title("工作报告")
    client = app.test_client()
    login_as(client, world["people"]["member"])
    res = client.get(f"/agenda/documents/{doc.id}/download")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert "attachment" in res.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(res.data))
    assert len(reader.pages) == 2
    for page in reader.pages:
        text = page.extract_text()
        assert "文三 A003" in text and "仅供本人阅读" in text
        assert "会议文件正文" in text or "page" in text
    # the original file on disk is untouched (the watermark is per reader)
    original = (app.config["UPLOAD_DIR"] / "documents" / doc.stored_name).read_bytes()
    assert "文三" not in PdfReader(io.BytesIO(original)).pages[0].extract_text()
    # and another reader's copy names that reader
    other = app.test_client()
    login_as(other, world["people"]["chair"])
    text = PdfReader(io.BytesIO(other.get(f"/agenda/documents/{doc.id}/download").data)).pages[0].extract_text()
    assert "丁一 A001" in text and "文三" not in text


def test_rendered_page_is_a_watermarked_image(app, staff_client, login_as, world):
    from PIL import Image

    upload(staff_client, world["meeting"], kind="all", title="图片文件", data=make_png(), name="图.png")
    doc = doc_by_title("图片文件")
    client = app.test_client()
    login_as(client, world["people"]["member"])
    res = client.get(f"/agenda/documents/{doc.id}/pages/1.jpg")
    assert res.status_code == 200 and res.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(res.data)).convert("L")
    # the plain page is one flat colour; the watermark adds darker strokes
    assert image.getextrema()[0] < 200
    assert client.get(f"/agenda/documents/{doc.id}/pages/2.jpg").status_code == 404


def test_view_only_document_refuses_download(app, staff_client, login_as, world):
    upload(staff_client, world["meeting"], kind="all", title="保密文件", view_only="1")
    doc = doc_by_title("保密文件")
    client = app.test_client()
    login_as(client, world["people"]["member"])
    page = client.get(f"/agenda/documents/{doc.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/download" not in html and "仅限在线阅读" in html
    res = client.get(f"/agenda/documents/{doc.id}/download", headers=JSON)
    assert res.status_code == 403 and res.get_json()["error"] == "view_only"
    assert client.get(f"/agenda/documents/{doc.id}/pages/1.jpg").status_code == 200


def test_withdrawn_and_expired_documents_are_closed(app, staff_client, login_as, world):
    upload(staff_client, world["meeting"], kind="all", title="撤回文件")
    upload(staff_client, world["meeting"], kind="all", title="会后收回", withdraw_after_meeting="1")
    withdrawn, after = doc_by_title("撤回文件"), doc_by_title("会后收回")
    assert staff_client.post(f"/agenda/documents/{withdrawn.id}/withdraw", headers=JSON).status_code == 200
    client = app.test_client()
    login_as(client, world["people"]["member"])
    assert client.get(f"/agenda/documents/{withdrawn.id}", headers=JSON).get_json()["error"] == "withdrawn"
    assert client.get(f"/agenda/documents/{after.id}").status_code == 200
    meeting = world["meeting"]
    meeting.starts_on, meeting.ends_on = date.today() - timedelta(days=5), date.today() - timedelta(days=2)
    db.session.commit()
    assert client.get(f"/agenda/documents/{after.id}").status_code == 403
    home = client.get("/me/").get_data(as_text=True)
    assert "会后收回" not in home and "撤回文件" not in home


def test_read_receipts_and_reminder(app, staff_client, login_as, world, socket_client):
    upload(staff_client, world["meeting"], kind="members", title="必读文件")
    doc = doc_by_title("必读文件")
    reader = app.test_client()
    login_as(reader, world["people"]["standing"])
    reader.get(f"/agenda/documents/{doc.id}")
    reader.get(f"/agenda/documents/{doc.id}")
    receipt = db.session.scalar(db.select(DocumentReceipt).where(DocumentReceipt.document_id == doc.id))
    assert receipt.member_id == world["people"]["standing"].id and receipt.opens == 2
    assert receipt.last_opened_at >= receipt.first_opened_at

    page = staff_client.get(f"/agenda/documents/{doc.id}/receipts").get_data(as_text=True)
    unread = page.split('id="unread-list"')[1].split("</div>")[0]
    assert "王二" not in unread
    assert unread.index("丁一") < unread.index("文三")    # stroke order: 丁 (2) before 文 (4)
    assert "林四" not in page                           # 列席 outside this audience

    unread_client = app.test_client()
    login_as(unread_client, world["people"]["member"])
    sc = socket_client(unread_client)
    sc.get_received()
    res = staff_client.post(f"/agenda/documents/{doc.id}/remind", headers=JSON)
    assert res.status_code == 200
    notice = db.session.scalar(db.select(Notice).where(Notice.document_id == doc.id))
    assert sorted(notice.audience["values"]) == sorted([world["people"]["chair"].id, world["people"]["member"].id])
    pushed = [e for e in sc.get_received() if e["name"] == "notice:new"]
    assert pushed and pushed[0]["args"][0]["title"] == "请阅读：必读文件"
    home = unread_client.get("/me/").get_data(as_text=True)
    assert "请阅读：必读文件" in home and 'data-count="1"' in home
    unread_client.get("/agenda/my/notices")
    assert 'data-count="0"' in unread_client.get("/me/").get_data(as_text=True)
