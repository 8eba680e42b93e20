#!/usr/bin/env python3
"""Build the embedded TrueType fonts in static/fonts/ from Debian packages.

reportlab embeds only TrueType (glyf) outlines, so the Fandol fonts (CFF OpenType) are
converted with fontTools (cubic -> quadratic curves via cu2qu). Two fallback fonts cover
characters that Fandol (GB2312 + a few thousand) lacks:

* ``CJKFallback-BMP.ttf``: AR PL UMing CN, subset to the BMP CJK ideographs (Ext-A, URO,
  compatibility) that FandolSong lacks (镕, 喆, ...).
* ``CJKFallback-Ext.ttf``: HanaMinB (Hanazono, OFL 1.1), subset to CJK Ext-C, Ext-D and
  Ext-E (U+2A700..U+2CEAF), where most 通用规范汉字表 characters outside the BMP live
  (𬌗 U+2C317, 𫖮 U+2B5AE, 𫐄 U+2B404 ...).

Sources (Debian bookworm, fetched with ``apt-get download``):

* texlive-lang-chinese 2022.20230122-1 -> Fandol v0.3 (GPL v3 + font exception)
* fonts-arphic-uming 0.2.20080216.2-11 -> AR PL UMing CN (Arphic Public License)
* fonts-hanazono 20170904-2.1 -> HanaMinB (Hanazono Font License or SIL OFL 1.1)

Usage: ``python scripts/build_fonts.py [--work /tmp/fontbuild]`` (root not needed:
``apt-get download`` works as any user with a writable directory). Takes about a minute.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "fonts"

PACKAGES = ["texlive-lang-chinese", "fonts-arphic-uming", "fonts-hanazono"]
FANDOL_DIR = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
FANDOL = {
    # output file        source file
    "FandolSong-Regular.ttf": "FandolSong-Regular.otf",
    "FandolSong-Bold.ttf": "FandolSong-Bold.otf",
    "FandolFang-Regular.ttf": "FandolFang-Regular.otf",
    "FandolHei-Regular.ttf": "FandolHei-Regular.otf",
    "FandolKai-Regular.ttf": "FandolKai-Regular.otf",
}
UMING = "usr/share/fonts/truetype/arphic/uming.ttc"  # face 0 = AR PL UMing CN
HANAMIN_B = "usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
EXT_RANGES = [(0x2A700, 0x2CEAF)]  # Ext-C, Ext-D, Ext-E
BMP_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]

MAX_ERR = 1.0  # cu2qu tolerance in font units (em = 1000)


def fetch(work: Path) -> tuple[Path, dict[str, str]]:
    debs = work / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    tree = work / "tree"
    versions = {}
    for pkg in PACKAGES:
        found = glob.glob(str(debs / f"{pkg}_*.deb"))
        if not found:
            subprocess.run(["apt-get", "download", pkg], cwd=debs, check=True)
            found = glob.glob(str(debs / f"{pkg}_*.deb"))
        deb = found[0]
        versions[pkg] = subprocess.run(
            ["dpkg-deb", "-f", deb, "Version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run(["dpkg-deb", "-x", deb, str(tree)], check=True)
    return tree, versions


def otf_to_ttf(src: Path, dst: Path) -> None:
    """Convert CFF outlines to glyf, keeping only glyphs reachable from the cmap."""
    font = TTFont(str(src))
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True
    tmp = dst.with_suffix(".tmp.ttf")
    font.save(str(tmp))
    # round-trip through the subsetter to drop unmapped (CID-only) glyphs and layout tables
    subset_font(tmp, dst, unicodes=None)
    tmp.unlink()


def subset_font(src: Path, dst: Path, unicodes, font_number: int = 0, rename: str | None = None) -> int:
    font = TTFont(str(src), fontNumber=font_number)
    cmap = font.getBestCmap()
    chars = sorted(cmap) if unicodes is None else sorted(c for c in unicodes if c in cmap)
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.glyph_names = False
    opts.drop_tables += ["EBDT", "EBLC", "EBSC", "BDF ", "FFTM", "meta", "vhea", "vmtx", "VORG",
                         "GSUB", "GPOS", "GDEF"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=chars)
    sub.subset(font)
    if rename:
        name = font["name"]
        for rec in list(name.names):
            if rec.nameID in (1, 3, 4, 16):
                rec.string = rename.replace("-", " ") if rec.nameID in (1, 4, 16) else rename
            elif rec.nameID == 6:
                rec.string = rename
    font.save(str(dst))
    return len(chars)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/fontbuild")
    ap.add_argument("--skip-existing", action="store_true", help="keep converted Fandol files")
    args = ap.parse_args()
    work = Path(args.work)
    tree, versions = fetch(work)
    OUT.mkdir(parents=True, exist_ok=True)

    for out, src in FANDOL.items():
        if args.skip_existing and (OUT / out).exists():
            continue
        print("convert", src, flush=True)
        otf_to_ttf(tree / FANDOL_DIR / src, OUT / out)

    fandol_chars = set(TTFont(str(OUT / "FandolSong-Regular.ttf")).getBestCmap())
    bmp = [c for lo, hi in BMP_RANGES for c in range(lo, hi + 1) if c not in fandol_chars]
    n = subset_font(tree / UMING, OUT / "CJKFallback-BMP.ttf", bmp, 0, rename="CJKFallback-BMP")
    print("CJKFallback-BMP (AR PL UMing CN):", n, "characters")
    ext = [c for lo, hi in EXT_RANGES for c in range(lo, hi + 1)]
    n = subset_font(tree / HANAMIN_B, OUT / "CJKFallback-Ext.ttf", ext, 0, rename="CJKFallback-Ext")
    print("CJKFallback-Ext (HanaMinB):", n, "characters")

    lic = OUT / "licenses"
    lic.mkdir(exist_ok=True)
    with gzip.open(tree / "usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz", "rb") as fh:
        (lic / "Fandol-COPYING-GPL3.txt").write_bytes(fh.read())
    shutil.copy(tree / "usr/share/doc/texlive-doc/fonts/fandol/README", lic / "Fandol-README.txt")
    shutil.copy(tree / "usr/share/doc/fonts-arphic-uming/copyright", lic / "ARPL-UMing-copyright.txt")
    for f in (tree / "usr/share/doc/fonts-arphic-uming/license/english").glob("*"):
        if f.suffix == ".gz":
            with gzip.open(f, "rb") as fh:
                (lic / f"ARPL-{f.stem}").write_bytes(fh.read())
        else:
            shutil.copy(f, lic / f"ARPL-{f.name}")
    shutil.copy(tree / "usr/share/doc/fonts-hanazono/copyright", lic / "Hanazono-copyright.txt")
    (OUT / "SOURCES.txt").write_text(
        "".join(f"{k} {v}\n" for k, v in sorted(versions.items())), encoding="utf-8")
    for f in sorted(OUT.glob("*.ttf")):
        print(f"{f.name:28s} {f.stat().st_size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
