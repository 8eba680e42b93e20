"""Two delegates' phones and the presider's console in Chromium: the vote appears by itself on the phones,
each votes and gets a receipt, turnout reaches the console live, the presider closes and publishes, and the
result appears on the phones and the big screen."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.e2e


def test_live_vote_two_phones_and_presider(live_server, browser, page):
    with live_server.app_context():
        from conference.accounts.services import login_token
        from conference.checkin.models import CheckIn, Method
        from conference.extensions import db
        from conference.registration.models import Member, MemberKind
        from conference.timeutil import utcnow
        from conference.voting.models import Vote

        vote = db.session.scalar(db.select(Vote).where(Vote.kind == "motion").order_by(Vote.id))
        sitting_id, vote_id, title = vote.sitting_id, vote.id, vote.title
        members = db.session.scalars(db.select(Member).where(Member.kind == MemberKind.MEMBER)
                                     .order_by(Member.id).limit(3)).all()
        for m in members:
            db.session.add(CheckIn(sitting_id=sitting_id, member_id=m.id, scanned_at=utcnow(), method=Method.MANUAL))
        db.session.commit()
        tokens = [login_token(m) for m in members[:2]]

    phones = []
    for token in tokens:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True)
        phone = context.new_page()
        phone.goto(f"{live_server.url}/t/{token}")
        phone.goto(f"{live_server.url}/voting/sittings/{sitting_id}/vote")
        expect(phone.locator("#conn")).to_have_text("已连接")
        expect(phone.locator("#waiting")).to_be_visible()
        phones.append(phone)

    staff_login(page, live_server.url, "zhuchi")
    page.goto(f"{live_server.url}/voting/sittings/{sitting_id}")
    page.locator(f'tr[data-vote-id="{vote_id}"]').get_by_role("button", name="开始投票").click()
    expect(page.locator("#turnout-electorate")).to_have_text("3")

    for phone, choice in zip(phones, ["赞成", "反对"]):
        expect(phone.locator("#ballot-title")).to_have_text(title)  # pushed, no reload
        phone.get_by_role("button", name=choice).click()
        phone.get_by_role("button", name="确认提交").click()
        expect(phone.locator("#confirmation")).to_be_visible()
        expect(phone.locator("#my-choice")).to_have_text(choice)
        expect(phone.locator("#my-receipt")).to_have_text(re.compile(rf"^V{vote_id}-"))

    expect(page.locator("#turnout-voted")).to_have_text("2", timeout=5000)  # live, coalesced turnout

    # a phone that reloads (slept) is told it already voted
    phones[0].reload()
    expect(phones[0].locator("#already-note")).to_be_visible()

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="结束投票").click()
    for phone in phones:
        expect(phone.locator("#closed")).to_be_visible()
    page.locator(f'tr[data-vote-id="{vote_id}"]').get_by_role("button", name="公布结果").click()
    for phone in phones:
        expect(phone.locator("#result-verdict")).to_have_text("未通过")  # 1 of 60 members
        expect(phone.locator("#result-body")).to_contain_text("赞成 1，反对 1，弃权 0，未按 1")

    screen = browser.new_context(locale="zh-CN").new_page()
    staff_login(screen, live_server.url, "daping")
    screen.goto(f"{live_server.url}/voting/sittings/{sitting_id}/screen")
    expect(screen.locator("#result-verdict")).to_have_text("未通过")
    expect(screen.locator("#screen-rule")).to_contain_text("以全体委员过半数赞成通过（通过所需票数：31）")
