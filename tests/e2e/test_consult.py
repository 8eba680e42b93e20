"""码上商量 in a browser: a citizen on a phone leaves a suggestion; 秘书处 publishes and answers it; the answer shows."""
import re

import pytest

from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.e2e

TEXT = "建议在小区门口增设电动车充电桩，并安排专人管理，浏览器测试"


def test_phone_suggestion_published_and_answered(live_server, phone, page):
    phone.goto(f"{live_server.url}/s/dianti")
    assert "如何让老旧小区加装电梯更顺畅" in phone.title()
    # fits a phone: no horizontal scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.fill("#text", TEXT)
    assert phone.inner_text("#text-count") == str(len(TEXT))
    phone.fill("#name", "浏览器居民")
    phone.fill("#phone", "1381234")  # too short: refused with a clear message, text kept
    phone.check("#consent")
    phone.get_by_role("button", name="提交意见建议").click()
    assert "手机号码格式不正确" in phone.content()
    assert phone.input_value("#text") == TEXT
    phone.fill("#phone", "13812341234")
    phone.check("#consent")
    phone.get_by_role("button", name="提交意见建议").click()
    phone.wait_for_selector("text=您的意见建议已收到")
    assert TEXT not in phone.inner_text("#list")  # not public before moderation

    with live_server.app_context():
        from conference.consult.models import Suggestion
        from conference.extensions import db

        s = db.session.scalar(db.select(Suggestion).where(Suggestion.text == TEXT))
        assert (s.author_name, s.phone_masked, s.visibility) == ("浏览器居民", "138****1234", "pending")
        topic_id, sid = s.topic_id, s.id

    staff_login(page, live_server.url, "mishu")
    page.get_by_role("link", name="码上商量").first.click()
    page.locator("tr", has_text="如何让老旧小区加装电梯更顺畅").get_by_role("link", name="审核").click()
    page.wait_for_url(re.compile(rf".*/consult/{topic_id}/moderation.*"))
    card = page.locator(f"#s{sid}")
    assert "138****1234" in card.inner_text() and "13812341234" not in page.content()
    card.locator("button[data-action=publish]").click()
    page.wait_for_selector("text=公开完成")
    page.goto(f"{live_server.url}/consult/{topic_id}/moderation?v=published")
    card = page.locator(f"#s{sid}")
    card.locator("textarea[name=answer]").fill("感谢建议，街道将于下月完成充电桩建设。")
    card.locator("button[data-action=answer]").click()
    page.wait_for_selector("text=答复完成")
    assert "已答复" in page.locator(f"#s{sid}").inner_text()

    phone.goto(f"{live_server.url}/s/dianti")
    item = phone.locator(f"#s{sid}")
    assert TEXT in item.inner_text()
    assert "感谢建议，街道将于下月完成充电桩建设。" in item.locator(".answer").inner_text()
    assert "13812341234" not in phone.content() and "138****1234" not in phone.content()
