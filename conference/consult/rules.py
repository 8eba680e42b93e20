"""码上商量 rules, standard library only: suggestion validation, the duplicate fingerprint, phone masking,
topic and moderation state machines, export cell safety. Tested as plain functions (tests/unit/test_consult_rules.py).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

TEXT_MIN = 5
TEXT_MAX = 2000
NAME_MAX = 40
FIELD_MAX = 40
ANSWER_MAX = 5000
MIN_MEANINGFUL = 2  # letters or digits a suggestion must contain (emoji-only / punctuation-only is refused)


class RuleError(ValueError):
    """A refusal with a machine code and a Chinese sentence; services turn it into a DomainError."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# ---- topics --------------------------------------------------------------------------------------------

class TopicStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REPORTED = "reported"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "open": "征集中", "closed": "已截止", "reported": "已报送"}[self.value]


TOPIC_TRANSITIONS = {
    TopicStatus.DRAFT: {TopicStatus.OPEN},
    TopicStatus.OPEN: {TopicStatus.CLOSED},
    TopicStatus.CLOSED: {TopicStatus.OPEN, TopicStatus.REPORTED},
    TopicStatus.REPORTED: set(),
}


def topic_transition(current: str, target: str) -> TopicStatus:
    current, target = TopicStatus(current), TopicStatus(target)
    if target not in TOPIC_TRANSITIONS[current]:
        raise RuleError("bad_transition", f"议题状态不能从“{current.label}”改为“{target.label}”")
    return target


