"""Who sees what: audiences of documents and notices. Pure: standard library only.

An audience is a small JSON-able dict ``{"kind": ..., "values": [...]}``:

========  ======================================  ============================
kind      who                                      values
========  ======================================  ============================
all       every active delegate (委员 and 列席)     —
members   委员 only (列席 excluded)                 —
role      委员 whose 职务 is one of the values      CommitteeRole values (主席 …)
sector    delegates of the listed 界别              sector ids
group     delegates of the listed 讨论组            group ids
people    the named delegates                      member ids
========  ======================================  ============================
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

KINDS = ("all", "members", "role", "sector", "group", "people")
KIND_LABELS = {"all": "全体（含列席）", "members": "全体委员（不含列席）", "role": "按职务", "sector": "按界别",
               "group": "按讨论组", "people": "指定人员"}
ATTENDEE = "列席"


@dataclass(frozen=True)
class Person:
    """What an audience rule needs to know about a delegate."""
    id: int
    kind: str                 # 委员 / 列席
    committee_role: str       # 主席 / 副主席 / 秘书长 / 常委 / 委员
    sector_id: int | None = None
    group_id: int | None = None
    active: bool = True


class AudienceError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def normalize(kind: str, values: Iterable = ()) -> dict:
    """A checked audience dict; raises AudienceError on an unknown kind or a missing choice."""
    kind = (kind or "").strip()
    if kind not in KINDS:
        raise AudienceError("bad_audience", "请选择文件或通知的发送范围")
    if kind in ("all", "members"):
        return {"kind": kind, "values": []}
    cleaned: list = []
    for value in values or ():
        if value in (None, ""):
            continue
        if kind != "role":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise AudienceError("bad_audience", "发送范围中有无效的选项") from None
        else:
            value = str(value)
        if value not in cleaned:
            cleaned.append(value)
    if not cleaned:
        raise AudienceError("audience_empty", f"“{KIND_LABELS[kind]}”须至少选择一项")
    return {"kind": kind, "values": sorted(cleaned, key=str) if kind != "people" else sorted(cleaned)}


def matches(audience: dict, person: Person) -> bool:
    if not person.active:
        return False
    kind, values = audience.get("kind"), audience.get("values") or []
    if kind == "all":
        return True
    if kind == "members":
        return person.kind != ATTENDEE
    if kind == "role":
        return person.kind != ATTENDEE and person.committee_role in values
    if kind == "sector":
        return person.sector_id in values
    if kind == "group":
        return person.group_id in values
    if kind == "people":
        return person.id in values
    return False


def select(audience: dict, people: Iterable[Person]) -> list[Person]:
    return [p for p in people if matches(audience, p)]


def describe(audience: dict, names: dict | None = None) -> str:
    """A short Chinese description; ``names`` maps (kind, value) → a display name."""
    kind, values = audience.get("kind"), audience.get("values") or []
    if kind in ("all", "members"):
        return KIND_LABELS[kind]
    names = names or {}
    shown = [str(names.get((kind, v), v)) for v in values]
    if kind == "people":
        head = "、".join(shown[:5]) + (f"等{len(shown)}人" if len(shown) > 5 else "")
        return f"指定人员：{head}"
    return f"{KIND_LABELS[kind]}：" + "、".join(shown)
