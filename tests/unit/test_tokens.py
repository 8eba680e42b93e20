import base64

import pytest

from conference.accounts import tokens
from conference.accounts.roles import Role, allowed

KEY = tokens.derive_key("secret", 1)
KEYS = {1: KEY}


def test_round_trip_is_compact_base32():
    text = tokens.sign(tokens.KIND_CHECKIN, 1234, 7, key_id=1, key=KEY)
    assert len(text) == 40 and text.isalnum() and text.upper() == text
    token = tokens.verify(text, KEYS, kind=tokens.KIND_CHECKIN)
    assert (token.kind, token.subject, token.extra, token.key_id) == ("C", 1234, 7, 1)


@pytest.mark.parametrize("mutate, code", [
    (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "forged"),
    (lambda t: t[:20], "malformed"),
    (lambda t: "not a token!", "malformed"),
    (lambda t: "", "malformed"),
])
def test_bad_tokens_are_refused_with_a_code(mutate, code):
    text = tokens.sign(tokens.KIND_CHECKIN, 5, 1, key_id=1, key=KEY)
    with pytest.raises(tokens.TokenError) as excinfo:
        tokens.verify(mutate(text), KEYS)
    assert excinfo.value.code == code


def test_payload_tampering_is_forged():
    text = tokens.sign(tokens.KIND_CHECKIN, 5, 1, key_id=1, key=KEY)
    raw = bytearray(base64.b32decode(text + "=" * (-len(text) % 8)))
    raw[5] ^= 1  # another member id
    forged = base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(tokens.TokenError) as excinfo:
        tokens.verify(forged, KEYS)
    assert excinfo.value.code == "forged"


def test_retired_key_and_wrong_kind():
    text = tokens.sign(tokens.KIND_LOGIN, 5, 1, key_id=2, key=tokens.derive_key("secret", 2))
    with pytest.raises(tokens.TokenError) as excinfo:
        tokens.verify(text, KEYS)
    assert excinfo.value.code == "unknown_key"
    text = tokens.sign(tokens.KIND_LOGIN, 5, 1, key_id=1, key=KEY)
    with pytest.raises(tokens.TokenError) as excinfo:
        tokens.verify(text, KEYS, kind=tokens.KIND_CHECKIN)
    assert excinfo.value.code == "wrong_kind"


def test_url_form_is_accepted():
    text = tokens.sign(tokens.KIND_LOGIN, 9, 3, key_id=1, key=KEY)
    assert tokens.verify(f"https://host/t/{text.lower()}", KEYS).subject == 9


def test_pin_changes_with_version():
    assert tokens.pin_for("s", 1, 1) != tokens.pin_for("s", 1, 2)
    assert len(tokens.pin_for("s", 1, 1)) == 6


@pytest.mark.parametrize("role, required, expected", [
    (Role.SECRETARIAT, (Role.CHECKIN,), True),
    (Role.SECRETARIAT, (Role.DELEGATE,), False),
    (Role.CHECKIN, (Role.SECRETARIAT,), False),
    (Role.PRESIDER, (Role.PRESIDER,), True),
    (Role.DELEGATE, (Role.DELEGATE,), True),
    (Role.SCREEN, (Role.PRESIDER,), False),
    (None, (Role.DELEGATE,), False),
])
def test_role_table(role, required, expected):
    assert allowed(role, required) is expected
