"""Backup and restore: every table and every uploaded file in one zip archive.

Layout: ``manifest.json`` (validated by schemas/backup.schema.json), ``tables/<name>.jsonl`` (one JSON object a
row), ``uploads/...`` (the upload folder). Restore goes into an empty database (after ``flask db upgrade``),
table by table in foreign-key order, then resets PostgreSQL sequences.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import io
import json
import uuid
import zipfile
from pathlib import Path

from sqlalchemy import Date, DateTime, Integer, LargeBinary, Time, Uuid, func, select, text
from sqlalchemy.types import TypeDecorator

from ..errors import DomainError
from ..extensions import db

FORMAT = "conference-backup"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "backup.schema.json"


def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(column, value):
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Time):
        return dt.time.fromisoformat(value)
    if isinstance(kind, Uuid) and isinstance(value, str):
        return uuid.UUID(value)
    if isinstance(kind, LargeBinary) and isinstance(value, str):
        return base64.b64decode(value)
    return value


def _alembic_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


def create_backup(upload_dir: Path) -> bytes:
    buffer = io.BytesIO()
    manifest = {"format": FORMAT, "version": VERSION, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "alembic_revision": _alembic_revision(), "tables": {}, "files": []}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in db.metadata.sorted_tables:
            lines = []
            for row in db.session.execute(select(table)).mappings():
                lines.append(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False))
            archive.writestr(f"tables/{table.name}.jsonl", "\n".join(lines))
            manifest["tables"][table.name] = len(lines)
        if upload_dir and Path(upload_dir).is_dir():
            for path in sorted(Path(upload_dir).rglob("*")):
                if path.is_file():
                    name = path.relative_to(upload_dir).as_posix()
                    archive.write(path, f"uploads/{name}")
                    manifest["files"].append(name)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return buffer.getvalue()


def read_manifest(archive: zipfile.ZipFile) -> dict:
    import jsonschema

    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise DomainError("bad_backup", "备份文件缺少有效的 manifest.json") from None
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(manifest, schema)
    except jsonschema.ValidationError as exc:
        raise DomainError("bad_backup", f"备份清单不符合格式：{exc.message}") from None
    return manifest


def restore_backup(data: bytes, upload_dir: Path) -> dict:
    """Restore into an empty database; returns the row counts restored."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DomainError("bad_backup", "不是有效的备份文件（zip）") from None
    manifest = read_manifest(archive)
    tables = {t.name: t for t in db.metadata.sorted_tables}
    unknown = set(manifest["tables"]) - set(tables)
    if unknown:
        raise DomainError("bad_backup", "备份包含本系统没有的数据表：" + "、".join(sorted(unknown)))
    for table in tables.values():
        if db.session.scalar(select(func.count()).select_from(table)):
            raise DomainError("not_empty", f"目标数据库不为空（{table.name} 已有数据），只能恢复到空数据库")
    restored = {}
    for table in db.metadata.sorted_tables:
        if table.name not in manifest["tables"]:
            continue
        raw = archive.read(f"tables/{table.name}.jsonl").decode("utf-8")
        rows = [json.loads(line) for line in raw.splitlines() if line.strip()]
        if len(rows) != manifest["tables"][table.name]:
            raise DomainError("bad_backup", f"数据表 {table.name} 的行数与清单不符")
        columns = {c.name: c for c in table.columns}
        decoded = [{k: _decode(columns[k], v) for k, v in row.items() if k in columns} for row in rows]
        if decoded:
            db.session.execute(table.insert(), decoded)
        restored[table.name] = len(decoded)
    _reset_sequences()
    for name in manifest["files"]:
        target = (Path(upload_dir) / name).resolve()
        if Path(upload_dir).resolve() not in target.parents:
            raise DomainError("bad_backup", f"备份中的文件路径不安全：{name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(f"uploads/{name}"))
    return restored


def _reset_sequences() -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                    f"COALESCE((SELECT MAX(\"{column.name}\") FROM \"{table.name}\"), 0) + 1, false)"))
