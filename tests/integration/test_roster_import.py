"""Roster import/export on the real databases (SQLite and PostgreSQL): all or nothing, every bad row listed,
update by 委员证号, encodings, refused files, export→import round trip, CLI exit codes."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from conference.audit.models import AuditEntry
from conference.errors import DomainError
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Group, Member, MemberKind, Sector

HEADER = ["姓名", "性别", "民族", "出生年月", "界别", "党派", "工作单位及职务", "委员证号", "手机", "职务", "类别", "讨论组"]


def xlsx(rows, *, header=HEADER, merge: str | None = None, title: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, *, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def row(name, no, *, sector="经济界", phone="13912345678", role="委员", kind="委员", group="第一组", birth="1968.05"):
    return [name, "男", "汉族", birth, sector, "中共党员", "某单位主任", no, phone, role, kind, group]


@pytest.fixture
def setup(ctx):
    db.session.add_all([Sector(name="中国共产党", position=1), Sector(name="经济界", position=2),
                        Sector(name="教育界", position=3), Group(name="第一组", position=1),
                        Group(name="第二组", position=2)])
    db.session.commit()
    return ctx


def member_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Member))


def snapshot() -> list[tuple]:
    db.session.expire_all()
    return sorted((m.member_no, m.name, m.phone, m.sector_id, m.birth_month, m.kind.value)
                  for m in db.session.scalars(select(Member)).unique())


def test_valid_file_is_previewed_then_applied(setup):
    data = xlsx([row("田富", "150001"), row("田大利", "150002", kind="列席", role=""),
                 row("欧阳少东", "150003", sector="教育界", birth="1970年3月")])
    check = services.check_roster(data)
    assert check.ok and check.preview.summary() == {"added": 3, "changed": 0, "unchanged": 0, "missing": 0}
    assert member_count() == 0  # checking writes nothing
    services.apply_roster(check)
    db.session.commit()
    members = {m.member_no: m for m in db.session.scalars(select(Member)).unique()}
    assert members["150002"].kind == MemberKind.ATTENDEE and not members["150002"].is_voting
    assert members["150003"].sector.name == "教育界" and members["150003"].birth_month == date(1970, 3, 1)
    assert members["150001"].group.name == "第一组"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.import")).details["added"] == 3


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(setup, make):
    make.member(name="王敏", member_no="150001", phone="13900000000")
    before = snapshot()
    data = xlsx([row("王敏", "150001", phone="13911111111"), row("李强", "150002"),
                 row("", "150003"), row("赵磊", "150002"), row("钱进", "150005", sector="火星界"),
                 row("孙悦", "150006", phone="12345"), row("周正", "150007", birth="1968.13"),
                 row("吴用", "150008", role="组长", kind="嘉宾"), row("郑重", "150009", group="第九组")])
    check = services.check_roster(data)
    assert not check.ok
    assert [(e.row, e.column, e.code) for e in check.errors] == [
        (4, "姓名", "missing_name"), (5, "委员证号", "duplicate_member_no"), (6, "界别", "unknown_sector"),
        (7, "手机", "bad_phone"), (8, "出生年月", "bad_date"), (9, "职务", "unknown_role"), (9, "类别", "unknown_kind"),
        (10, "讨论组", "unknown_group")]
    with pytest.raises(DomainError) as excinfo:
        services.apply_roster(check)
    assert excinfo.value.code == "invalid_roster"
    db.session.rollback()
    assert snapshot() == before


def test_update_by_member_no_shows_field_diff(setup, make):
    economy = db.session.scalar(select(Sector).where(Sector.name == "经济界"))
    make.member(name="王敏", member_no="150001", phone="13900000000", sector=economy, birth_month=date(1968, 5, 1))
    make.member(name="李强", member_no="150002", phone="13912345678", sector=economy)
    make.member(name="不在名册", member_no="150099")
    data = xlsx([["王敏", "13911111111", "教育界", "150001"], ["李强", "13912345678", "经济界", "150002"],
                 ["新人", "", "", "150003"]], header=["姓名", "手机", "界别", "委员证号"])
    check = services.check_roster(data)
    p = check.preview
    assert [r["member_no"] for r in p.added] == ["150003"]
    assert [r["member_no"] for r in p.unchanged] == ["150002"]
    assert [(r["member_no"], [(c.label, c.old, c.new) for c in ch]) for r, ch in p.changed] == [
        ("150001", [("手机", "13900000000", "13911111111"), ("界别", "经济界", "教育界")])]
    assert [r["member_no"] for r in p.missing] == ["150099"]
    services.apply_roster(check)
    db.session.commit()
    db.session.expire_all()
    wang = db.session.scalar(select(Member).where(Member.member_no == "150001"))
    assert wang.phone == "13911111111" and wang.sector.name == "教育界"
    assert wang.birth_month == date(1968, 5, 1)  # no 出生年月 column: left alone
    assert db.session.scalar(select(Member).where(Member.member_no == "150099")) is not None  # not deleted


@pytest.mark.parametrize("encoding, prefix", [("gbk", b""), ("gb18030", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                              ("utf-16", b"")])
def test_csv_encodings(setup, encoding, prefix):
    data = prefix + csv_bytes([row("欧阳少东", "150001"), row("朱镕基", "150002")], encoding=encoding)
    check = services.check_roster(data)
    assert check.ok, check.errors
    assert sorted(r["name"] for r in check.preview.added) == ["朱镕基", "欧阳少东"]
    assert check.preview.added[0]["sector"] == "经济界"


def test_csv_semicolon_and_tab_delimiters(setup):
    for sep in ("\t", ";"):
        data = (sep.join(["姓名", "委员证号", "界别"]) + "\n" + sep.join(["王敏", "1", "经济界"]) + "\n").encode()
        check = services.check_roster(data)
        assert check.ok and check.preview.added[0]["sector"] == "经济界"


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


@pytest.mark.parametrize("make_data, code", [
    (lambda: b"", "empty_file"),
    (lambda: b"   \r\n  ", "empty_file"),
    (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_spreadsheet"),
    (lambda: b"%PDF-1.7\n...", "not_spreadsheet"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "legacy_xls"),
    (_docx_like, "not_spreadsheet"),
    (lambda: b"PK\x03\x04broken zip", "not_spreadsheet"),
    (lambda: bytes(range(256)) * 4, "not_spreadsheet"),
    (lambda: "姓名,委员证号\n王敏,1\n".encode("utf-8")[:-3] + b"\xff\xfe\xfa\n", "bad_encoding"),
    (lambda: "名单\n王敏\n".encode(), "missing_columns"),
    (lambda: csv_bytes([["王敏"]], header=["姓名"]), "missing_columns"),
    (lambda: xlsx([["王敏", "1"]], header=["姓名", "性别"]), "missing_columns"),
    (lambda: xlsx([row("王敏", "1"), row("李强", "2")], merge="A2:A3"), "merged_cells"),
    (lambda: xlsx([row("王敏", "1"), row("李强", "=A2&\"x\"")]), "formulas"),
    (lambda: csv_bytes([row("王敏", "1"), ["=cmd|' /C calc'!A0", "2"]]), "formulas"),
    (lambda: xlsx([], header=HEADER), "empty_file"),
])
def test_refused_files(setup, make_data, code):
    before = member_count()
    with pytest.raises(DomainError) as excinfo:
        services.check_roster(make_data())
    assert excinfo.value.code == code, excinfo.value.message
    assert excinfo.value.message and excinfo.value.status < 500
    assert member_count() == before


def test_merged_title_row_above_the_header_is_fine(setup):
    data = xlsx([row("王敏", "1")], title="政协第十五届济南市委员会委员名册", merge="A1:L1")
    check = services.check_roster(data)
    assert check.ok and check.validation.header.row == 2 and check.preview.added[0]["name"] == "王敏"


def test_too_many_rows_refused_quickly(setup):
    import time

    rows = "\n".join(f"委员{i},{i}" for i in range(100_000))
    data = ("姓名,委员证号\n" + rows + "\n").encode()
    started = time.perf_counter()
    with pytest.raises(DomainError) as excinfo:
        services.check_roster(data)
    assert excinfo.value.code == "too_many_rows" and "20000" in excinfo.value.message
    assert time.perf_counter() - started < 5


def test_too_big_file_refused(setup, app):
    app.config["ROSTER_MAX_BYTES"] = 1000
    try:
        with pytest.raises(DomainError) as excinfo:
            services.check_roster(b"x" * 1001)
        assert excinfo.value.code == "too_large" and excinfo.value.status == 413
    finally:
        app.config.pop("ROSTER_MAX_BYTES")


def test_export_then_import_round_trips_without_changes(setup, make):
    economy = db.session.scalar(select(Sector).where(Sector.name == "经济界"))
    group = db.session.scalar(select(Group).where(Group.name == "第二组"))
    make.member(name="田大利", member_no="0015", sector=economy, phone="13912345678", birth_month=date(1968, 10, 1),
                gender="女", ethnicity="回族", party="民盟盟员", employer="某大学教授，博士生导师", group=group)
    make.member(name="田富", member_no="A-2", kind="列席", committee_role="委员")
    make.member(name="阿沛·阿旺晋美", member_no="7", committee_role="副主席")
    data = services.export_xlsx()
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == HEADER
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["田富", "田大利", "阿沛·阿旺晋美"]  # 姓氏笔画
    check = services.check_roster(data)
    assert check.ok, check.errors
    assert check.preview.summary() == {"added": 0, "changed": 0, "unchanged": 3, "missing": 0}


def test_cli_exit_codes(setup, app, tmp_path, make):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row("王敏", "1"), row("", "2"), row("李强", "3", phone="123")]))
    result = runner.invoke(args=["roster", "import", str(bad), "--dry-run"])
    assert result.exit_code == 1
    assert "第3行 姓名：姓名不能为空" in result.output and "第4行 手机：" in result.output

    not_sheet = tmp_path / "photo.xlsx"
    not_sheet.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    result = runner.invoke(args=["roster", "import", str(not_sheet)])
    assert result.exit_code not in (0, None) and "not_spreadsheet" in result.output

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row("王敏", "1"), row("李强", "2")], encoding="gbk"))
    result = runner.invoke(args=["roster", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "新增 2 人" in result.output
    assert member_count() == 0
    result = runner.invoke(args=["roster", "import", str(good)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert member_count() == 2

    out = tmp_path / "out.xlsx"
    result = runner.invoke(args=["roster", "export", str(out)])
    assert result.exit_code == 0 and out.exists()
    result = runner.invoke(args=["roster", "import", str(out), "--dry-run"])
    assert result.exit_code == 0 and "更新 0 人" in result.output and "未变 2 人" in result.output


@pytest.mark.parametrize("convention, expected", [("cppcc", ["丁一", "田富", "田大利", "欧阳少东", "洪少东"]),
                                                  ("npc", ["丁一", "田大利", "田富", "欧阳少东", "洪少东"])])
def test_names_sort_cli(app, convention, expected):
    result = app.test_cli_runner().invoke(args=["names", "sort", "--convention", convention],
                                          input="洪少东\n田大利\n欧阳少东\n田富\n丁一\n")
    assert result.exit_code == 0 and result.output.split() == expected


def test_sample_fixtures_parse_identically(ctx):
    from pathlib import Path

    from conference.registration.sectors import NATIONAL_SECTORS

    db.session.add_all([Sector(name=n, position=i) for i, n in enumerate(NATIONAL_SECTORS, 1)]
                       + [Group(name=f"第{c}组", position=i) for i, c in enumerate("一二三", 1)])
    db.session.commit()
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "roster"
    utf8 = services.check_roster((folder / "sample.csv").read_bytes())
    gbk = services.check_roster((folder / "sample-gbk.csv").read_bytes())
    assert utf8.ok and gbk.ok
    assert utf8.preview.added == gbk.preview.added and len(utf8.preview.added) == 4
    assert {r["name"] for r in gbk.preview.added} >= {"王平", "欧阳晓东"}
