"""A delegate finds their seat on a phone; a secretary sees the seat map drawn."""
import pytest

from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.e2e


def _seated_member(live_server):
    with live_server.app_context():
        from conference.accounts.services import member_pin
        from conference.extensions import db
        from conference.meetings.models import Sitting, SittingKind
        from conference.registration.models import Member, MemberKind
        from conference.seating import services

        sitting = db.session.scalar(db.select(Sitting).where(Sitting.kind == SittingKind.PLENARY).order_by(Sitting.starts_at))
        # the last voting member: on the floor (the first ones are the leaders on the rostrum)
        member = db.session.scalar(db.select(Member).where(Member.kind == MemberKind.MEMBER)
                                   .order_by(Member.id.desc()))
        return (sitting.id, member.member_no, member_pin(member), services.seat_label(sitting.id, member.id))


def test_delegate_sees_highlighted_seat_on_phone(live_server, phone):
    sitting_id, number, pin, label = _seated_member(live_server)
    assert label and label.startswith("主会场 ")
    phone.goto(f"{live_server.url}/login")
    phone.fill("#member-member_no", number)
    phone.fill("#member-pin", pin)
    phone.get_by_role("button", name="委员登录").click()
    phone.wait_for_url("**/me/")
    card = phone.locator('[data-card="seat"]')
    assert label in card.inner_text()
    card.get_by_role("link", name="查看座位图").click()
    phone.wait_for_url(f"**/seat/{sitting_id}")
    assert phone.locator("#seat-label").inner_text() == f"您的座位：{label}"
    seat = phone.locator("#my-seat")
    assert seat.is_visible()
    box = seat.bounding_box()
    assert box and box["width"] > 4 and 0 <= box["x"] <= 390        # drawn inside the phone screen
    assert seat.get_attribute("fill") == "#d62828"
    assert phone.locator("#nearest-entrance").inner_text().endswith("门")


def test_secretary_sees_seat_map_and_finds_a_person(live_server, page):
    sitting_id, number, pin, label = _seated_member(live_server)
    staff_login(page, live_server.url, "mishu")
    page.goto(f"{live_server.url}/seating/sittings/{sitting_id}")
    page.wait_for_selector("#seatmap svg g.seat.taken")
    assert page.locator("#seatmap g.seat").count() > 800
    name = page.locator("#seatmap g.seat.taken text").first.text_content()
    page.fill("#seat-search", name)
    assert page.locator("#seatmap g.seat.found").count() >= 1
    assert name in page.locator("#seatmap-status").inner_text()
