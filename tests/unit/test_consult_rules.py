"""码上商量 pure rules: text validation, duplicate fingerprint, phone, topic and moderation state machines."""
from datetime import datetime, timedelta, timezone

import pytest

from conference.consult import rules
from conference.consult.rules import RuleError

NOW = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, code", [
    ("", "empty"),
    ("   \n\t ", "empty"),
    (None, "empty"),
    ("太短", "too_short"),
    ("😀😀😀😀😀😀😀", "no_words"),
    ("！！！？？？。。。", "no_words"),
    ("好" * 2001, "too_long"),
])
def test_bad_text_is_refused_with_a_code(text, code):
    with pytest.raises(RuleError) as excinfo:
        rules.validate_text(text)
    assert excinfo.value.code == code
    assert excinfo.value.message  # a Chinese sentence for the person


@pytest.mark.parametrize("text, cleaned", [
    ("  建议增加公交线路  ", "建议增加公交线路"),
    ("建议\r\n增加\r\n\r\n\r\n\r\n公交", "建议\n增加\n\n公交"),
    ("建议\u200b增加\x00公交线路", "建议增加公交线路"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # kept as text; escaped on output
    ("好" * 2000, "好" * 2000),
])
def test_good_text_is_cleaned(text, cleaned):
    assert rules.validate_text(text) == cleaned


def test_fingerprint_ignores_case_width_space_and_punctuation():
    a = rules.fingerprint("建议增加 公交线路！ABC")
    assert a == rules.fingerprint("建议增加公交线路abc")
    assert a == rules.fingerprint("建议，增加公交线路　ＡＢＣ。")
    assert a != rules.fingerprint("建议减少公交线路abc")
    assert len(a) == 32


@pytest.mark.parametrize("raw, phone", [
    ("", ""), (None, ""), ("13812341234", "13812341234"), (" 138-1234-1234 ", "13812341234"),
    ("+8619912341234", "19912341234"), ("008615012341234", "15012341234"),
])
def test_phone_accepted(raw, phone):
    assert rules.normalize_phone(raw) == phone


@pytest.mark.parametrize("raw", ["12812341234", "1381234123", "138123412345", "abcdefghijk", "010-12345678",
                                 "<script>", "1381234123x"])
def test_phone_refused(raw):
    with pytest.raises(RuleError) as excinfo:
        rules.normalize_phone(raw)
    assert excinfo.value.code == "bad_phone"


@pytest.mark.parametrize("phone, masked", [("13812341234", "138****1234"), ("", ""), ("12345", "*****")])
def test_mask_phone(phone, masked):
    assert rules.mask_phone(phone) == masked


# ---- topic state ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("current, target, ok", [
    ("draft", "open", True), ("draft", "closed", False), ("draft", "reported", False),
    ("open", "closed", True), ("open", "draft", False), ("open", "reported", False),
    ("closed", "open", True), ("closed", "reported", True), ("closed", "draft", False),
    ("reported", "open", False), ("reported", "closed", False),
])
def test_topic_transitions(current, target, ok):
    if ok:
        assert rules.topic_transition(current, target) == target
    else:
        with pytest.raises(RuleError) as excinfo:
            rules.topic_transition(current, target)
        assert excinfo.value.code == "bad_transition"


@pytest.mark.parametrize("status, opens, closes, ok", [
    ("open", None, None, True),
    ("open", NOW - timedelta(days=1), NOW + timedelta(days=1), True),
    ("open", NOW + timedelta(hours=1), None, False),
    ("open", None, NOW, False),
    ("open", None, NOW - timedelta(seconds=1), False),
    ("draft", None, None, False),
    ("closed", None, None, False),
    ("reported", None, None, False),
])
def test_accepting(status, opens, closes, ok):
    accepted, why = rules.accepting(status, opens, closes, NOW)
    assert accepted is ok
    assert bool(why) is not ok


# ---- moderation ----------------------------------------------------------------------------------------

P, PUB, HID, MER = "pending", "published", "hidden", "merged"
REC, ACC, ANS, NOT = "received", "accepted", "answered", "not_adopted"

