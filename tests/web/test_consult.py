"""码上商量 over HTTP: the public page and form rules, escaping, moderation, statistics, exports, PDFs."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from conference.audit.models import AuditEntry
from conference.consult.models import Office, Suggestion, Topic, TopicVisit
from conference.extensions import db
from conference.timeutil import utcnow

GOOD = "建议在老旧小区加装电梯时由街道统一协调"


def make_topic(status="open", slug="dianti", **kw) -> Topic:
    office = Office(name=kw.pop("office_name", "城乡建设委员会办公室"))
    topic = Topic(slug=slug, title=kw.pop("title", "如何让老旧小区加装电梯更顺畅？"), background="背景介绍",
                  questions="困难是什么？\n怎么办？", status=status, office=office, **kw)
    db.session.add(topic)
    db.session.commit()
    return topic


def post(client, text=GOOD, key="dianti", **fields):
    data = {"text": text, "consent": "y", **fields}
    return client.post(f"/s/{key}", data=data)


def suggestions():
    db.session.expire_all()
    return db.session.scalars(db.select(Suggestion).order_by(Suggestion.id)).all()


# ---- the public page and the form ------------------------------------------------------------------------

def test_public_page_shows_topic_without_login(ctx, client):
    make_topic()
    response = client.get("/s/dianti")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "如何让老旧小区加装电梯更顺畅？" in html and "困难是什么？" in html
    assert 'name="csrf_token"' in html
    assert "bootstrap" not in html  # the public page carries its own small stylesheet
    assert len(response.data) < 20_000


def test_topic_reachable_by_id_and_drafts_are_not_public(ctx, client):
    topic = make_topic(slug=None)
    assert client.get(f"/s/{topic.id}").status_code == 200
    draft = make_topic(status="draft", slug="caogao", title="草稿议题", office_name="另一个办公室")
    assert client.get("/s/caogao").status_code == 404
    assert client.get(f"/s/{draft.id}").status_code == 404
    assert client.get("/s/nothing-here").status_code == 404


def test_valid_suggestion_is_stored_with_masked_phone(ctx, client):
    make_topic()
    response = post(client, name="张三", phone="138 1234 1234", sector="经济界", occupation="教师", district="历下区")
    assert response.status_code == 303
    [s] = suggestions()
    assert (s.text, s.author_name, s.phone, s.phone_masked) == (GOOD, "张三", "13812341234", "138****1234")
    assert (s.sector, s.occupation, s.district) == ("经济界", "教师", "历下区")
    assert s.visibility == "pending" and s.status == "received"
    # the 303 points at the page with a thank-you note; the plain page has none
    assert response.headers["Location"].endswith("/s/dianti?sent=1#form")
    assert "您的意见建议已收到" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您的意见建议已收到" not in client.get("/s/dianti").get_data(as_text=True)


@pytest.mark.parametrize("fields, status, message", [
    ({"text": ""}, 400, "请填写您的意见建议"),
    ({"text": "太短"}, 400, "至少写 5 个字"),
    ({"text": "😀😀😀😀😀😀😀😀"}, 400, "请用文字描述"),
    ({"text": "长" * 2001}, 400, "不能超过 2000 字"),
    ({"phone": "12345"}, 400, "手机号码格式不正确"),
    ({"phone": "23812341234"}, 400, "手机号码格式不正确"),
    ({"consent": ""}, 400, "请阅读并勾选同意隐私说明"),
    ({"name": "名" * 41}, 400, "姓名最多 40 字"),
])
def test_bad_input_is_refused_and_nothing_stored(ctx, client, fields, status, message):
    make_topic()
    data = {"text": GOOD, "consent": "y", **fields}
    response = client.post("/s/dianti", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert suggestions() == []


def test_100kb_post_is_refused_before_parsing(ctx, client):
    make_topic()
    response = post(client, text="长" * 100_000)
    assert response.status_code == 413
    assert "内容太长" in response.get_data(as_text=True)
    assert suggestions() == []


def test_duplicate_text_is_refused(ctx, client):
    make_topic()
    assert post(client).status_code == 303
    response = post(client, text=f"  {GOOD}！ ")  # same words, other punctuation and spaces
    assert response.status_code == 409
    assert "相同内容已提交" in response.get_data(as_text=True)
    assert len(suggestions()) == 1


def test_same_text_on_another_topic_is_fine(ctx, client):
    make_topic()
    make_topic(slug="other", title="另一个议题", office_name="另一个办公室")
    assert post(client).status_code == 303
    assert post(client, key="other").status_code == 303
    assert len(suggestions()) == 2


def test_closed_topics_refuse_suggestions(ctx, client):
    make_topic(status="closed")
    make_topic(slug="late", closes_at=utcnow() - timedelta(minutes=1), office_name="办公室二")
    make_topic(slug="early", opens_at=utcnow() + timedelta(days=1), office_name="办公室三")
    page = client.get("/s/dianti").get_data(as_text=True)
    assert "意见征集已结束" in page and 'name="text"' not in page
    for key, message in (("dianti", "已结束"), ("late", "已结束"), ("early", "尚未开始")):
        response = post(client, key=key)
        assert response.status_code == 409, key
        assert message in response.get_data(as_text=True)
    assert suggestions() == []


def test_honeypot_pretends_success_and_stores_nothing(ctx, client):
    make_topic()
    response = post(client, website="http://spam.example")
    assert response.status_code == 303
    assert suggestions() == []


def test_missing_csrf_token_is_refused(ctx, client, monkeypatch):
    make_topic()
    monkeypatch.setitem(ctx.config, "WTF_CSRF_ENABLED", True)
    response = post(client)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert suggestions() == []
    # with the token from the page it works
    html = client.get("/s/dianti").get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    assert post(client, csrf_token=token).status_code == 303
    assert len(suggestions()) == 1


def test_answer_with_the_page_itself_when_configured(ctx, client, monkeypatch):
    monkeypatch.setitem(ctx.config, "CONSULT_SUBMIT_ANSWER", "page")
    monkeypatch.setitem(ctx.config, "WTF_CSRF_ENABLED", True)
    make_topic()
    html = client.get("/s/dianti").get_data(as_text=True)
    assert "您的意见建议已收到" not in html
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = post(client, csrf_token=token)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "您的意见建议已收到" in page and "如何让老旧小区加装电梯更顺畅？" in page
    assert len(suggestions()) == 1
    # the form on that page works for the next suggestion (a fresh token in place of the slot)
    token2 = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert "CSRF_TOKEN_SLOT" not in page
    assert post(client, text="第二条建议：增加社区停车位", csrf_token=token2).status_code == 200
    assert len(suggestions()) == 2


def test_forged_or_foreign_csrf_token_is_refused_and_checked_once(ctx, client, monkeypatch):
    """The public form is exempt from CSRFProtect's global hook because the view runs the same check itself:
    a bad token must still be refused, and a good one is validated exactly once."""
    import flask_wtf.csrf as wtf_csrf

    make_topic()
    monkeypatch.setitem(ctx.config, "WTF_CSRF_ENABLED", True)
    html = client.get("/s/dianti").get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    other = ctx.test_client()
    foreign = other.get("/s/dianti").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    for bad in ("forged-token", token[:-2] + ("AA" if not token.endswith("AA") else "BB"), foreign):
        response = post(client, csrf_token=bad)
        assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    # honeypot and bad fields do not get past a missing token either
    assert post(client, website="http://spam.example").status_code == 400
    assert post(client, text="短").status_code == 400 and "CSRF" in post(client, text="短").get_data(as_text=True)
    assert suggestions() == []
    calls = []
    real = wtf_csrf.validate_csrf
    monkeypatch.setattr(wtf_csrf, "validate_csrf", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    assert post(client, csrf_token=token).status_code == 303
    assert len(calls) == 1 and len(suggestions()) == 1


def test_stored_text_is_rendered_escaped(ctx, client, staff_client):
    make_topic()
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> 建议加强管理'
    assert post(client, text=evil, name="<b>黑客</b>", district="<i>区</i>").status_code == 303
    [s] = suggestions()
    assert s.text == evil  # stored as typed
    assert staff_client.post(f"/consult/suggestions/{s.id}/publish").status_code == 302
    assert staff_client.post(f"/consult/suggestions/{s.id}/answer",
                             data={"answer": "<script>bad()</script>答复"}).status_code == 302
    for html in (client.get("/s/dianti").get_data(as_text=True),
                 staff_client.get(f"/consult/{s.topic_id}/moderation?v=all").get_data(as_text=True)):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>黑客</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert "&lt;b&gt;黑客&lt;/b&gt;" in html
        assert "<script>bad()" not in html and "&lt;script&gt;bad()" in html


def test_logged_in_delegate_posts_under_their_name(ctx, client, make, login_as):
    make_topic()
    member = make.member(name="王委员", sector=make.sector(name="经济界"))
    login_as(client, member)
    page = client.get("/s/dianti").get_data(as_text=True)
    assert "王委员" in page and 'name="phone"' not in page
    assert post(client, name="冒名").status_code == 303
    [s] = suggestions()
    assert (s.author_name, s.member_id, s.sector) == ("王委员", member.id, "经济界")


# ---- moderation --------------------------------------------------------------------------------------------

def _seed(client, *texts):
    for text in texts:
        assert post(client, text=text).status_code == 303
    return suggestions()


def test_moderation_publish_answer_and_public_page(ctx, client, staff_client):
    topic = make_topic()
    a, b = _seed(client, "第一条建议：增加停车位", "第二条建议：改造管网")
    page = client.get("/s/dianti").get_data(as_text=True)
    assert "第一条建议" not in page  # pending suggestions are not public
    queue = staff_client.get(f"/consult/{topic.id}/moderation").get_data(as_text=True)
    assert "第一条建议" in queue and "第二条建议" in queue
    assert staff_client.post(f"/consult/suggestions/{a.id}/publish").status_code == 302
    assert staff_client.post(f"/consult/suggestions/{a.id}/assign",
                             data={"office_id": topic.office_id}).status_code == 302
    assert staff_client.post(f"/consult/suggestions/{a.id}/tag", data={"tags": "停车，交通"}).status_code == 302
    assert staff_client.post(f"/consult/suggestions/{a.id}/answer",
                             data={"answer": "已纳入年度计划"}).status_code == 302
    page = client.get("/s/dianti").get_data(as_text=True)
    assert "第一条建议" in page and "已纳入年度计划" in page and "城乡建设委员会办公室" in page
    assert "第二条建议" not in page
    db.session.expire_all()
    a = db.session.get(Suggestion, a.id)
    assert (a.visibility, a.status, a.tags, a.office_id) == ("published", "answered", "停车,交通", topic.office_id)
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.target == f"suggestion:{a.id}").order_by(AuditEntry.id))]
    assert actions == ["consult.publish", "consult.assign", "consult.tag", "consult.answer"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "consult.answer"))
    assert entry.actor.startswith("s:") and entry.at is not None


def test_hide_needs_reason_and_bad_transitions_are_refused(ctx, client, staff_client):
    make_topic()
    [s] = _seed(client, "这是一条垃圾广告加微信")
    response = staff_client.post(f"/consult/suggestions/{s.id}/hide", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"] == "reason_required"
    response = staff_client.post(f"/consult/suggestions/{s.id}/hide", data={"reason": "spam"},
                                 headers={"Accept": "application/json"})
    assert response.get_json() == {"ok": True, "visibility": "hidden", "status": "received"}
    response = staff_client.post(f"/consult/suggestions/{s.id}/answer", data={"answer": "x"},
                                 headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.get_json()["error"] == "bad_transition"
    db.session.expire_all()
    s = db.session.get(Suggestion, s.id)
    assert (s.visibility, s.hidden_reason, s.answer) == ("hidden", "spam", "")


def test_merge_points_at_kept_one_and_public_shows_count(ctx, client, staff_client):
    make_topic()
    keep, dup1, dup2 = _seed(client, "审批流程太长，建议并联审批", "审批太慢了，希望并联审批", "能否缩短审批时间")
    staff_client.post(f"/consult/suggestions/{keep.id}/publish")
    staff_client.post(f"/consult/suggestions/{dup1.id}/merge", data={"merge_into": dup2.id})
    staff_client.post(f"/consult/suggestions/{dup2.id}/merge", data={"merge_into": keep.id})
    db.session.expire_all()
    assert db.session.get(Suggestion, dup1.id).merged_into_id == keep.id  # re-pointed: no chains
    assert db.session.get(Suggestion, dup2.id).visibility == "merged"
    page = client.get("/s/dianti").get_data(as_text=True)
    assert "3 人提出相同意见" in page
    response = staff_client.post(f"/consult/suggestions/{keep.id}/merge", data={"merge_into": keep.id},
                                 headers={"Accept": "application/json"})
    assert response.get_json()["error"] == "merge_target"


def test_staff_pages_need_the_secretariat(ctx, client, make, login_as):
    topic = make_topic()
    [s] = _seed(client, "一条需要审核的建议")
    assert client.get("/consult/").status_code in (302, 401)
    login_as(client, "checkin")
    assert client.get(f"/consult/{topic.id}/moderation").status_code == 403
    assert client.post(f"/consult/suggestions/{s.id}/publish").status_code == 403
    assert client.get(f"/consult/{topic.id}/export.csv").status_code == 403
    db.session.expire_all()
    assert db.session.get(Suggestion, s.id).visibility == "pending"


def test_phone_reveal_is_logged(ctx, client, staff_client):
    topic = make_topic()
    assert post(client, phone="13912345678").status_code == 303
    [s] = suggestions()
    queue = staff_client.get(f"/consult/{topic.id}/moderation").get_data(as_text=True)
    assert "139****5678" in queue and "13912345678" not in queue
    response = staff_client.post(f"/consult/suggestions/{s.id}/phone", follow_redirects=True)
    assert "13912345678" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "consult.phone_view")) is not None


def test_topic_lifecycle_and_editing(ctx, staff_client):
    response = staff_client.post("/consult/new", data={"title": "新议题", "slug": "xinyiti", "background": "背景",
                                                       "questions": "问题一\n问题二", "office_id": 0,
                                                       "meeting_id": 0})
    assert response.status_code == 302
    topic = db.session.scalar(db.select(Topic).where(Topic.slug == "xinyiti"))
    assert topic.status == "draft" and topic.question_list == ["问题一", "问题二"]
    assert staff_client.post(f"/consult/{topic.id}/status", data={"status": "reported"},
                             headers={"Accept": "application/json"}).status_code == 409
    assert staff_client.post(f"/consult/{topic.id}/status", data={"status": "open"}).status_code == 302
    db.session.expire_all()
    topic = db.session.get(Topic, topic.id)
    assert topic.status == "open" and topic.opens_at is not None
    assert staff_client.get("/consult/").status_code == 200
    assert "新议题" in staff_client.get(f"/consult/{topic.id}").get_data(as_text=True)


# ---- statistics, exports, documents --------------------------------------------------------------------------

def test_statistics_visits_participants_and_groups(ctx, client, staff_client):
    topic = make_topic()
    for i in range(3):
        client.get("/s/dianti", headers={"User-Agent": f"browser-{i % 2}"})
    post(client, text="建议一：多建停车场", phone="13812341234", district="历下区")
    post(client, text="建议二：多种行道树", phone="13812341234", district="历下区")
    post(client, text="建议三：增加公交", district="市中区", sector="经济界")
    post(client, text="建议四：整治噪音")
    a = suggestions()[0]
    staff_client.post(f"/consult/suggestions/{a.id}/tag", data={"tags": "停车,交通"})
    stats = staff_client.get(f"/consult/{topic.id}/stats.json").get_json()
    assert stats["views"] == 3 and stats["visitors"] == 2  # two browsers from one address
    assert stats["suggestions"] == 4 and stats["participants"] == 3  # same phone counts once
    assert dict(stats["by_district"]) == {"历下区": 2, "市中区": 1, "未填写": 1}
    assert dict(stats["by_sector"])["经济界"] == 1
    assert dict(stats["top_tags"]) == {"停车": 1, "交通": 1}
    assert sum(d["suggestions"] for d in stats["per_day"]) == 4
    assert sum(d["views"] for d in stats["per_day"]) == 3
    row = db.session.scalar(db.select(TopicVisit))
    assert set(row.__table__.columns.keys()) == {"topic_id", "day", "views", "visitors"}  # no personal data
    html = staff_client.get(f"/consult/{topic.id}").get_data(as_text=True)
    assert 'id="per-day"' in html and "chart.umd.min.js" in html


def test_export_csv_and_xlsx(ctx, client, staff_client):
    from openpyxl import load_workbook

    topic = make_topic()
    post(client, text="=HYPERLINK(\"http://x\") 建议公开", phone="13812341234", name="李四")
    post(client, text="普通的一条建议内容")
    response = staff_client.get(f"/consult/{topic.id}/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["编号", "提交时间", "姓名", "手机（脱敏）"]
    assert len(rows) == 3
    assert rows[1][2] == "李四" and rows[1][3] == "138****1234" and "13812341234" not in text
    assert rows[1][7].startswith("'=HYPERLINK")  # no formula injection
    response = staff_client.get(f"/consult/{topic.id}/export.xlsx")
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb.active
    assert ws.max_row == 3 and ws.cell(3, 8).value == "普通的一条建议内容"
    assert staff_client.get(f"/consult/{topic.id}/export.doc").status_code == 400


def test_poster_qr_and_report(ctx, client, staff_client):
    import pdfplumber

    topic = make_topic(closes_at=utcnow() + timedelta(days=10))
    response = staff_client.get(f"/consult/{topic.id}/poster.pdf")
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        page = pdf.pages[0]
        assert round(page.width) == 595  # A4
        text = page.extract_text()
    assert "码 上 商 量" in text and "如何让老旧小区加装电梯更顺畅" in text and "/s/dianti" in text
    a3 = staff_client.get(f"/consult/{topic.id}/poster.pdf?size=A3")
    with pdfplumber.open(io.BytesIO(a3.data)) as pdf:
        assert round(pdf.pages[0].width) == 842
    png = staff_client.get(f"/consult/{topic.id}/qr.png?box=8")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image
    assert Image.open(io.BytesIO(png.data)).size[0] >= 8 * 25
    post(client, text="报告里要出现的建议")
    [s] = suggestions()
    staff_client.post(f"/consult/suggestions/{s.id}/publish")
    staff_client.post(f"/consult/suggestions/{s.id}/answer", data={"answer": "报告里的答复"})
    report = staff_client.get(f"/consult/{topic.id}/report.pdf")
    assert report.status_code == 200
    with pdfplumber.open(io.BytesIO(report.data)) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert "报告里要出现的建议" in text and "报告里的答复" in text and "收到意见建议1条" in text


def test_cached_public_page_has_a_working_token_and_is_refreshed_by_moderation(ctx, client, staff_client,
                                                                               monkeypatch):
    monkeypatch.setitem(ctx.config, "CONSULT_PUBLIC_CACHE_SECONDS", 60)
    monkeypatch.setitem(ctx.config, "WTF_CSRF_ENABLED", True)
    from conference.consult import services

    services.public_cache().clear()
    make_topic()
    visitor = ctx.test_client()
    first = client.get("/s/dianti").get_data(as_text=True)
    second = visitor.get("/s/dianti").get_data(as_text=True)
    token1 = first.split('name="csrf_token" value="')[1].split('"')[0]
    token2 = second.split('name="csrf_token" value="')[1].split('"')[0]
    assert token1 != token2 and "CSRF_TOKEN_SLOT" not in first  # each visitor gets their own token
    assert post(visitor, csrf_token=token2).status_code == 303
    [s] = suggestions()
    monkeypatch.setitem(ctx.config, "WTF_CSRF_ENABLED", False)
    staff_client.post(f"/consult/suggestions/{s.id}/publish")
    assert GOOD in client.get("/s/dianti").get_data(as_text=True)  # moderation cleared the cache
    services.public_cache().clear()


def test_delegate_home_lists_open_topics(ctx, client, make, login_as):
    make_topic()
    make_topic(status="draft", slug="caogao", title="草稿议题", office_name="办公室二")
    login_as(client, make.member(name="赵委员"))
    html = client.get("/me/").get_data(as_text=True)
    assert "码上商量" in html and 'href="/s/dianti"' in html and "草稿议题" not in html
