"""The delegate's phone: one home page that the other domains add their cards to."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts.roles import Role
from ..meetings import services as meetings
from ..web import current_member, roles_required

bp = Blueprint("delegate", __name__, url_prefix="/me")


@bp.get("/")
@roles_required(Role.DELEGATE)
def home():
    member = current_member()
    meeting = meetings.current_meeting()
    return render_template("delegate/home.html", member=member, meeting=meeting,
                           cards=delegate_cards(member, meeting))


# Other domains append callables (member, meeting) -> list[dict(title, html)] to build the home page.
CARD_PROVIDERS: list = []


def delegate_cards(member, meeting) -> list:
    cards = []
    for provider in CARD_PROVIDERS:
        cards.extend(provider(member, meeting) or [])
    return sorted(cards, key=lambda c: c.get("order", 50))
