"""Roster import rules (pure): header mapping, cell parsing, row validation, preview diff — by tables."""
from datetime import date, datetime
import json
from pathlib import Path

import pytest

from conference.registration import roster
from conference.registration.roster import RosterFileError, parse_birth_month, validate

SECTORS = {"中国共产党", "经济界", "教育界"}
GROUPS = {"第一组", "第二组"}
HEADER = ["姓名", "性别", "民族", "出生年月", "界别", "党派", "工作单位及职务", "委员证号", "手机", "职务", "类别", "讨论组"]
GOOD = ["王敏", "女", "汉族", "1968.05", "经济界", "民建会员", "某公司董事长", "150001", "13912345678", "委员", "委员", "第一组"]


def table(*rows, header=HEADER):
    return [(1, list(header))] + [(i, list(r)) for i, r in enumerate(rows, 2)]


def check(*rows, header=HEADER, max_rows=100):
    return validate(table(*rows, header=header), sectors=SECTORS, groups=GROUPS, max_rows=max_rows)


def with_(**changes):
    row = list(GOOD)
    for label, value in changes.items():
        row[HEADER.index(label)] = value
    return row


@pytest.mark.parametrize("value, expected", [
    ("1968.05", date(1968, 5, 1)), ("1968.5", date(1968, 5, 1)), ("1968-05", date(1968, 5, 1)),
    ("1968/5", date(1968, 5, 1)), ("1968年5月", date(1968, 5, 1)), ("1968年05月", date(1968, 5, 1)),
    ("196805", date(1968, 5, 1)), ("1968-05-12", date(1968, 5, 1)), ("1968.10", date(1968, 10, 1)),
    ("1968年5月12日", date(1968, 5, 1)), ("１９６８．０５", date(1968, 5, 1)),
    (datetime(1968, 5, 12), date(1968, 5, 1)), (date(1970, 12, 31), date(1970, 12, 1)),
    (1968.05, date(1968, 5, 1)), (1968.1, date(1968, 10, 1)),  # Excel turned 1968.10 into the number 1968.1
    ("", None), (None, None),
])
def test_birth_month_formats(value, expected):
    assert parse_birth_month(value) == expected


@pytest.mark.parametrize("value", ["1968.13", "68.05", "1968", "五月", "1968-00", "1800.01", "19680", 25000])
def test_birth_month_refused(value):
    with pytest.raises(ValueError):
        parse_birth_month(value)


@pytest.mark.parametrize("header, key", [
    ("姓名", "name"), (" 姓 名 ", "name"), ("姓名*", "name"), ("姓名（必填）", "name"), ("工作单位及职务", "employer"),
    ("工作单位、职务", "employer"), ("工作单位和职务", "employer"), ("工作单位", "employer"), ("委员证号", "member_no"),
    ("证号", "member_no"), ("手机号码", "phone"), ("职务", "committee_role"), ("类别", "kind"), ("讨论组", "group"),
    ("出生年月", "birth_month"), ("政治面貌", "party"),
])
def test_header_aliases(header, key):
    others = [h for k, h in (("name", "姓名"), ("member_no", "委员证号")) if k != key]
    h = roster.find_header([(1, [header] + others)])
    assert h.columns[0] == key


def test_title_row_above_header_and_ignored_columns():
    rows = [(1, ["政协第十五届济南市委员会委员名册"]), (2, ["序号", "姓名", "委员证号", "备注"]), (3, ["1", "王敏", "001", "x"])]
    v = validate(rows, sectors=SECTORS, groups=GROUPS, max_rows=10)
    assert v.ok and v.header.row == 2 and v.header.ignored == ["序号", "备注"]
    assert v.records == [(3, {"name": "王敏", "member_no": "001"})]


