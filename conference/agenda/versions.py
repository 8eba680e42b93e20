"""Agenda versions: a snapshot per published version and what changed between two. Pure.

A snapshot is ``{"items": [{"id", "title", "presenter", "planned", "documents": [titles]}, ...]}`` in order.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Change:
    kind: str          # added / removed / retitled / presenter / time / moved / documents
    item_id: int
    title: str
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)


def _number(index: int) -> str:
    return f"第{index + 1}项"


def diff(old: dict | None, new: dict) -> list[Change]:
    """Changes from ``old`` to ``new`` (``old`` None: the first version, every item is new)."""
    old_items = list((old or {}).get("items") or [])
    new_items = list(new.get("items") or [])
    old_by_id = {item["id"]: item for item in old_items}
    new_by_id = {item["id"]: item for item in new_items}
    changes: list[Change] = []
    for index, item in enumerate(new_items):
        if item["id"] not in old_by_id:
            changes.append(Change("added", item["id"], item["title"], f"新增{_number(index)}“{item['title']}”"))
    for item in old_items:
        if item["id"] not in new_by_id:
            changes.append(Change("removed", item["id"], item["title"], f"删除“{item['title']}”"))
    # order: compare positions among the items kept in both versions
    kept_old = [i["id"] for i in old_items if i["id"] in new_by_id]
    kept_new = [i["id"] for i in new_items if i["id"] in old_by_id]
    for item_id in kept_new:
        before, after = old_by_id[item_id], new_by_id[item_id]
        if before.get("title") != after.get("title"):
            changes.append(Change("retitled", item_id, after["title"],
                                  f"“{before['title']}”改为“{after['title']}”"))
        if (before.get("presenter") or "") != (after.get("presenter") or ""):
            changes.append(Change("presenter", item_id, after["title"],
                                  f"“{after['title']}”报告人/主持人由“{before.get('presenter') or '无'}”改为"
                                  f"“{after.get('presenter') or '无'}”"))
        if (before.get("planned") or "") != (after.get("planned") or ""):
            changes.append(Change("time", item_id, after["title"],
                                  f"“{after['title']}”时间由“{before.get('planned') or '未定'}”改为"
                                  f"“{after.get('planned') or '未定'}”"))
        if list(before.get("documents") or []) != list(after.get("documents") or []):
            changes.append(Change("documents", item_id, after["title"], f"“{after['title']}”的附件有变动"))
    if kept_old != kept_new:
        stayed = _stable(tuple(kept_old), tuple(kept_new))
        for item_id in kept_new:
            if item_id not in stayed:
                index = [i["id"] for i in new_items].index(item_id)
                changes.append(Change("moved", item_id, new_by_id[item_id]["title"],
                                      f"“{new_by_id[item_id]['title']}”调整为{_number(index)}"))
    return changes


def _stable(old_order: tuple, new_order: tuple) -> set:
    """The items that stayed put: a longest increasing run of old positions, taken in new order;
    the others are reported as moved (moving one item down reports that item, not its neighbours)."""
    positions = [old_order.index(i) for i in new_order]
    best: list[list[int]] = []
    for k, p in enumerate(positions):
        chain = max((c for c in best if positions[c[-1]] < p), key=len, default=[])
        best.append(chain + [k])
    keep = max(best, key=len, default=[])
    return {new_order[k] for k in keep}


def summary(changes: list[Change]) -> str:
    if not changes:
        return "无变动"
    return "；".join(c.detail for c in changes)
