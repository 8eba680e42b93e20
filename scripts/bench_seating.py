"""Benchmark: automatic seating of 3,000 people into a 3,200-seat hall (pure allocation, no database).

Prints the allocation time and, as a same-run baseline, a plain 姓氏笔画 sort of the same 3,000 names
(the least any protocol seating must do). Not a test; run: .venv/bin/python scripts/bench_seating.py
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conference.registration.strokes import sort_key  # noqa: E402
from conference.seating import halls  # noqa: E402
from conference.seating.allocation import Options, Person, Seat, allocate  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文海东晓春燕卫新荣德林宏斌峰亮辉鹏立成飞莉宁慧鑫博宇浩凯佳欣怡思晨雪梅婷"


def hall_3200() -> list[Seat]:
    layout = halls.layout_from_params("大会堂", [
        {"key": "rostrum", "name": "主席台", "kind": "rostrum", "rows": 4, "seats_per_row": 30, "numbering": "odd_even"},
        {"key": "left", "name": "左区", "kind": "floor", "rows": 44, "seats_per_row": 18},
        {"key": "center", "name": "中区", "kind": "floor", "rows": 44, "seats_per_row": 32, "numbering": "odd_even"},
        {"key": "right", "name": "右区", "kind": "floor", "rows": 44, "seats_per_row": 18},
        {"key": "balcony", "name": "列席区", "kind": "balcony", "rows": 4, "seats_per_row": 22, "attendees": True},
    ])
    specs = halls.build_seats(layout)
    return [Seat(id=i, kind=s.kind, row=s.row, x=s.x, y=s.y, status=s.status, attendees=s.attendees)
            for i, s in enumerate(specs)]


def people_3000(rng: random.Random) -> list[Person]:
    roles = ["主席"] + ["副主席"] * 12 + ["秘书长"] + ["常委"] * 200
    out = []
    for i in range(3000):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        out.append(Person(id=i + 1, name=name, role=roles[i] if i < len(roles) else "委员",
                          sector_position=rng.randint(1, 34), attendee=i >= 2940, on_leave=rng.random() < 0.03))
    return out


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    rng = random.Random(2026)
    seats, people = hall_3200(), people_3000(rng)
    sort_key("预热")  # load the stroke table outside the timings
    result = allocate(seats, people)
    baseline = timed(lambda: sorted(people, key=lambda p: sort_key(p.name)))
    seating = timed(lambda: allocate(seats, people, options=Options(leave="empty")))
    print(f"hall seats: {len(seats)} (usable {sum(s.status == 'ok' for s in seats)}), people: {len(people)}")
    print(f"seated {len(result.seats)}, held for leave {len(result.held)}, unseated {len(result.unseated)}")
    print(f"automatic seating (median of 5): {seating * 1000:.1f} ms   (requirement: < 1000 ms)")
    print(f"baseline, plain 姓氏笔画 sort of the same people (median of 5): {baseline * 1000:.1f} ms")
    print(f"ratio seating / baseline: {seating / baseline:.1f}x")


if __name__ == "__main__":
    main()
