"""Reading and writing roster files: .xlsx (openpyxl) and .csv (UTF-8 with/without BOM, GBK/GB18030, UTF-16),
and the JSON Schema check of a mapped row. No app, no database.

The kind of file is sniffed from its bytes, never from its name: a renamed Word document or an old .xls is
refused with a sentence that says what it is.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from functools import lru_cache
from pathlib import Path

from .roster import EXPORT_HEADERS, LABELS, RosterFileError, RowError, export_row

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "roster.schema.json"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_MAGIC = (
    (b"\xd0\xcf\x11\xe0", "legacy_xls", "这是旧版 Excel（.xls）或 Word 文件，请在 Excel 中“另存为”.xlsx 或 CSV 后再上传"),
    (b"%PDF", "not_spreadsheet", "这是 PDF 文件，不是表格。请上传 .xlsx 或 .csv 名册"),
    (b"\x89PNG", "not_spreadsheet", "这是图片（PNG），不是表格。请上传 .xlsx 或 .csv 名册"),
    (b"\xff\xd8\xff", "not_spreadsheet", "这是图片（JPEG），不是表格。请上传 .xlsx 或 .csv 名册"),
    (b"GIF8", "not_spreadsheet", "这是图片（GIF），不是表格。请上传 .xlsx 或 .csv 名册"),
    (b"Rar!", "not_spreadsheet", "这是 RAR 压缩包，不是表格。请上传 .xlsx 或 .csv 名册"),
    (b"7z\xbc\xaf", "not_spreadsheet", "这是 7z 压缩包，不是表格。请上传 .xlsx 或 .csv 名册"),
)


def sniff(data: bytes) -> str:
    """'xlsx' or 'csv', or raise RosterFileError."""
    if not data or not data.strip():
        raise RosterFileError("empty_file", "文件是空的，没有任何内容")
    for magic, code, message in _MAGIC:
        if data.startswith(magic):
            raise RosterFileError(code, message)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise RosterFileError("not_spreadsheet", "文件已损坏，无法作为 Excel 表格打开") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            raise RosterFileError("not_spreadsheet", "这是 Word 文档，不是表格。请上传 .xlsx 或 .csv 名册")
        raise RosterFileError("not_spreadsheet", "这是一个压缩包，不是 Excel 表格。请上传 .xlsx 或 .csv 名册")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"
    if b"\x00" in data[:4096]:
        raise RosterFileError("not_spreadsheet", "无法识别的文件（二进制内容），请上传 .xlsx 或 .csv 名册")
    return "csv"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
        if controls:
            raise RosterFileError("not_spreadsheet", "无法识别的文件（含有控制字符），请上传 .xlsx 或 .csv 名册")
        return text
    raise RosterFileError("bad_encoding", "文件编码无法识别：CSV 请保存为 UTF-8 或 GBK（GB18030）编码")


def read_csv(data: bytes, *, max_rows: int) -> list[tuple[int, list]]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    rows = []
    filled = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, 1):
            if any(c.strip() for c in cells):
                filled += 1
                if filled > max_rows + 5:  # header and a title row or two, then refuse without reading on
                    raise RosterFileError("too_many_rows", f"文件超过 {max_rows} 行数据的上限，请分批导入")
            rows.append((number, cells))
    except csv.Error as exc:
        raise RosterFileError("bad_csv", f"CSV 格式有误（第{reader.line_num}行）：{exc}") from None
    _refuse_formulas((n, i, c) for n, cells in rows for i, c in enumerate(cells))
    return rows


def read_xlsx(data: bytes, *, max_rows: int) -> list[tuple[int, list]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise RosterFileError("not_spreadsheet", "无法打开该 Excel 文件（文件可能已损坏或加密）") from None
    try:
        if not wb.worksheets:
            raise RosterFileError("empty_file", "工作簿中没有工作表")
        ws = wb.worksheets[0]
        rows: list[tuple[int, list]] = []
        formulas = []
        filled = 0
        for number, row in enumerate(ws.iter_rows(), 1):
            cells = []
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                    formulas.append((number, index, value))
                cells.append(value)
            while cells and cells[-1] in (None, ""):
                cells.pop()
            if cells:
                filled += 1
                if filled > max_rows + 5:
                    raise RosterFileError("too_many_rows", f"文件超过 {max_rows} 行数据的上限，请分批导入")
            rows.append((number, cells))
        path = getattr(ws, "_worksheet_path", None)
    finally:
        wb.close()
    _refuse_formulas(formulas)
    _refuse_merged(data, path, rows)
    return rows


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _refuse_formulas(cells) -> None:
    found = [f"{_column_letter(i)}{n}" for n, i, value in cells if isinstance(value, str) and value.startswith("=")]
    if found:
        more = f" 等 {len(found)} 处" if len(found) > 10 else ""
        raise RosterFileError("formulas", f"表格中有公式（{'、'.join(found[:10])}{more}）。请复制后“选择性粘贴为数值”再上传")


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _refuse_merged(data: bytes, path: str | None, rows: list[tuple[int, list]]) -> None:
    """Merged cells among the header and members are refused; a merged title row above the header is fine."""
    if path is None:
        return
    try:
        xml = zipfile.ZipFile(io.BytesIO(data)).read(path.lstrip("/"))
    except KeyError:
        return
    merges = [(m.group(1).decode() + m.group(2).decode(), int(m.group(2)), int(m.group(4) or m.group(2)))
              for m in _MERGE_RE.finditer(xml)]
    if not merges:
        return
    from .roster import find_header

    try:
        header_row = find_header(rows).row
    except RosterFileError:
        header_row = 1
    bad = [ref for ref, first, last in merges if last >= header_row]
    if bad:
        raise RosterFileError("merged_cells", f"表格中有合并单元格（{'、'.join(bad[:10])}），请取消合并、每行填写一位委员后再上传")


def read_table(data: bytes, *, max_rows: int) -> list[tuple[int, list]]:
    kind = sniff(data)
    return read_xlsx(data, max_rows=max_rows) if kind == "xlsx" else read_csv(data, max_rows=max_rows)


# ---- JSON Schema ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    return cls(schema(), format_checker=cls.FORMAT_CHECKER)


def as_json(record: dict) -> dict:
    return {k: (f"{v.year:04d}-{v.month:02d}" if isinstance(v, date) else v) for k, v in record.items()
            if not (k == "birth_month" and v is None)}


def schema_errors(number: int, record: dict) -> list[RowError]:
    """The schema is the contract of a row after header mapping; the domain rules already give precise sentences,
    so this is a backstop that should find nothing for a record the rules accepted."""
    out = []
    for error in _validator().iter_errors(as_json(record)):
        key = error.path[0] if error.path else (error.validator_value[0] if error.validator == "required" else "")
        out.append(RowError(number, LABELS.get(key, str(key) or "整行"), f"不符合名册格式（{error.validator}）",
                            "schema"))
    return out


# ---- export -----------------------------------------------------------------------------------------------

def write_xlsx(records: list[dict], title: str = "委员名册") -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(EXPORT_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for record in records:
        ws.append(export_row(record))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # text: keeps leading zeros and 1968.10
    widths = {"姓名": 10, "工作单位及职务": 36, "界别": 18, "委员证号": 12, "手机": 14}
    for i, header in enumerate(EXPORT_HEADERS):
        ws.column_dimensions[_column_letter(i)].width = widths.get(header, 9)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
