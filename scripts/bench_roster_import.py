"""Roster import speed: check (read + validate + JSON Schema + diff) of a 3,000-member .xlsx and .csv, against a
same-run baseline of only opening the file (openpyxl read-only iteration / csv.reader).

    .venv/bin/python scripts/bench_roster_import.py [MEMBERS]
"""
from __future__ import annotations

import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CONFERENCE_ENV", "testing")


def main(n: int = 3000) -> None:
    import openpyxl

    from config import TestingConfig
    from conference import create_app
    from conference.extensions import db
    from conference.registration import services
    from conference.registration.models import Group, Sector
    from conference.registration.roster import EXPORT_HEADERS
    from conference.registration.sectors import NATIONAL_SECTORS

    rows = [[f"王{chr(0x4E00 + i % 3000)}{chr(0x4E00 + i // 3000)}", "男", "汉族", "1968.05",
             NATIONAL_SECTORS[i % 34], "中共党员", "某单位主任", f"{150000 + i}", f"139{i:08d}", "委员", "委员",
             f"第{i % 10 + 1}组"] for i in range(n)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(EXPORT_HEADERS))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = buf.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows([list(EXPORT_HEADERS)] + rows)
    csv_data = text.getvalue().encode("gbk")

    app = create_app(TestingConfig)
    with app.app_context():
        db.create_all()
        db.session.add_all([Sector(name=s, position=i) for i, s in enumerate(NATIONAL_SECTORS, 1)]
                           + [Group(name=f"第{i}组", position=i) for i in range(1, 11)])
        db.session.commit()

        def timed(fn, repeat=3):
            best = float("inf")
            for _ in range(repeat):
                t = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - t)
            return best

        base_x = timed(lambda: [r for r in openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).active.iter_rows(
            values_only=True)])
        full_x = timed(lambda: services.check_roster(xlsx))
        base_c = timed(lambda: list(csv.reader(io.StringIO(csv_data.decode("gb18030")))))
        full_c = timed(lambda: services.check_roster(csv_data))
        check = services.check_roster(xlsx)
        t = time.perf_counter()
        services.apply_roster(check)
        db.session.commit()
        apply_s = time.perf_counter() - t
        t = time.perf_counter()
        again = services.check_roster(xlsx)
        recheck = time.perf_counter() - t
        t = time.perf_counter()
        exported = services.export_xlsx()
        export_s = time.perf_counter() - t
    print(f"{n} members, xlsx {len(xlsx) // 1024} KB, csv {len(csv_data) // 1024} KB (GBK)")
    print(f"xlsx: baseline open+iterate {base_x * 1000:.0f} ms; check (read+validate+schema+diff) {full_x * 1000:.0f} ms")
    print(f"csv:  baseline decode+csv.reader {base_c * 1000:.0f} ms; check {full_c * 1000:.0f} ms")
    print(f"apply (insert {n}) {apply_s * 1000:.0f} ms; re-check against {n} existing "
          f"{recheck * 1000:.0f} ms ({again.preview.summary()}); export xlsx {export_s * 1000:.0f} ms "
          f"({len(exported) // 1024} KB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
