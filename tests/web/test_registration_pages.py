"""Registration pages over HTTP: roster, member form, 补办证件, 界别/讨论组, import flow, names sort, 报到, 请假 and roles."""
from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from conference.accounts.services import login_token, member_pin
from conference.audit.models import AuditEntry
from conference.extensions import db
from conference.meetings.models import Body
from conference.registration import services
from conference.registration.models import Arrival, Group, Leave, LeaveStatus, Member, Sector
from conference.registration.sectors import NATIONAL_SECTORS
from conference.timeutil import utcnow

HEADER = ["姓名", "性别", "民族", "出生年月", "界别", "党派", "工作单位及职务", "委员证号", "手机", "职务", "类别", "讨论组"]


def xlsx(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def audit_actions(prefix: str) -> list[str]:
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                                 .order_by(AuditEntry.id))]


# ---- roster ------------------------------------------------------------------------------------------------

def test_roster_lists_in_stroke_order_with_filters(app, make, staff_client):
    a, b = make.sector("经济界", 2), make.sector("中国共产党", 1)
    make.member("田大利", sector=a, member_no="3")
    make.member("田富", sector=a, member_no="2")
    make.member("丁一", sector=b, member_no="1", committee_role="副主席")
    make.member("王敏", sector=b, member_no="4", kind="列席")
    html = staff_client.get("/roster").get_data(as_text=True)
    assert html.index("丁一") < html.index("王敏") < html.index("田富") < html.index("田大利")
    html = staff_client.get(f"/roster?sector_id={a.id}").get_data(as_text=True)
    assert "田富" in html and "丁一" not in html
    html = staff_client.get("/roster?kind=列席").get_data(as_text=True)
    assert "王敏" in html and "田富" not in html
    html = staff_client.get("/roster?committee_role=副主席").get_data(as_text=True)
    assert "丁一" in html and "王敏" not in html
    html = staff_client.get("/roster?q=田").get_data(as_text=True)
    assert "田富" in html and "丁一" not in html
    html = staff_client.get("/roster?q=4").get_data(as_text=True)
    assert "王敏" in html and "田富" not in html
    html = staff_client.get("/roster?order=sector").get_data(as_text=True)
    assert html.index("中国共产党</th>") < html.index("经济界</th>") and html.index("丁一") < html.index("田富")


def test_roster_of_3000_pages_quickly(app, make, staff_client):
    import time

    make.members(3000)
    started = time.perf_counter()
    r = staff_client.get("/roster?page=30")
    elapsed = time.perf_counter() - started
    assert r.status_code == 200 and "共 3000 人" in r.get_data(as_text=True)
    assert elapsed < 3.0


def test_member_form_validates_and_saves(app, make, staff_client):
    sector = make.sector("经济界")
    make.member("李强", member_no="150002")
    form = {"name": "王 敏", "gender": "女", "ethnicity": "汉族", "birth_month": "1968年5月", "sector_id": sector.id,
            "party": "民建会员", "employer": "某公司", "member_no": "150001", "phone": "13912345678",
            "committee_role": "常委", "kind": "委员", "group_id": 0, "active": "y"}
    r = staff_client.post("/roster/new", data={**form, "phone": "12345678901"})
    assert r.status_code == 200 and "手机号不正确" in r.get_data(as_text=True)
    r = staff_client.post("/roster/new", data={**form, "birth_month": "不详"})
    assert "出生年月无法识别" in r.get_data(as_text=True)
    r = staff_client.post("/roster/new", data={**form, "member_no": "150002"})
    assert "已被其他委员使用" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1
    r = staff_client.post("/roster/new", data=form)
    assert r.status_code == 302
    member = db.session.scalar(select(Member).where(Member.member_no == "150001"))
    assert member.name == "王敏" and member.birth_month == date(1968, 5, 1) and member.committee_role.value == "常委"
    assert member.sector_id == sector.id
    page = staff_client.get(f"/roster/{member.id}").get_data(as_text=True)
    assert member_pin(member) in page and login_token(member) in page and 'value="1968.05"' in page


