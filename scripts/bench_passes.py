#!/usr/bin/env python3
"""Benchmark: render N fixture passes (8 per A4 sheet, two QR codes each) and, in the same
run, a baseline of the same page count with plain text only (no QR codes).

Usage: python scripts/bench_passes.py [N]   (default 3000; target <= 60 s)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conference.pdf import renderers as R  # noqa: E402
from conference.pdf.data import Pass, PassBatch  # noqa: E402
from conference.pdf.fonts import register_fonts  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "建国立新红梅志强海燕晓东秀英玉兰文华明亮春生丽娟德胜光辉振华永刚秋菊桂芳镕喆"
SECTORS = ["中国共产党", "中国民主同盟", "无党派人士", "文化艺术界", "科学技术界", "经济界", "教育界", "医药卫生界"]


def batch(n: int) -> PassBatch:
    ps = []
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 5) % len(GIVEN)]
        if i == 5:
            name = "刘𬌗"
        ps.append(Pass(name, SECTORS[i % len(SECTORS)], f"JN15{i + 1:05d}",
                       f"https://cppcc.example.cn/c/1/{i:06d}.AbCdEfGhIjKlMnOpQrSt",
                       f"https://cppcc.example.cn/l/1/{i:06d}.UvWxYz0123456789abcd",
                       seat=f"{i // 30 + 1}排{i % 30 + 1}号" if i % 7 else None))
    return PassBatch("政协第十五届济南市委员会第一次会议", ps)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    register_fonts()
    b = batch(n)
    t0 = time.perf_counter()
    base = R.render_passes(b, qr=False)
    t1 = time.perf_counter()
    full = R.render_passes(b)
    t2 = time.perf_counter()
    pages = (n + 7) // 8
    print(f"passes: {n} on {pages} A4 sheets")
    print(f"baseline (text only, same layout, no QR): {t1 - t0:6.2f} s  {len(base) / 1e6:6.2f} MB")
    print(f"with two QR codes per pass:               {t2 - t1:6.2f} s  {len(full) / 1e6:6.2f} MB")
    print(f"QR overhead per pass: {(t2 - t1 - (t1 - t0)) / n * 1000:.2f} ms; target <= 60 s: "
          + ("OK" if t2 - t1 <= 60 else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
