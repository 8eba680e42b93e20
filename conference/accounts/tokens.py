"""Signed, versioned, compact tokens for QR codes. Pure: standard library only.

Layout (9 bytes payload + 16 bytes MAC = 25 bytes → 40 base32 characters, QR version 3, alphanumeric mode):
  kind (1) | key id (1) | subject id (4, big-endian) | version/extra (3)
MAC = HMAC-SHA256(key[kid], payload) truncated to 128 bits. Reissuing bumps the version; retiring a key id
refuses a whole batch.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass

KIND_LOGIN = "L"      # personal login link/QR of a delegate
KIND_CHECKIN = "C"    # check-in pass of a delegate
KIND_SITTING = "S"    # rotating self check-in code of a sitting (extra = time window)

_PAYLOAD = struct.Struct(">cBI3s")
_MAC_LEN = 16


class TokenError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: str
    key_id: int
    subject: int
    extra: int


def derive_key(secret: str, key_id: int) -> bytes:
    return hmac.new(secret.encode(), f"qr-token-key:{key_id}".encode(), hashlib.sha256).digest()


def sign(kind: str, subject: int, extra: int, *, key_id: int, key: bytes) -> str:
    if not (0 <= subject < 2**32 and 0 <= extra < 2**24 and 0 <= key_id < 256):
        raise ValueError("token field out of range")
    payload = _PAYLOAD.pack(kind.encode(), key_id, subject, extra.to_bytes(3, "big"))
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_LEN]
    return base64.b32encode(payload + mac).decode().rstrip("=")


def verify(text: str, keys: dict[int, bytes], *, kind: str | None = None) -> Token:
    """Return the token or raise TokenError with a code: malformed / unknown_key / forged / wrong_kind."""
    raw = (text or "").strip().upper().replace(" ", "")
    if "/" in raw:  # a URL carrying the token as its last path segment
        raw = raw.rstrip("/").rsplit("/", 1)[-1]
    try:
        data = base64.b32decode(raw + "=" * (-len(raw) % 8))
    except (ValueError, TypeError):
        raise TokenError("malformed", "无法识别的二维码") from None
    if len(data) != _PAYLOAD.size + _MAC_LEN:
        raise TokenError("malformed", "无法识别的二维码")
    payload, mac = data[:_PAYLOAD.size], data[_PAYLOAD.size:]
    kind_b, key_id, subject, extra = _PAYLOAD.unpack(payload)
    key = keys.get(key_id)
    if key is None:
        raise TokenError("unknown_key", "证件批次已作废")
    if not hmac.compare_digest(hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_LEN], mac):
        raise TokenError("forged", "二维码签名无效（伪造或损坏）")
    token = Token(kind_b.decode(errors="replace"), key_id, subject, int.from_bytes(extra, "big"))
    if kind is not None and token.kind != kind:
        raise TokenError("wrong_kind", "二维码类型不符")
    return token


def pin_for(secret: str, member_id: int, version: int) -> str:
    """A 6-digit PIN derived from the key: printable on the pass, changed by reissue, never stored."""
    digest = hmac.new(secret.encode(), f"pin:{member_id}:{version}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"
