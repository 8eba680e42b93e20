"""Agenda over HTTP and Socket.IO: editing, reordering, publishing versions, following the current item live,
the delegate home page weight, and the agenda PDFs."""
import io
import re

import pytest
from pypdf import PdfReader

from conference.agenda.models import AgendaItem, AgendaVersion
from conference.extensions import db

JSON = {"Accept": "application/json"}


@pytest.fixture
def sitting(make):
    return make.sitting(make.meeting("政协第十五届济南市委员会第五次会议"), title="开幕会")


def add(client, sitting, title, presenter="", planned=""):
    res = client.post(f"/agenda/sittings/{sitting.id}/items", data={"title": title, "presenter": presenter,
                                                                    "planned": planned}, headers=JSON)
    assert res.status_code == 200, res.get_json()
    db.session.expire_all()
    return db.session.scalar(db.select(AgendaItem).where(AgendaItem.title == title))


def versions(sitting):
    db.session.expire_all()
    return db.session.scalars(db.select(AgendaVersion).where(AgendaVersion.sitting_id == sitting.id)
                              .order_by(AgendaVersion.number)).all()


def test_publish_keeps_earlier_versions_readable_and_pushes_update(app, staff_client, login_as, make, sitting,
                                                                  socket_client):
    a = add(staff_client, sitting, "宣布开幕", "主席", "09:00")
    b = add(staff_client, sitting, "听取常务委员会工作报告", "副主席")
    c = add(staff_client, sitting, "听取提案工作情况报告")
    delegate = app.test_client()
    login_as(delegate, make.member("田富"))
    sc = socket_client(delegate)
    sc.get_received()

    # nothing published yet: the delegate sees no items
    assert "宣布开幕" not in delegate.get(f"/agenda/sittings/{sitting.id}/view").get_data(as_text=True)
    assert staff_client.post(f"/agenda/sittings/{sitting.id}/publish", headers=JSON).status_code == 200
    pushed = [e for e in sc.get_received() if e["name"] == "agenda:updated"]
    assert pushed and pushed[0]["args"][0]["message"] == "议程已更新" and pushed[0]["args"][0]["version"] == 1
    # republishing without a change is refused
    res = staff_client.post(f"/agenda/sittings/{sitting.id}/publish", headers=JSON)
    assert res.status_code == 400 and res.get_json()["error"] == "no_changes"

    # drag-to-reorder (c before b), rename a: a draft until published
    res = staff_client.post(f"/agenda/sittings/{sitting.id}/order", json={"order": [a.id, c.id, b.id]})
    assert res.status_code == 200
    staff_client.post(f"/agenda/items/{a.id}", data={"title": "宣布大会开幕", "presenter": "主席", "planned": "09:00"})
    view = delegate.get(f"/agenda/sittings/{sitting.id}/view").get_data(as_text=True)
    assert "宣布开幕" in view and "宣布大会开幕" not in view
    assert view.index("听取常务委员会工作报告") < view.index("听取提案工作情况报告")

    assert staff_client.post(f"/agenda/sittings/{sitting.id}/publish", headers=JSON).status_code == 200
    v1, v2 = versions(sitting)
    assert [i["title"] for i in v1.snapshot["items"]] == ["宣布开幕", "听取常务委员会工作报告", "听取提案工作情况报告"]
    assert [i["title"] for i in v2.snapshot["items"]] == ["宣布大会开幕", "听取提案工作情况报告", "听取常务委员会工作报告"]
    kinds = {(ch["kind"], ch["item_id"]) for ch in v2.changes}
    assert ("retitled", a.id) in kinds and any(k == "moved" for k, _ in kinds)
    view = delegate.get(f"/agenda/sittings/{sitting.id}/view").get_data(as_text=True)
    assert "宣布大会开幕" in view and view.index("听取提案工作情况报告") < view.index("听取常务委员会工作报告")
    old = delegate.get(f"/agenda/sittings/{sitting.id}/versions/1").get_data(as_text=True)
    assert "宣布开幕" in old and "宣布大会开幕" not in old
    assert "宣布大会开幕" in staff_client.get(f"/agenda/sittings/{sitting.id}/versions/2").get_data(as_text=True)


def test_reorder_with_a_stale_list_is_refused(app, staff_client, sitting):
    a = add(staff_client, sitting, "一")
    add(staff_client, sitting, "二")
    res = staff_client.post(f"/agenda/sittings/{sitting.id}/order", json={"order": [a.id]})
    assert res.status_code == 400 and res.get_json()["error"] == "stale_order"


def test_roles_are_checked(app, login_as, make, sitting):
    delegate = app.test_client()
    login_as(delegate, make.member())
    assert delegate.get(f"/agenda/sittings/{sitting.id}").status_code == 403
    assert delegate.get(f"/agenda/sittings/{sitting.id}/console").status_code == 403
    assert delegate.post(f"/agenda/sittings/{sitting.id}/publish", headers=JSON).status_code == 403
    screen = app.test_client()
    login_as(screen, "screen")
    assert screen.get(f"/agenda/sittings/{sitting.id}/screen").status_code == 200
    assert screen.post(f"/agenda/sittings/{sitting.id}/current", json={"step": 1}).status_code == 403
    checkin = app.test_client()
    login_as(checkin, "checkin")
    assert checkin.get(f"/agenda/sittings/{sitting.id}/screen").status_code == 403


