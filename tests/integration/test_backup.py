"""Backup → restore into an empty database gives back every row and file."""
import zipfile
import io
import json

import pytest
from sqlalchemy import func, select

from conference.errors import DomainError
from conference.extensions import db
from conference.ops.backup import create_backup, restore_backup


def _counts():
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_round_trip(app, ctx, tmp_path):
    from conference.demo import load_demo
    from conference.registration.models import Member

    load_demo(member_count=40, attendee_count=3)
    db.session.commit()
    uploads = tmp_path / "up"
    (uploads / "docs").mkdir(parents=True)
    (uploads / "docs" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    before = _counts()
    names = sorted(db.session.scalars(select(Member.name)).all())
    archive = create_backup(uploads)

    # restoring into a non-empty database is refused
    with pytest.raises(DomainError) as excinfo:
        restore_backup(archive, tmp_path / "up2")
    assert excinfo.value.code == "not_empty"
    db.session.rollback()

    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    restored = restore_backup(archive, tmp_path / "up2")
    db.session.commit()
    assert _counts() == before and sum(restored.values()) == sum(before.values())
    assert sorted(db.session.scalars(select(Member.name)).all()) == names
    assert (tmp_path / "up2" / "docs" / "a.pdf").read_bytes() == b"%PDF-1.4 test"
    # sequences continue after the restored ids
    from conference.registration.models import Sector
    db.session.add(Sector(name="新界别", position=99))
    db.session.commit()


def test_bad_archives_are_refused(app, ctx, tmp_path):
    with pytest.raises(DomainError) as excinfo:
        restore_backup(b"not a zip", tmp_path)
    assert excinfo.value.code == "bad_backup"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "other", "version": 1}))
    with pytest.raises(DomainError) as excinfo:
        restore_backup(buffer.getvalue(), tmp_path)
    assert excinfo.value.code == "bad_backup"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "conference-backup", "version": 1, "created_at": "x",
                                                "tables": {}, "files": ["../../etc/passwd"]}))
    with pytest.raises(DomainError):
        restore_backup(buffer.getvalue(), tmp_path)


def test_cli_round_trip(app, ctx, tmp_path):
    from conference.demo import load_demo

    load_demo(member_count=10, attendee_count=1)
    db.session.commit()
    runner = app.test_cli_runner()
    target = tmp_path / "b.zip"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert "manifest.json" in zipfile.ZipFile(target).namelist()
    result = runner.invoke(args=["backup", "restore", str(target)])
    assert result.exit_code != 0 and "只能恢复到空数据库" in result.output