# (visibility, status, action, kwargs, expected (visibility, status) or error code)
MODERATION_CASES = [
    (P, REC, "publish", {}, (PUB, REC)),
    (HID, REC, "publish", {}, (PUB, REC)),
    (PUB, REC, "publish", {}, "bad_transition"),
    (MER, REC, "publish", {}, "bad_transition"),
    (P, REC, "hide", {"reason": "spam"}, (HID, REC)),
    (PUB, ANS, "hide", {"reason": "offensive"}, (HID, ANS)),
    (PUB, REC, "hide", {"reason": "off_topic"}, (HID, REC)),
    (PUB, REC, "hide", {}, "reason_required"),
    (PUB, REC, "hide", {"reason": "boring"}, "reason_required"),
    (HID, REC, "hide", {"reason": "spam"}, "bad_transition"),
    (P, REC, "merge", {"merge_into": (2, PUB), "own_id": 1}, (MER, REC)),
    (HID, REC, "merge", {"merge_into": (2, P), "own_id": 1}, (MER, REC)),
    (P, REC, "merge", {"merge_into": (1, PUB), "own_id": 1}, "merge_target"),
    (P, REC, "merge", {"merge_into": (2, MER), "own_id": 1}, "merge_target"),
    (P, REC, "merge", {}, "merge_target"),
    (MER, REC, "merge", {"merge_into": (2, PUB), "own_id": 1}, "bad_transition"),
    (PUB, REC, "accept", {}, (PUB, ACC)),
    (PUB, NOT, "accept", {}, (PUB, ACC)),
    (PUB, ANS, "accept", {}, "bad_transition"),
    (HID, REC, "accept", {}, "bad_transition"),
    (PUB, REC, "not_adopt", {}, (PUB, NOT)),
    (PUB, ACC, "not_adopt", {}, (PUB, NOT)),
    (PUB, ANS, "not_adopt", {}, "bad_transition"),
    (PUB, REC, "answer", {"answer": "已转交有关部门"}, (PUB, ANS)),
    (PUB, ACC, "answer", {"answer": "已采纳"}, (PUB, ANS)),
    (PUB, ANS, "answer", {"answer": "补充答复"}, (PUB, ANS)),
    (P, REC, "answer", {"answer": "答复"}, (P, ANS)),
    (PUB, REC, "answer", {"answer": "  "}, "answer_required"),
    (PUB, REC, "answer", {"answer": "长" * 5001}, "too_long"),
    (PUB, NOT, "answer", {"answer": "答复"}, "bad_transition"),
    (HID, REC, "answer", {"answer": "答复"}, "bad_transition"),
    (MER, REC, "answer", {"answer": "答复"}, "bad_transition"),
    (PUB, ANS, "reopen", {}, (PUB, REC)),
    (PUB, NOT, "reopen", {}, (PUB, REC)),
    (PUB, REC, "reopen", {}, "bad_transition"),
    (PUB, REC, "tag", {}, (PUB, REC)),
    (MER, REC, "tag", {}, "bad_transition"),
    (HID, ANS, "assign", {}, (HID, ANS)),
    (PUB, REC, "explode", {}, "bad_action"),
]


@pytest.mark.parametrize("visibility, status, action, kwargs, expected", MODERATION_CASES)
def test_moderation_table(visibility, status, action, kwargs, expected):
    if isinstance(expected, tuple):
        outcome = rules.moderate(visibility, status, action, **kwargs)
        assert (outcome.visibility, outcome.status) == expected
        if action in rules.MODERATION:
            assert action in rules.allowed_actions(visibility, status)
    else:
        with pytest.raises(RuleError) as excinfo:
            rules.moderate(visibility, status, action, **kwargs)
        assert excinfo.value.code == expected
        if expected == "bad_transition":
            assert action not in rules.allowed_actions(visibility, status)


def test_parse_tags():
    assert rules.parse_tags("交通, 教育；养老、交通  ") == ["交通", "教育", "养老"]
    assert rules.parse_tags("") == []
    assert len(rules.parse_tags(",".join(f"t{i}" for i in range(30)))) == 10


@pytest.mark.parametrize("value, safe", [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"),
                                         ("普通文字", "普通文字"), (5, 5), ("", "")])
def test_safe_cell(value, safe):
    assert rules.safe_cell(value) == safe
