"""The secretariat imports a roster in the browser: a file with a bad row is refused with the list of errors,
the corrected file shows a preview, and confirming imports it."""
import io

import openpyxl
import pytest

from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.e2e

HEADER = ["姓名", "性别", "出生年月", "界别", "委员证号", "手机", "职务", "类别", "讨论组"]


def workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_upload_bad_then_fixed_roster_and_confirm(live_server, page):
    with live_server.app_context():
        from conference.extensions import db
        from conference.registration.models import Member

        existing = db.session.scalar(db.select(Member).where(Member.kind == "委员").order_by(Member.id))
        existing_no, existing_name = existing.member_no, existing.name
    rows = [["欧阳晓东", "男", "1968.05", "经济界", "E2E001", "13905310001", "委员", "委员", "第一组"],
            [existing_name, "", "", "", existing_no, "13905319999", "", "", ""],
            ["田丽", "女", "1975年3月", "火星界", "E2E002", "1390531", "委员", "委员", "第二组"]]
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    staff_login(page, live_server.url, "mishu")
    page.goto(f"{live_server.url}/roster")
    page.get_by_role("link", name="导入名册").click()
    assert page.locator("#import-form").get_attribute("data-progress")
    page.set_input_files("#file", files=[{"name": "名册.xlsx", "mimeType": xlsx_mime, "buffer": workbook(rows)}])
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("#row-errors")
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() == 2
    assert "火星界" in errors.nth(0).inner_text() and "第4行" in errors.nth(0).inner_text()
    assert "手机" in errors.nth(1).inner_text()
    assert "未导入任何数据" in page.locator("#row-errors-summary").inner_text()

    rows[2][3], rows[2][5] = "教育界", "13905310002"
    page.set_input_files("#file", files=[{"name": "名册.xlsx", "mimeType": xlsx_mime, "buffer": workbook(rows)}])
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("#preview")
    assert page.locator("#count-added").inner_text() == "2"
    assert page.locator("#count-changed").inner_text() == "1"
    assert "13905319999" in page.locator("#preview-changed").inner_text()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/roster")
    assert "名册已导入：新增 2 人，更新 1 人" in page.content()
    page.fill("#q", "E2E00")
    page.get_by_role("button", name="筛选").click()
    assert page.locator("#roster-table tbody tr").count() == 2

    with live_server.app_context():
        from conference.extensions import db
        from conference.registration.models import Member

        assert db.session.scalar(db.select(Member.phone).where(Member.member_no == existing_no)) == "13905319999"