def test_presider_moves_item_and_delegate_follows_live(app, staff_client, login_as, make, sitting, socket_client):
    first = add(staff_client, sitting, "宣布开幕")
    second = add(staff_client, sitting, "听取工作报告")
    staff_client.post(f"/agenda/sittings/{sitting.id}/publish")
    presider_http = app.test_client()
    login_as(presider_http, "presider")
    delegate_http = app.test_client()
    login_as(delegate_http, make.member("王喆"))
    presider, delegate = socket_client(presider_http), socket_client(delegate_http)

    ack = delegate.emit("agenda:state", {"sitting_id": sitting.id}, callback=True)
    assert ack["ok"] and ack["state"]["item_id"] is None
    delegate.get_received()

    ack = presider.emit("agenda:move", {"sitting_id": sitting.id, "step": 1}, callback=True)
    assert ack == {"ok": True, "item_id": first.id}
    got = [e["args"][0] for e in delegate.get_received() if e["name"] == "agenda:current"]
    assert got and got[-1]["item_id"] == first.id and got[-1]["title"] == "宣布开幕" and got[-1]["number"] == 1

    ack = presider.emit("agenda:move", {"sitting_id": sitting.id, "item_id": second.id}, callback=True)
    assert ack["ok"]
    got = [e["args"][0] for e in delegate.get_received() if e["name"] == "agenda:current"]
    assert got[-1]["item_id"] == second.id

    # a delegate may not move the item
    ack = delegate.emit("agenda:move", {"sitting_id": sitting.id, "step": 1}, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    # past the end
    ack = presider.emit("agenda:move", {"sitting_id": sitting.id, "step": 1}, callback=True)
    assert ack["ok"] is False and ack["error"] == "agenda_end"

    # a delegate who reconnects lands on the current item
    delegate.disconnect()
    again = socket_client(delegate_http)
    ack = again.emit("agenda:state", {"sitting_id": sitting.id}, callback=True)
    assert ack["state"]["item_id"] == second.id and ack["state"]["title"] == "听取工作报告"
    page = delegate_http.get(f"/agenda/sittings/{sitting.id}/view").get_data(as_text=True)
    assert re.search(rf'class="item current" data-item-id="{second.id}"', page)


def test_live_state_lists_only_documents_the_viewer_may_open(app, staff_client, login_as, make, sitting):
    item = add(staff_client, sitting, "审议报告")
    insider, outsider = make.member("甲委员", member_no="IN1"), make.member("乙委员", member_no="OUT1")
    from tests.web.test_documents import make_pdf

    for title, people in (("公开文件", None), ("定向文件", "IN1")):
        data = {"file": (io.BytesIO(make_pdf()), "a.pdf"), "title": title, "target": f"i:{item.id}",
                "audience_kind": "people" if people else "all", "audience_people": people or "", "publish": "1"}
        assert staff_client.post(f"/agenda/meetings/{sitting.meeting_id}/documents", data=data,
                                 content_type="multipart/form-data", headers=JSON).status_code == 200
    staff_client.post(f"/agenda/sittings/{sitting.id}/current", json={"item_id": item.id})
    for member, expected in ((insider, {"公开文件", "定向文件"}), (outsider, {"公开文件"})):
        client = app.test_client()
        login_as(client, member)
        state = client.get(f"/agenda/sittings/{sitting.id}/state").get_json()["state"]
        assert {d["title"] for d in state["documents"]} == expected


def test_delegate_home_is_light(app, staff_client, login_as, make, sitting):
    add(staff_client, sitting, "宣布开幕")
    staff_client.post(f"/agenda/sittings/{sitting.id}/publish")
    member = make.member("欧阳少东")
    client = app.test_client()
    login_as(client, member)
    res = client.get("/me/")
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "欧阳少东" in html and "宣布开幕" in html
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    total = len(res.data)
    for asset in assets:
        got = client.get(asset)
        assert got.status_code == 200, asset
        total += len(got.data)
        got.close()
    assert "bootstrap" not in " ".join(assets)
    assert total < 300 * 1024, f"delegate home page loads {total} bytes"


def test_agenda_and_schedule_pdfs(app, staff_client, login_as, make, sitting):
    add(staff_client, sitting, "听取和审议常务委员会工作报告", "副主席")
    staff_client.post(f"/agenda/sittings/{sitting.id}/publish")
    res = staff_client.get(f"/agenda/meetings/{sitting.meeting_id}/agenda.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(res.data)).pages)
    assert "听取和审议常务委员会工作报告" in text and "开幕会" in text
    res = staff_client.get(f"/agenda/meetings/{sitting.meeting_id}/schedule.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(res.data)).pages)
    assert "日程" in text and "开幕会" in text