@pytest.mark.parametrize("rows, code", [
    ([], "empty_file"),
    ([(1, HEADER)], "empty_file"),
    ([(1, ["姓名", "性别"]), (2, ["王敏", "女"])], "missing_columns"),
    ([(1, ["委员证号", "性别"]), (2, ["1", "女"])], "missing_columns"),
    ([(1, ["名单"]), (2, ["王敏"])], "missing_columns"),
    ([(1, ["姓名", "委员证号", "名字"]), (2, ["王敏", "1", "王敏"])], "duplicate_columns"),
])
def test_file_level_refusals(rows, code):
    with pytest.raises(RosterFileError) as excinfo:
        validate(rows, sectors=SECTORS, groups=GROUPS, max_rows=10)
    assert excinfo.value.code == code and excinfo.value.message


def test_too_many_rows():
    with pytest.raises(RosterFileError) as excinfo:
        check(*[with_(委员证号=str(i)) for i in range(11)], max_rows=10)
    assert excinfo.value.code == "too_many_rows" and "11" in excinfo.value.message
    assert check(*[with_(委员证号=str(i)) for i in range(10)], max_rows=10).ok


def test_good_row_is_typed():
    v = check(GOOD)
    assert v.ok
    assert v.records[0] == (2, {"name": "王敏", "gender": "女", "ethnicity": "汉族", "birth_month": date(1968, 5, 1),
                                "sector": "经济界", "party": "民建会员", "employer": "某公司董事长", "member_no": "150001",
                                "phone": "13912345678", "committee_role": "委员", "kind": "委员", "group": "第一组"})


@pytest.mark.parametrize("changes, column, code", [
    ({"姓名": ""}, "姓名", "missing_name"),
    ({"姓名": "   "}, "姓名", "missing_name"),
    ({"委员证号": ""}, "委员证号", "missing_member_no"),
    ({"委员证号": "15 00#1"}, "委员证号", "bad_member_no"),
    ({"界别": "不存在界"}, "界别", "unknown_sector"),
    ({"讨论组": "第九组"}, "讨论组", "unknown_group"),
    ({"手机": "12345678901"}, "手机", "bad_phone"),
    ({"手机": "1391234567"}, "手机", "bad_phone"),
    ({"手机": "0531-12345678"}, "手机", "bad_phone"),
    ({"出生年月": "1968.13"}, "出生年月", "bad_date"),
    ({"出生年月": "不详"}, "出生年月", "bad_date"),
    ({"职务": "组长"}, "职务", "unknown_role"),
    ({"类别": "嘉宾"}, "类别", "unknown_kind"),
    ({"性别": "未知"}, "性别", "unknown_gender"),
    ({"工作单位及职务": "长" * 201}, "工作单位及职务", "too_long"),
    ({"姓名": "王" * 41}, "姓名", "too_long"),
])
def test_bad_cells(changes, column, code):
    v = check(with_(**changes))
    assert not v.ok and v.records == []
    assert [(e.row, e.column, e.code) for e in v.errors] == [(2, column, code)]
    assert str(v.errors[0]).startswith(f"第2行 {column}：")


@pytest.mark.parametrize("changes, key, value", [
    ({"姓名": "王　敏"}, "name", "王敏"), ({"姓名": " 王  敏 "}, "name", "王敏"),
    ({"手机": "+86 139-1234-5678"}, "phone", "13912345678"), ({"手机": 13912345678}, "phone", "13912345678"),
    ({"手机": ""}, "phone", ""), ({"委员证号": 150001}, "member_no", "150001"),
    ({"委员证号": 150001.0}, "member_no", "150001"), ({"职务": "常务委员"}, "committee_role", "常委"),
    ({"职务": ""}, "committee_role", "委员"), ({"类别": ""}, "kind", "委员"), ({"类别": "列席"}, "kind", "列席"),
    ({"性别": "男性"}, "gender", "男"), ({"界别": ""}, "sector", ""), ({"出生年月": ""}, "birth_month", None),
    ({"出生年月": datetime(1970, 3, 9)}, "birth_month", date(1970, 3, 1)),
])
def test_cells_are_normalised(changes, key, value):
    v = check(with_(**changes))
    assert v.ok, v.errors
    assert v.records[0][1][key] == value