def accepting(status: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> tuple[bool, str]:
    """Whether a topic takes suggestions now, and why not (the sentence shown to the public)."""
    if status == TopicStatus.DRAFT:
        return False, "该议题尚未发布"
    if status != TopicStatus.OPEN:
        return False, "该议题的意见征集已结束，感谢关注"
    if opens_at is not None and now < opens_at:
        return False, "该议题的意见征集尚未开始"
    if closes_at is not None and now >= closes_at:
        return False, "该议题的意见征集已结束，感谢关注"
    return True, ""


def questions_list(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---- suggestion text --------------------------------------------------------------------------------------

_CONTROL = {"Cc", "Cf", "Co", "Cs", "Cn"}


def clean_text(text: str | None) -> str:
    """Drop control/format characters (keeps newlines and tabs), unify line ends, trim each end."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def normalize(text: str) -> str:
    """Text for the duplicate check: width/case folded, only letters and digits kept."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:32]


def validate_text(text: str | None) -> str:
    """The cleaned suggestion, or RuleError with a clear reason."""
    cleaned = clean_text(text)
    if not cleaned:
        raise RuleError("empty", "请填写您的意见建议")
    if len(cleaned) < TEXT_MIN:
        raise RuleError("too_short", f"意见建议太短，请至少写 {TEXT_MIN} 个字")
    if len(cleaned) > TEXT_MAX:
        raise RuleError("too_long", f"意见建议不能超过 {TEXT_MAX} 字（现有 {len(cleaned)} 字）")
    if len(normalize(cleaned)) < MIN_MEANINGFUL:
        raise RuleError("no_words", "请用文字描述您的意见建议")
    return cleaned


# ---- phone ---------------------------------------------------------------------------------------------

_PHONE = re.compile(r"1[3-9]\d{9}")


def normalize_phone(raw: str | None) -> str:
    """'' for no phone; the 11 digits for a valid mainland mobile number; RuleError otherwise."""
    value = re.sub(r"[\s\-()（）]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not value:
        return ""
    if not _PHONE.fullmatch(value):
        raise RuleError("bad_phone", "手机号码格式不正确，请填写 11 位手机号（如 13812341234），或留空")
    return value


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


# ---- moderation ----------------------------------------------------------------------------------------

class Visibility(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return {"pending": "待审核", "published": "已公开", "hidden": "已隐藏", "merged": "已合并"}[self.value]


class HandlingStatus(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    ANSWERED = "answered"
    NOT_ADOPTED = "not_adopted"

    @property
    def label(self) -> str:
        return {"received": "已收到", "accepted": "已采纳", "answered": "已答复", "not_adopted": "未采纳"}[self.value]


class HideReason(StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"

    @property
    def label(self) -> str:
        return {"spam": "垃圾信息", "offensive": "不当言论", "off_topic": "与议题无关"}[self.value]


ACTIONS = ("publish", "hide", "merge", "accept", "not_adopt", "answer", "reopen", "tag", "assign")
ACTION_LABELS = {"publish": "公开", "hide": "隐藏", "merge": "合并", "accept": "采纳", "not_adopt": "不予采纳",
                 "answer": "答复", "reopen": "重新办理", "tag": "标签", "assign": "交办"}

V, H = Visibility, HandlingStatus
# action → (visibilities it may start from, handling statuses it may start from, new visibility, new status);
# None in the result keeps the current value.
MODERATION = {
    "publish": ({V.PENDING, V.HIDDEN}, set(H), V.PUBLISHED, None),
    "hide": ({V.PENDING, V.PUBLISHED}, set(H), V.HIDDEN, None),
    "merge": ({V.PENDING, V.PUBLISHED, V.HIDDEN}, set(H), V.MERGED, None),
    "accept": ({V.PENDING, V.PUBLISHED}, {H.RECEIVED, H.NOT_ADOPTED}, None, H.ACCEPTED),
    "not_adopt": ({V.PENDING, V.PUBLISHED, V.HIDDEN}, {H.RECEIVED, H.ACCEPTED}, None, H.NOT_ADOPTED),
    "answer": ({V.PENDING, V.PUBLISHED}, {H.RECEIVED, H.ACCEPTED, H.ANSWERED}, None, H.ANSWERED),
    "reopen": ({V.PENDING, V.PUBLISHED, V.HIDDEN}, {H.ANSWERED, H.NOT_ADOPTED}, None, H.RECEIVED),
    "tag": ({V.PENDING, V.PUBLISHED, V.HIDDEN}, set(H), None, None),
    "assign": ({V.PENDING, V.PUBLISHED, V.HIDDEN}, set(H), None, None),
}


@dataclass(frozen=True)
class Outcome:
    visibility: Visibility
    status: HandlingStatus


def moderate(visibility: str, status: str, action: str, *, reason: str | None = None, answer: str | None = None,
             merge_into: tuple[int, str] | None = None, own_id: int | None = None) -> Outcome:
    """The state after ``action``, or RuleError. ``merge_into`` is (kept suggestion id, its visibility)."""
    if action not in MODERATION:
        raise RuleError("bad_action", "未知的审核操作")
    visibility, status = Visibility(visibility), HandlingStatus(status)
    from_v, from_s, to_v, to_s = MODERATION[action]
    label = ACTION_LABELS[action]
    if visibility not in from_v:
        raise RuleError("bad_transition", f"“{visibility.label}”的意见不能{label}")
    if status not in from_s:
        raise RuleError("bad_transition", f"“{status.label}”的意见不能{label}")
    if action == "hide":
        if reason not in {r.value for r in HideReason}:
            raise RuleError("reason_required", "请选择隐藏原因（垃圾信息 / 不当言论 / 与议题无关）")
    if action == "answer":
        text = clean_text(answer)
        if not text:
            raise RuleError("answer_required", "请填写答复内容")
        if len(text) > ANSWER_MAX:
            raise RuleError("too_long", f"答复不能超过 {ANSWER_MAX} 字")
    if action == "merge":
        if merge_into is None:
            raise RuleError("merge_target", "请选择要合并到的意见")
        target_id, target_visibility = merge_into
        if target_id == own_id:
            raise RuleError("merge_target", "不能合并到自身")
        if Visibility(target_visibility) == V.MERGED:
            raise RuleError("merge_target", "目标意见已被合并，请合并到保留的那条")
    return Outcome(to_v or visibility, to_s or status)


def parse_tags(text: str | None) -> list[str]:
    """'交通, 教育；养老' → ['交通', '教育', '养老'] (unique, each ≤ 20 characters, at most 10)."""
    tags: list[str] = []
    for part in re.split(r"[,，;；、\s]+", text or ""):
        part = clean_text(part)[:20]
        if part and part not in tags:
            tags.append(part)
    return tags[:10]


# ---- exports -------------------------------------------------------------------------------------------

def safe_cell(value):
    """Keep spreadsheet programs from running text as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def allowed_actions(visibility: str, status: str) -> set[str]:
    """The actions a moderator may take now (the page shows only these buttons)."""
    v, s = Visibility(visibility), HandlingStatus(status)
    return {action for action, (from_v, from_s, _, _) in MODERATION.items() if v in from_v and s in from_s}
