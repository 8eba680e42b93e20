"""姓氏笔画 (surname stroke order) sorting of Chinese personal names.

Pure module: standard library only, no app context. The data is the committed table
``data/strokes.tsv`` (see ``data/PROVENANCE.md``), loaded lazily on first use and cached.

Order of two characters (DOMAIN.md, "Ordering and seating conventions"):

1. total stroke count, fewer first;
2. on a tie, the strokes one by one in writing order, 横1 竖2 撇3 点4 折5 — together with the
   remaining GF 3003-1999 tie-break this is the character's position in the table's stroke-count group;
3. characters whose position inside their stroke-count group is not known (rare characters outside the
   cn-sort data, e.g. 𬌗) come after the known ones of the same count, in code point order;
4. characters not in the table at all (Latin letters, digits, unassigned code points, ...) come after every
   character in the table, in code point order. Nothing raises.

Names: whitespace and separator dots (· • ・ ． and friends) are ignored, NFC-normalised (so a CJK
compatibility ideograph sorts as its unified twin). Names compare character by character.

* ``"cppcc"`` (default, 政协): a one-character given name leaves an empty slot that sorts before any
  character, so ``田富`` is compared as 田 ∅ 富 and comes before 田大利. The same holds after a 复姓:
  ``欧阳修`` is 欧 阳 ∅ 修. A 复姓 is recognised from :data:`COMPOUND_SURNAMES` when the name has three
  characters; two-character names are always surname + given name. Names written with a separator dot
  (minority names such as 阿沛·阿旺晋美) get no empty slot.
* ``"npc"`` (人大 姓名笔画): plain character by character, so 田大利 comes before 田富.

A 复姓 sorts by its first character like any surname (欧阳少东 < 洪少东, since 欧 has 8 strokes and
洪 9).
"""
from __future__ import annotations

import enum
import threading
import unicodedata
from pathlib import Path
from typing import Iterable

__all__ = [
    "COMPOUND_SURNAMES",
    "Convention",
    "char_key",
    "sort_key",
    "sort_names",
    "stroke_count",
]

TABLE_PATH = Path(__file__).resolve().parent / "data" / "strokes.tsv"


class Convention(enum.StrEnum):
    """Name-list convention. Plain strings ``"cppcc"`` / ``"npc"`` are accepted everywhere."""

    CPPCC = "cppcc"
    NPC = "npc"


