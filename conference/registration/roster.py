"""委员名册 import rules: header mapping, cell parsing, row validation and the preview diff.

Pure module: standard library only, no app, no database. File reading (xlsx/csv bytes → cells) lives in
``roster_files.py``; the services feed the cells in here together with the known 界别 and 讨论组 names.

Row numbers are the spreadsheet's own (the header is usually row 1, so the first member is row 2), so a
secretary can go straight to the cell. Every error is a :class:`RowError` with a Chinese sentence; nothing
is imported while any error remains (the service applies all or nothing).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

# (key, canonical header, max length). The canonical header is what the export writes.
FIELDS: tuple[tuple[str, str, int], ...] = (
    ("name", "姓名", 40),
    ("gender", "性别", 4),
    ("ethnicity", "民族", 20),
    ("birth_month", "出生年月", 20),
    ("sector", "界别", 40),
    ("party", "党派", 40),
    ("employer", "工作单位及职务", 200),
    ("member_no", "委员证号", 32),
    ("phone", "手机", 20),
    ("committee_role", "职务", 8),
    ("kind", "类别", 8),
    ("group", "讨论组", 40),
)
KEYS = tuple(key for key, _, _ in FIELDS)
LABELS = {key: label for key, label, _ in FIELDS}
MAX_LENGTH = {key: n for key, _, n in FIELDS}
REQUIRED = ("name", "member_no")
EXPORT_HEADERS = tuple(label for _, label, _ in FIELDS)

# Header variants as secretariats write them (after normalize_header).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "委员姓名", "名字"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_month": ("出生年月", "出生日期", "出生年月日", "出生时间"),
    "sector": ("界别", "所属界别"),
    "party": ("党派", "政治面貌", "党派团体"),
    "employer": ("工作单位及职务", "工作单位、职务", "工作单位和职务", "工作单位与职务", "工作单位/职务",
                 "单位及职务", "工作单位", "单位职务"),
    "member_no": ("委员证号", "证号", "委员编号", "委员证编号", "编号"),
    "phone": ("手机", "手机号", "手机号码", "移动电话", "联系电话", "电话"),
    "committee_role": ("职务", "政协职务", "委员职务"),
    "kind": ("类别", "人员类别", "身份", "委员类别"),
    "group": ("讨论组", "分组", "小组", "所在讨论组"),
}
_HEADER_INDEX = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}

GENDERS = {"男": "男", "女": "女", "男性": "男", "女性": "女"}
COMMITTEE_ROLES = {"主席": "主席", "副主席": "副主席", "秘书长": "秘书长", "常委": "常委", "常务委员": "常委",
                   "委员": "委员"}
KINDS = {"委员": "委员", "列席": "列席", "列席人员": "列席", "列席委员": "列席"}

PHONE_RE = re.compile(r"1[3-9]\d{9}")
MEMBER_NO_RE = re.compile(r"[0-9A-Za-z\-_/]+")
HEADER_SEARCH_ROWS = 5  # a title row or two above the header is common ("政协……委员名册")


class RosterFileError(Exception):
    """The whole file is refused (not a spreadsheet, no header, too many rows, merged cells, ...)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    code: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass
class Header:
    row: int                      # spreadsheet row number of the header
    columns: dict[int, str]       # cell index -> field key
    ignored: list[str] = field(default_factory=list)  # headers we did not recognise (not imported)

    @property
    def keys(self) -> set[str]:
        return set(self.columns.values())


@dataclass
class Validation:
    header: Header
    records: list[tuple[int, dict]]   # (row number, record) of the good rows
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- cells ------------------------------------------------------------------------------------------------

def normalize_header(text) -> str:
    """'  工作单位及职务（职称）* ' -> '工作单位及职务'; full-width forms folded, spaces, markers and notes dropped."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"[\s*＊:：]", "", s)
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】", "", s)  # NFKC made （） into ()
    return s


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious '.0', whitespace trimmed, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def clean_name(value) -> str:
    """Names padded for alignment ('王　敏', '王  敏') lose the padding; Latin names keep single spaces."""
    s = cell_text(value)
    s = unicodedata.normalize("NFC", s)
    if any(ord(ch) > 0x2E7F for ch in s):
        return re.sub(r"\s+", "", s)
    return re.sub(r"\s+", " ", s)


def parse_birth_month(value) -> date | None:
    """出生年月 to the first day of the month. Accepts Excel dates, 1968.05, 1968.5, 1968-05, 1968/5, 1968年5月,
    196805, 1968-05-12 and a number 1968.05 from a cell Excel turned into a number. Raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _month(value.year, value.month)
    if isinstance(value, date):
        return _month(value.year, value.month)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.2f}"  # Excel shows 1968.10 as 1968.1: two decimals keep October
        else:
            text = str(int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
    m = (re.fullmatch(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:月)?(?:\s*[.\-/]?\s*\d{1,2}\s*日?)?(?:\s+0{1,2}:0{2}(?::0{2})?)?",
                      text)
         or re.fullmatch(r"(\d{4})(\d{2})(?:\d{2})?", text))
    if not m:
        raise ValueError(text)
    return _month(int(m.group(1)), int(m.group(2)))


