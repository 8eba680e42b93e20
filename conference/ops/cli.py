from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from .backup import create_backup, restore_backup

backup_cli = AppGroup("backup", help="备份与恢复 (backup and restore)")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def create(file: str):
    """Write every table and uploaded file to FILE (a zip)."""
    data = create_backup(Path(current_app.config["UPLOAD_DIR"]))
    Path(file).write_bytes(data)
    click.echo(f"已备份到 {file}（{len(data) / 1024:.0f} KB）")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def restore(file: str):
    """Restore FILE into an empty database (run `flask db upgrade` first)."""
    try:
        counts = restore_backup(Path(file).read_bytes(), Path(current_app.config["UPLOAD_DIR"]))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message} ({exc.code})") from None
    click.echo(f"已恢复 {sum(counts.values())} 行，{len(counts)} 张表。")


def register(app: Flask) -> None:
    app.cli.add_command(backup_cli)