def test_reissue_credentials_is_audited_and_revokes_old_pass(app, make, staff_client):
    member = make.member("王敏")
    old_token, old_pin = login_token(member), member_pin(member)
    r = staff_client.post(f"/roster/{member.id}/reissue")
    assert r.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.credential_version == 2 and login_token(member) != old_token
    assert audit_actions("member.reissue") == ["member.reissue"]
    assert app.test_client().get(f"/t/{old_token}").status_code == 401
    page = staff_client.get(f"/roster/{member.id}").get_data(as_text=True)
    assert member_pin(member) in page and (old_pin == member_pin(member) or old_pin not in page)


def test_sectors_management(app, make, staff_client):
    r = staff_client.post("/roster/sectors/reset-national")
    assert r.status_code == 302
    names = [s.name for s in services.list_sectors()]
    assert names == list(NATIONAL_SECTORS)
    r = staff_client.post("/roster/sectors/reset-national", headers={"Referer": "http://localhost/roster/sectors"})
    assert r.status_code == 302
    assert len(services.list_sectors()) == 34  # refused: the table is not empty
    assert "界别表不为空" in staff_client.get("/roster/sectors").get_data(as_text=True)
    second = services.list_sectors()[1]
    staff_client.post(f"/roster/sectors/{second.id}/up")
    db.session.expire_all()
    assert [s.name for s in services.list_sectors()][:2] == ["中国国民党革命委员会", "中国共产党"]
    staff_client.post(f"/roster/sectors/{second.id}/rename", data={"name": "民革"})
    staff_client.post("/roster/sectors", data={"name": "港澳台侨界"})
    db.session.expire_all()
    names = [s.name for s in services.list_sectors()]
    assert names[0] == "民革" and names[-1] == "港澳台侨界"
    used = services.list_sectors()[2]
    make.member("王敏", sector=used)
    r = staff_client.post(f"/roster/sectors/{used.id}/delete", headers={"Referer": "http://localhost/roster/sectors"})
    assert db.session.get(Sector, used.id) is not None
    assert "sector.reset_national" in audit_actions("sector.")


def test_groups_management(app, staff_client):
    staff_client.post("/roster/groups", data={"name": "第一组"})
    staff_client.post("/roster/groups", data={"name": "第二组"})
    r = staff_client.post("/roster/groups", data={"name": "第一组"}, headers={"Referer": "http://localhost/roster/groups"})
    assert r.status_code == 302
    assert [g.name for g in services.list_groups()] == ["第一组", "第二组"]
    g2 = services.list_groups()[1]
    staff_client.post(f"/roster/groups/{g2.id}/up")
    db.session.expire_all()
    assert [g.name for g in services.list_groups()] == ["第二组", "第一组"]
    staff_client.post(f"/roster/groups/{g2.id}/delete")
    db.session.expire_all()
    assert [g.name for g in services.list_groups()] == ["第一组"]


# ---- import over HTTP ----------------------------------------------------------------------------------------