def test_every_bad_row_is_listed_and_duplicates_name_the_first_row():
    v = check(GOOD, with_(委员证号="2", 手机="123"), with_(委员证号="150001"), with_(委员证号="3", 姓名="", 界别="无"),
              ["", "", "", "", "", "", "", "", "", "", "", ""], with_(委员证号="4"))
    assert [(e.row, e.column, e.code) for e in v.errors] == [
        (3, "手机", "bad_phone"), (4, "委员证号", "duplicate_member_no"), (5, "姓名", "missing_name"),
        (5, "界别", "unknown_sector")]
    assert "与第2行重复" in v.errors[1].message
    assert [n for n, _ in v.records] == [2, 7]  # blank row 6 skipped


def test_missing_columns_are_not_in_the_record():
    v = check(["王敏", "1"], header=["姓名", "委员证号"])
    assert v.records[0][1] == {"name": "王敏", "member_no": "1"}


def test_diff_added_changed_unchanged_missing():
    existing = {
        "1": {"name": "王敏", "member_no": "1", "phone": "13900000000", "birth_month": None, "sector": "经济界"},
        "2": {"name": "李强", "member_no": "2", "phone": "", "birth_month": date(1970, 1, 1), "sector": ""},
        "9": {"name": "赵磊", "member_no": "9", "phone": "", "birth_month": None, "sector": ""},
    }
    records = [
        {"name": "王敏", "member_no": "1", "phone": "13911111111", "birth_month": date(1968, 5, 1), "sector": "经济界"},
        {"name": "李强", "member_no": "2", "phone": "", "birth_month": date(1970, 1, 1), "sector": ""},
        {"name": "张三", "member_no": "3", "phone": "", "birth_month": None, "sector": ""},
    ]
    p = roster.diff(records, existing)
    assert [r["member_no"] for r in p.added] == ["3"]
    assert [r["member_no"] for r in p.unchanged] == ["2"]
    assert [(r["member_no"], [(c.key, c.old, c.new) for c in ch]) for r, ch in p.changed] == [
        ("1", [("phone", "13900000000", "13911111111"), ("birth_month", None, date(1968, 5, 1))])]
    assert [r["member_no"] for r in p.missing] == ["9"]
    assert p.summary() == {"added": 1, "changed": 1, "unchanged": 1, "missing": 1}


def test_diff_ignores_columns_absent_from_the_file():
    p = roster.diff([{"name": "王敏", "member_no": "1"}], {"1": {"name": "王敏", "member_no": "1", "phone": "139"}})
    assert p.unchanged and not p.changed


def test_export_row_round_trips_through_validation():
    record = check(GOOD).records[0][1]
    cells = roster.export_row(record)
    assert cells[HEADER.index("出生年月")] == "1968.05"
    again = validate([(1, list(roster.EXPORT_HEADERS)), (2, cells)], sectors=SECTORS, groups=GROUPS, max_rows=5)
    assert again.records[0][1] == record


@pytest.mark.parametrize("text, names", [
    ("田富\n田大利\n", ["田富", "田大利"]),
    ("田富、田大利，王敏,李强 赵磊", ["田富", "田大利", "王敏", "李强", "赵磊"]),
    ("  \n\n阿沛·阿旺晋美\n田富\n田富", ["阿沛·阿旺晋美", "田富"]),
    ("", []),
])
def test_split_names(text, names):
    assert roster.split_names(text) == names


def test_schema_headers_match_the_rules():
    schema = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "roster.schema.json").read_text("utf-8"))
    assert set(schema["properties"]) == set(roster.KEYS)
    for key, prop in schema["properties"].items():
        assert tuple(prop["x-headers"]) == roster.HEADER_ALIASES[key]
        assert prop["title"] == roster.LABELS[key]
    assert schema["x-column-order"] == list(roster.EXPORT_HEADERS)
    assert schema["required"] == list(roster.REQUIRED)
