#!/usr/bin/env python3
"""Benchmark 姓氏笔画 sorting of N synthetic names against plain ``sorted(names)``.

    .venv/bin/python scripts/bench_strokes.py [--names 3000] [--repeat 20]

Prints the table load time (once per process), then the best-of-N wall time for
``sorted(names)`` (code point baseline), ``sort_names(names)`` (cppcc and npc) in the same run.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conference.registration import strokes  # noqa: E402

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
                "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
                "邵万钱严覃武戴莫孔向汤达") + ["欧阳", "司马", "上官", "诸葛", "东方"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红德文玉少东大利富喆镕晓春海燕"
             "宁波斌宇浩凯鹏飞云龙")


def make_names(n: int, seed: int = 2024) -> list[str]:
    rng = random.Random(seed)
    names = []
    for _ in range(n):
        r = rng.random()
        if r < 0.01:
            names.append("阿沛·阿旺晋美" if rng.random() < 0.5 else "买买提·" + rng.choice(GIVEN) + "力")
            continue
        given = "".join(rng.choice(GIVEN) for _ in range(1 if r < 0.35 else 2))
        names.append(rng.choice(SURNAMES) + given)
    return names


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    names = make_names(args.names)

    t0 = time.perf_counter()
    strokes.stroke_count("王")  # first call loads the table
    load = time.perf_counter() - t0

    base = best_of(lambda: sorted(names), args.repeat)
    cppcc = best_of(lambda: strokes.sort_names(names), args.repeat)
    npc = best_of(lambda: strokes.sort_names(names, "npc"), args.repeat)
    keyed = best_of(lambda: sorted(names, key=strokes.sort_key), args.repeat)

    print(f"names: {len(names)}  (best of {args.repeat} runs, same process)")
    print(f"table load (once per process):        {load * 1000:8.2f} ms")
    print(f"baseline sorted(names):               {base * 1000:8.2f} ms")
    print(f"sort_names(names, 'cppcc'):           {cppcc * 1000:8.2f} ms  ({cppcc / base:.1f}x baseline)")
    print(f"sort_names(names, 'npc'):             {npc * 1000:8.2f} ms  ({npc / base:.1f}x baseline)")
    print(f"sorted(names, key=sort_key):          {keyed * 1000:8.2f} ms  ({keyed / base:.1f}x baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
