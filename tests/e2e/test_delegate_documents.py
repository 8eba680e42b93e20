"""On a phone: a delegate logs in, opens today's agenda, opens a document; the read receipt appears live on the
secretariat's page."""
import pytest

from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.e2e


def test_delegate_reads_document_and_secretariat_sees_receipt(live_server, phone, page):
    with live_server.app_context():
        from conference.accounts.services import member_pin
        from conference.agenda.models import Document
        from conference.extensions import db
        from conference.meetings.models import Meeting
        from conference.registration.models import Member, MemberKind
        from conference.timeutil import utcnow

        meeting = db.session.scalar(db.select(Meeting))
        today = utcnow().astimezone(__import__("conference.timeutil", fromlist=["CHINA"]).CHINA).date()
        meeting.starts_on = today                         # the demo meeting starts tomorrow: make it today
        opening = meeting.sittings[0]
        opening.starts_at, opening.ends_at = utcnow(), None
        db.session.commit()
        member = db.session.scalar(db.select(Member).where(Member.kind == MemberKind.MEMBER).order_by(Member.id))
        number, pin, name = member.member_no, member_pin(member), member.name
        doc = db.session.scalar(db.select(Document).where(Document.title == "政协常务委员会工作报告"))
        doc_id, sitting_id = doc.id, opening.id

    # the secretariat watches the receipts page
    staff_login(page, live_server.url, "mishu")
    page.goto(f"{live_server.url}/agenda/documents/{doc_id}/receipts")
    assert name in page.locator("#unread-list").inner_text()
    page.wait_for_function("window.io && document.readyState === 'complete'")

    # the delegate, on a phone
    phone.goto(f"{live_server.url}/login")
    phone.fill("#member-member_no", number)
    phone.fill("#member-pin", pin)
    phone.get_by_role("button", name="委员登录").click()
    phone.wait_for_url("**/me/")
    today_card = phone.locator('[data-card="today"]')
    assert "今日会议" in today_card.inner_text()
    today_card.locator(f'[data-sitting-id="{sitting_id}"] a', has_text="议程与文件").click()
    phone.wait_for_url(f"**/agenda/sittings/{sitting_id}/view")
    assert "听取和审议政协常务委员会工作报告" in phone.content()
    phone.get_by_role("link", name="［文件］政协常务委员会工作报告").first.click()
    phone.wait_for_url(f"**/agenda/documents/{doc_id}")
    first_page = phone.locator("img.page-img").first
    first_page.wait_for(state="visible")
    phone.wait_for_function("document.querySelector('img.page-img').naturalWidth > 0")
    assert phone.get_by_role("link", name="下载（带本人水印）").count() == 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"document page scrolls sideways on a phone ({width}px)"

    # the receipt shows up on the secretariat's page without a reload
    page.locator("#read-table").get_by_text(name).wait_for(timeout=10_000)
    assert name not in page.locator("#unread-list").inner_text()
