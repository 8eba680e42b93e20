"""A delegate logs in on a phone with the login link from the pass; staff log in with a password."""
import pytest

from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.e2e


def test_delegate_logs_in_with_pin_on_phone(live_server, phone):
    with live_server.app_context():
        from conference.accounts.services import member_pin
        from conference.extensions import db
        from conference.registration.models import Member

        member = db.session.scalar(db.select(Member).order_by(Member.id))
        number, pin, name = member.member_no, member_pin(member), member.name
    phone.goto(f"{live_server.url}/login")
    phone.fill("#member-member_no", number)
    phone.fill("#member-pin", pin)
    phone.get_by_role("button", name="委员登录").click()
    phone.wait_for_url("**/me/")
    assert name in phone.content()


def test_staff_login_shows_dashboard(live_server, page):
    staff_login(page, live_server.url, "mishu")
    assert "工作台" in page.content()
    assert "政协第十五届济南市委员会第五次会议" in page.content()