# Common 复姓 (two-character surnames). Only used to decide whether a three-character name is
# 复姓 + one-character given name (which gets the CPPCC empty slot) or surname + two-character name.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 端木 西门 南宫 独孤 夏侯 轩辕
    呼延 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 钟离 闻人 万俟 赫连 拓跋 百里 东郭 南门 羊舌
    微生 梁丘 左丘 谷梁 第五 司空 司寇 亓官 巫马 公西 漆雕 乐正 壤驷 公良 段干 闾丘 子车 颛孙 公羊
    东门 公户 公玉 公仪 梁余 公仲 公上 公门 公山 公坚 左人 伯赏 南郭 呼衍 归海 羊角 即墨 达奚 褚师
    拓拔 叱干 贺兰 完颜 耶律 爱新觉罗
    歐陽 司馬 諸葛 長孫 令狐 西門 南宮 獨孤 軒轅 澹臺 鍾離 聞人 赫連 百里 東郭 東方 東門 南門 皇甫
    """.split()
)

# Characters dropped before comparing: separator dots of transcribed minority / foreign names.
SEPARATOR_DOTS = frozenset("·•・．‧∙⋅･.\u2e31\u16eb\u0387")

_STROKE_SHIFT = 24  # weight = strokes << 24 | position; positions stay below 2**23
_TAIL_BASE = 1 << 22  # tail characters: code point order after the ranked ones
_UNKNOWN_BASE = 1 << 40  # characters outside the table: after everything, code point order
_EMPTY_SLOT = 0  # the CPPCC empty given-name slot: before every character

_lock = threading.Lock()
_weights: dict[str, int] | None = None
_strokes: dict[str, int] | None = None


def _load() -> tuple[dict[str, int], dict[str, int]]:
    """Read the table once; return (char -> weight, char -> stroke count)."""
    global _weights, _strokes
    if _weights is not None and _strokes is not None:
        return _weights, _strokes
    with _lock:
        if _weights is None or _strokes is None:
            weights: dict[str, int] = {}
            strokes: dict[str, int] = {}
            with TABLE_PATH.open(encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip() or line.startswith("#"):
                        continue
                    count_s, kind, chars = line.rstrip("\n").split("\t")
                    count = int(count_s)
                    base = count << _STROKE_SHIFT
                    if kind == "ranked":
                        for pos, ch in enumerate(chars, 1):
                            weights[ch] = base | pos
                    elif kind == "tail":
                        for ch in chars:
                            weights[ch] = base | _TAIL_BASE | ord(ch)
                    else:  # pragma: no cover - guarded by the build script
                        raise ValueError(f"strokes.tsv: unknown row kind {kind!r}")
                    for ch in chars:
                        strokes[ch] = count
            _strokes = strokes
            _weights = weights
    return _weights, _strokes


def _clean(name: str) -> tuple[str, bool]:
    """Drop whitespace and separator dots; return (clean name, had a separator dot)."""
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    if not name.isascii():
        name = unicodedata.normalize("NFC", name)
    had_dot = False
    out = []
    for ch in name:
        if ch in SEPARATOR_DOTS:
            had_dot = True
        elif not ch.isspace():
            out.append(ch)
    return "".join(out), had_dot


def char_key(char: str) -> int:
    """Sort weight of one character (smaller sorts first). Never raises for a 1-char string."""
    weights, _ = _load()
    w = weights.get(char)
    if w is None:
        char = unicodedata.normalize("NFC", char)
        w = weights.get(char)
        if w is None:
            return _UNKNOWN_BASE + (ord(char) if len(char) == 1 else 0x110000)
    return w


def _is_cppcc(convention: str) -> bool:
    if convention == "cppcc":  # fast path (Convention.CPPCC == "cppcc" too)
        return True
    if convention == "npc":
        return False
    return _convention(convention) is Convention.CPPCC


def _convention(convention: str) -> Convention:
    try:
        return Convention(str(convention).lower())
    except ValueError:
        raise ValueError(f"unknown convention {convention!r}: use 'cppcc' or 'npc'") from None


def sort_key(name: str, convention: str = "cppcc") -> tuple:
    """Key for ``sorted(..., key=...)``: ``(weights tuple, cleaned name, original name)``.

    The last two members only break ties between names that compare equal (e.g. ``田富`` and
    ``田 富``), so the result does not depend on the input order.
    """
    weights, strokes = _weights, _strokes
    if weights is None or strokes is None:
        weights, strokes = _load()
    return _key(name, _is_cppcc(convention), weights, strokes)


def _key(name: str, cppcc: bool, weights: dict[str, int], _strokes: dict[str, int]) -> tuple:
    clean, had_dot = _clean(name)
    get = weights.get
    ws = []
    for ch in clean:
        w = get(ch)
        ws.append(w if w is not None else _UNKNOWN_BASE + ord(ch))
    if cppcc and not had_dot:
        n = len(clean)
        if n == 2:
            ws.insert(1, _EMPTY_SLOT)
        elif n == 3 and clean[:2] in COMPOUND_SURNAMES:
            ws.insert(2, _EMPTY_SLOT)
    return (tuple(ws), clean, name if isinstance(name, str) else str(name))


def sort_names(names: Iterable[str], convention: str = "cppcc") -> list[str]:
    """Return the names in 姓氏笔画 order (a new list; the input is not modified)."""
    cppcc = _is_cppcc(convention)
    weights, strokes = _load()
    return sorted(names, key=lambda n: _key(n, cppcc, weights, strokes))


def stroke_count(char: str) -> int | None:
    """Total stroke count of one character, or None when the table does not know it.

    Raises ValueError unless ``char`` is exactly one character (after NFC normalisation).
    """
    if not isinstance(char, str) or len(unicodedata.normalize("NFC", char)) != 1:
        raise ValueError(f"stroke_count expects exactly one character, got {char!r}")
    _, strokes = _load()
    n = strokes.get(char)
    if n is None:
        n = strokes.get(unicodedata.normalize("NFC", char))
    return n