def upload(client, data: bytes, name="roster.xlsx"):
    return client.post("/roster/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_import_flow_preview_confirm(app, make, staff_client):
    make.sector("经济界")
    make.member("王敏", member_no="1", phone="13900000000")
    bad = xlsx([["王敏", "1", "经济界", "13911111111"], ["", "2", "经济界", ""], ["李强", "3", "火星界", "1"]],
               header=["姓名", "委员证号", "界别", "手机"])
    r = upload(staff_client, bad)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "未导入任何数据" in html
    assert "第3行" in html and "姓名不能为空" in html and "第4行" in html and "火星界" in html and "手机号" in html
    with staff_client.session_transaction() as s:
        assert "roster_import" not in s

    r = upload(staff_client, b"\x89PNG\r\n\x1a\n\x00\x00", name="roster.xlsx")
    assert r.status_code == 400 and 'data-code="not_spreadsheet"' in r.get_data(as_text=True)

    good = xlsx([["王敏", "1", "经济界", "13911111111"], ["李强", "3", "", ""]], header=["姓名", "委员证号", "界别", "手机"])
    r = upload(staff_client, good)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="count-added">1<' in html and 'id="count-changed">1<' in html
    assert "13900000000" in html and "13911111111" in html
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1  # preview writes nothing
    digest = html.split('name="digest" type="hidden" value="')[1].split('"')[0]

    r = staff_client.post("/roster/import/confirm", data={"digest": "0" * 32},
                          headers={"Referer": "http://localhost/roster/import"})
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1  # stale digest refused
    r = staff_client.post("/roster/import/confirm", data={"digest": digest})
    assert r.status_code == 302 and r.headers["Location"].endswith("/roster")
    db.session.expire_all()
    assert db.session.scalar(select(Member.phone).where(Member.member_no == "1")) == "13911111111"
    assert db.session.scalar(select(func.count()).select_from(Member)) == 2
    # the pending file is gone: confirming again does nothing
    r = staff_client.post("/roster/import/confirm", data={"digest": digest}, headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.get_json()["error"] == "no_pending_import"


def test_pending_file_tampered_is_refused(app, make, staff_client):
    make.sector("经济界")
    upload(staff_client, xlsx([["王敏", "1"]], header=["姓名", "委员证号"]))
    with staff_client.session_transaction() as s:
        ref = s["roster_import"]
    (services_pending := app.config["UPLOAD_DIR"] / "roster-pending" / f"{ref['id']}.bin").write_bytes(
        xlsx([["坏人", "666"]], header=["姓名", "委员证号"]))
    r = staff_client.post("/roster/import/confirm", data={"digest": "x"}, headers={"Accept": "application/json"})
    assert r.get_json()["error"] == "pending_tampered"
    assert db.session.scalar(select(func.count()).select_from(Member)) == 0
    assert services_pending.exists()


def test_export_download(app, make, staff_client):
    make.member("田大利", member_no="2")
    make.member("田富", member_no="1")
    r = staff_client.get("/roster/export.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert [c.value for c in ws["A"]] == ["姓名", "田富", "田大利"]


@pytest.mark.parametrize("path", ["/roster", "/roster/import", "/names/sort", "/leaves", "/roster/sectors",
                                  "/roster/export.xlsx"])
def test_secretariat_only_pages(app, make, login_as, path):
    for who in ("checkin", make.member()):
        client = app.test_client()
        login_as(client, who)
        assert client.get(path).status_code == 403


# ---- names sort ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("convention, first, second", [("cppcc", "田富", "田大利"), ("npc", "田大利", "田富")])
def test_names_sort_page(app, staff_client, convention, first, second):
    r = staff_client.post("/names/sort", data={"names": "田大利、田富，丁一\n欧阳少东 洪少东", "convention": convention})
    html = r.get_data(as_text=True)
    table = html.split('id="sorted-table"')[1]
    assert table.index("丁一") < table.index(first) < table.index(second) < table.index("欧阳少东") < table.index("洪少东")
    assert "田5" in table and "富12" in table and "丁2" in table
    assert 'data-copy="#sorted-names"' in html


# ---- 报到 ---------------------------------------------------------------------------------------------------

def test_arrivals_register_list_undo(app, make, login_as):
    meeting = make.meeting()
    s1, s2 = make.sector("经济界", 1), make.sector("教育界", 2)
    wang = make.member("王敏", sector=s1, member_no="1")
    li = make.member("李强", sector=s2, member_no="2")
    make.member("列席甲", kind="列席", member_no="L1")
    client = app.test_client()
    login_as(client, "checkin")
    html = client.get(f"/arrivals?meeting_id={meeting.id}").get_data(as_text=True)
    assert 'id="count-registered">0<' in html and 'id="count-pending">3<' in html
    r = client.post(f"/arrivals/{meeting.id}/register", data={"member_id": wang.id, "lodging": "1208 房", "dining": "清真"})
    assert r.status_code == 302
    r = client.post(f"/arrivals/{meeting.id}/register", data={"member_id": wang.id},
                    headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.get_json()["error"] == "already_registered"
    arrival = db.session.scalar(select(Arrival))
    assert arrival.lodging == "1208 房" and arrival.dining == "清真" and "员工" in arrival.recorded_by
    html = client.get(f"/arrivals?meeting_id={meeting.id}").get_data(as_text=True)
    assert 'id="count-registered">1<' in html and "1208 房" in html
    html = client.get(f"/arrivals?meeting_id={meeting.id}&sector_id={s2.id}").get_data(as_text=True)
    pending = html.split('id="pending-table"')[1].split("</table>")[0]
    assert "李强" in pending and "列席甲" not in pending
    html = client.get(f"/arrivals?q=李").get_data(as_text=True)  # default: the current meeting
    assert 'placeholder="住宿"' in html and "李强" in html
    r = client.post(f"/arrivals/{meeting.id}/{wang.id}/undo")
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Arrival)) == 0
    assert audit_actions("arrival.") == ["arrival.register", "arrival.undo"]
    delegate = app.test_client()
    login_as(delegate, li)
    assert delegate.post(f"/arrivals/{meeting.id}/register", data={"member_id": li.id}).status_code == 403


# ---- 请假 ---------------------------------------------------------------------------------------------------

@pytest.fixture
def leave_setup(make):
    meeting = make.meeting(starts_on=date.today(), ends_on=date.today() + timedelta(days=2))
    upcoming = make.sitting(meeting, "第二次全体会议", starts_at=utcnow() + timedelta(days=1),
                            ends_at=utcnow() + timedelta(days=1, hours=3))
    ended = make.sitting(meeting, "开幕会", starts_at=utcnow() - timedelta(hours=5), ends_at=utcnow() - timedelta(hours=2))
    group = Group(name="第一组", position=1)
    db.session.add(group)
    db.session.commit()
    group_sitting = make.sitting(meeting, "分组讨论", starts_at=utcnow() + timedelta(days=1), body=Body.GROUP,
                                 group_id=group.id)
    wang = make.member("王敏", member_no="1")
    li = make.member("李强", member_no="2")
    guest = make.member("列席甲", kind="列席", member_no="L1")
    return dict(meeting=meeting, upcoming=upcoming, ended=ended, group_sitting=group_sitting, wang=wang, li=li,
                guest=guest)


def test_delegate_files_and_withdraws_leave(app, login_as, leave_setup):
    d = leave_setup
    phone = app.test_client()
    login_as(phone, d["wang"])
    html = phone.get("/me/leave").get_data(as_text=True)
    assert "第二次全体会议" in html and "开幕会" not in html and "分组讨论" not in html  # ended / not expected
    r = phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": ""})
    assert "请填写请假事由" in r.get_data(as_text=True)
    r = phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": "出差"})
    assert r.status_code == 302
    leave = db.session.scalar(select(Leave))
    assert leave.status == LeaveStatus.PENDING and leave.member_id == d["wang"].id
    r = phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": "再次"},
                   headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.get_json()["error"] == "already_filed"
    for sitting, code in ((d["ended"], "sitting_ended"), (d["group_sitting"], "not_expected")):
        r = phone.post("/me/leave", data={"sitting_id": sitting.id, "reason": "事"},
                       headers={"Accept": "application/json"})
        assert r.status_code == 400 and r.get_json()["error"] == code
    home = phone.get("/me/").get_data(as_text=True)
    assert 'data-card="leave"' in home and "我的请假" in home and "待审批" in home
    assert phone.post(f"/me/leave/{leave.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Leave, leave.id).status == LeaveStatus.WITHDRAWN
    # withdrawn: may file again
    assert phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": "改期出差"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Leave, leave.id).status == LeaveStatus.PENDING
    assert audit_actions("leave.") == ["leave.file", "leave.withdraw", "leave.file"]


def test_leave_roles(app, login_as, leave_setup):
    d = leave_setup
    wang_phone, li_phone = app.test_client(), app.test_client()
    login_as(wang_phone, d["wang"])
    login_as(li_phone, d["li"])
    wang_phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": "出差"})
    leave = db.session.scalar(select(Leave))
    # a delegate cannot approve, cannot see the staff list, cannot withdraw someone else's leave
    assert wang_phone.post(f"/leaves/{leave.id}/approve").status_code == 403
    assert li_phone.get("/leaves").status_code == 403
    assert li_phone.get(f"/sittings/{d['upcoming'].id}/leaves").status_code == 403
    assert li_phone.post(f"/me/leave/{leave.id}/withdraw").status_code == 404
    # cannot file for someone else: the form has no member field, staff-only endpoint refuses delegates
    r = li_phone.post("/leaves", data={"member_no": "1", "sitting_id": d["upcoming"].id, "reason": "代"})
    assert r.status_code == 403
    r = li_phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": "自己", "member_id": d["wang"].id})
    assert r.status_code == 302
    assert {lv.member_id for lv in db.session.scalars(select(Leave))} == {d["wang"].id, d["li"].id}
    # staff cannot use the delegate's page
    staff = app.test_client()
    login_as(staff, "secretariat")
    assert staff.get("/me/leave").status_code == 403
    db.session.expire_all()
    assert db.session.get(Leave, leave.id).status == LeaveStatus.PENDING


def test_staff_decide_and_file_on_behalf(app, login_as, leave_setup):
    d = leave_setup
    phone = app.test_client()
    login_as(phone, d["wang"])
    phone.post("/me/leave", data={"sitting_id": d["upcoming"].id, "reason": "出差"})
    leave = db.session.scalar(select(Leave))
    staff = app.test_client()
    login_as(staff, "secretariat")
    r = staff.post("/leaves", data={"member_no": "2", "sitting_id": d["upcoming"].id, "reason": "电话请假", "approve": "y"})
    assert r.status_code == 302
    r = staff.post("/leaves", data={"member_no": "L1", "sitting_id": d["upcoming"].id, "reason": "x"},
                   headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.get_json()["error"] == "not_expected"
    html = staff.get(f"/leaves?meeting_id={d['meeting'].id}").get_data(as_text=True).split('id="leaves-table"')[1]
    assert html.index("王敏") < html.index("李强")  # pending first
    html = staff.get(f"/sittings/{d['upcoming'].id}/leaves").get_data(as_text=True)
    assert "出差" in html and "电话请假" in html
    r = staff.post(f"/leaves/{leave.id}/refuse", data={"note": "会议重要，请安排出席"})
    assert r.status_code == 302
    r = staff.post(f"/leaves/{leave.id}/approve", data={"note": ""}, headers={"Accept": "application/json"})
    assert r.status_code == 409 and r.get_json()["error"] == "already_decided"
    db.session.expire_all()
    assert services.approved_leave_ids(d["upcoming"]) == {d["li"].id}
    refused = db.session.get(Leave, leave.id)
    assert refused.status == LeaveStatus.REFUSED and refused.decision_note == "会议重要，请安排出席"
    assert phone.post(f"/me/leave/{leave.id}/withdraw", headers={"Accept": "application/json"}).status_code == 409
    assert audit_actions("leave.") == ["leave.file", "leave.file", "leave.approve", "leave.refuse"]
    assert "审批意见：会议重要，请安排出席" in phone.get("/me/leave").get_data(as_text=True)