def _month(year: int, month: int) -> date:
    if not 1900 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError(f"{year}-{month}")
    return date(year, month, 1)


def format_birth_month(value: date | None) -> str:
    return f"{value.year}.{value.month:02d}" if value else ""


def clean_phone(value) -> str:
    s = cell_text(value)
    s = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", s))
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    return s


# ---- header -----------------------------------------------------------------------------------------------

def find_header(rows: list[tuple[int, list]]) -> Header:
    """The header is the first of the first few rows that names 姓名; refuses a file without 姓名 or 委员证号."""
    best: Header | None = None
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        columns: dict[int, str] = {}
        ignored: list[str] = []
        duplicates: list[str] = []
        for i, cell in enumerate(cells):
            text = normalize_header(cell)
            if not text:
                continue
            key = _HEADER_INDEX.get(text)
            if key is None:
                ignored.append(str(cell).strip())
            elif key in columns.values():
                duplicates.append(str(cell).strip())
            else:
                columns[i] = key
        if "name" in columns.values() or "member_no" in columns.values():
            if duplicates:
                raise RosterFileError("duplicate_columns",
                                      f"第{number}行表头中有重复的列：{'、'.join(duplicates)}，请只保留一列")
            best = Header(row=number, columns=columns, ignored=ignored)
            break
    if best is None:
        raise RosterFileError("missing_columns", "找不到表头：前几行中没有“姓名”“委员证号”列。请确认第一行是表头")
    missing = [LABELS[k] for k in REQUIRED if k not in best.keys]
    if missing:
        raise RosterFileError("missing_columns", f"表头缺少必需的列：{'、'.join(missing)}")
    return best


# ---- rows -------------------------------------------------------------------------------------------------

def validate(rows: list[tuple[int, list]], *, sectors: set[str] | frozenset[str], groups: set[str] | frozenset[str],
             max_rows: int) -> Validation:
    """Check every row of a table (row number, cells) and return the records and ALL errors found."""
    if not rows:
        raise RosterFileError("empty_file", "文件是空的，没有任何内容")
    header = find_header(rows)
    data = [(n, cells) for n, cells in rows if n > header.row and any(cell_text(c) for c in cells)]
    if not data:
        raise RosterFileError("empty_file", "文件只有表头，没有委员数据")
    if len(data) > max_rows:
        raise RosterFileError("too_many_rows", f"文件有 {len(data)} 行数据，超过上限 {max_rows} 行，请分批导入")
    records: list[tuple[int, dict]] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for number, cells in data:
        raw = {key: (cells[i] if i < len(cells) else None) for i, key in header.columns.items()}
        record, row_errors = parse_row(number, raw, sectors=sectors, groups=groups)
        no = record.get("member_no")
        if no:
            if no in first_row_of:
                row_errors.append(RowError(number, LABELS["member_no"],
                                           f"委员证号 {no} 与第{first_row_of[no]}行重复", "duplicate_member_no"))
            else:
                first_row_of[no] = number
        if row_errors:
            errors.extend(row_errors)
        else:
            records.append((number, record))
    return Validation(header=header, records=records, errors=errors)


def parse_row(number: int, raw: dict, *, sectors, groups) -> tuple[dict, list[RowError]]:
    """One row (field key -> cell value, only the columns present) -> (record, errors)."""
    errors: list[RowError] = []
    record: dict = {}

    def err(key: str, message: str, code: str) -> None:
        errors.append(RowError(number, LABELS[key], message, code))

    for key, value in raw.items():
        if key == "name":
            text = clean_name(value)
        elif key == "phone":
            text = clean_phone(value)
        elif key == "birth_month":
            text = None
        else:
            text = cell_text(value)
        if text is not None and len(text) > MAX_LENGTH[key]:
            err(key, f"内容过长（{len(text)} 字），最多 {MAX_LENGTH[key]} 字", "too_long")
            continue
        if key == "name":
            if not text:
                err(key, "姓名不能为空", "missing_name")
            record[key] = text
        elif key == "member_no":
            text = unicodedata.normalize("NFKC", text).replace(" ", "")
            if not text:
                err(key, "委员证号不能为空", "missing_member_no")
            elif not MEMBER_NO_RE.fullmatch(text):
                err(key, f"委员证号“{text}”只能包含字母、数字和 - _ /", "bad_member_no")
            record[key] = text
        elif key == "gender":
            if text and text not in GENDERS:
                err(key, f"性别“{text}”无法识别，应为“男”或“女”", "unknown_gender")
            record[key] = GENDERS.get(text, "")
        elif key == "birth_month":
            try:
                record[key] = parse_birth_month(value if not isinstance(value, str) else value.strip() or None)
            except ValueError:
                err(key, f"出生年月“{cell_text(value)}”无法识别，请写成 1968.05、1968-05 或 1968年5月", "bad_date")
        elif key == "sector":
            if text and text not in sectors:
                err(key, f"界别“{text}”不在界别表中，请先在“界别管理”中添加或改正名称", "unknown_sector")
            record[key] = text
        elif key == "group":
            if text and text not in groups:
                err(key, f"讨论组“{text}”不存在，请先在“讨论组管理”中添加", "unknown_group")
            record[key] = text
        elif key == "phone":
            if text and not PHONE_RE.fullmatch(text):
                err(key, f"手机号“{cell_text(value)}”不正确，应为 11 位手机号码（1 开头）", "bad_phone")
            record[key] = text
        elif key == "committee_role":
            if text and text not in COMMITTEE_ROLES:
                err(key, f"职务“{text}”无法识别，应为 主席、副主席、秘书长、常委 或 委员", "unknown_role")
            record[key] = COMMITTEE_ROLES.get(text or "委员", "委员")
        elif key == "kind":
            if text and text not in KINDS:
                err(key, f"类别“{text}”无法识别，应为“委员”或“列席”", "unknown_kind")
            record[key] = KINDS.get(text or "委员", "委员")
        else:  # ethnicity, party, employer: free text
            record[key] = text
    return record, errors


# ---- preview ----------------------------------------------------------------------------------------------

@dataclass
class Change:
    key: str
    old: object
    new: object

    @property
    def label(self) -> str:
        return LABELS[self.key]


@dataclass
class Preview:
    added: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, list[Change]]] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)  # in the database, not in the file (kept, only listed)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)

    def summary(self) -> dict:
        return {"added": len(self.added), "changed": len(self.changed), "unchanged": len(self.unchanged),
                "missing": len(self.missing)}


def comparable(key: str, value):
    if value is None:
        return None if key == "birth_month" else ""
    return value


def diff(records: list[dict], existing: dict[str, dict]) -> Preview:
    """Compare the file's records with the members in the database, keyed by 委员证号.

    Only the columns present in the file are compared (a file without 手机 leaves phones alone)."""
    preview = Preview()
    seen = set()
    for record in records:
        no = record["member_no"]
        seen.add(no)
        current = existing.get(no)
        if current is None:
            preview.added.append(record)
            continue
        changes = [Change(key, comparable(key, current.get(key)), comparable(key, value))
                   for key, value in record.items()
                   if key != "member_no" and comparable(key, current.get(key)) != comparable(key, value)]
        if changes:
            preview.changed.append((record, changes))
        else:
            preview.unchanged.append(record)
    preview.missing = [row for no, row in existing.items() if no not in seen]
    return preview


def export_row(record: dict) -> list[str]:
    """One member (a record with every key) as the export's cells, in EXPORT_HEADERS order; all text, so that
    Excel keeps leading zeros of 证号 and does not turn 1968.10 into a number."""
    out = []
    for key in KEYS:
        value = record.get(key)
        if key == "birth_month":
            out.append(format_birth_month(value))
        else:
            out.append("" if value is None else str(value))
    return out


# ---- names ------------------------------------------------------------------------------------------------

NAME_SEPARATORS = re.compile(r"[\n\r、，,；;\t ]+|\u3000+")


def split_names(text: str) -> list[str]:
    """Names pasted one a line or separated by 、，, spaces; blanks dropped, duplicates kept once in order."""
    seen: set[str] = set()
    out = []
    for part in NAME_SEPARATORS.split(text or ""):
        name = part.strip()
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out
