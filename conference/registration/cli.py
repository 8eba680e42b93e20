"""flask roster import/export, flask names sort."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db

roster_cli = AppGroup("roster", help="委员名册 (roster import/export)")
names_cli = AppGroup("names", help="姓名 (names)")


@roster_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并显示将要进行的修改，不写入数据库")
def import_roster(file: Path, dry_run: bool):
    """Check a roster file (.xlsx/.csv) and import it, all or nothing. Exit 0 only when the file is valid."""
    from . import services

    try:
        check = services.check_roster(file.read_bytes())
    except DomainError as exc:
        db.session.rollback()
        click.echo(f"文件错误：{exc.message}（{exc.code}）", err=True)
        sys.exit(2)
    if not check.ok:
        for error in check.errors:
            click.echo(str(error))
        click.echo(f"共 {len(check.errors)} 处错误，未导入任何数据。", err=True)
        sys.exit(1)
    summary = check.preview.summary()
    line = (f"新增 {summary['added']} 人，更新 {summary['changed']} 人，未变 {summary['unchanged']} 人，"
            f"库中有而名册中没有 {summary['missing']} 人（不删除）")
    if dry_run:
        for record, changes in check.preview.changed:
            click.echo(f"更新 {record['member_no']} {record['name']}："
                       + "；".join(f"{c.label} {c.old or ''} → {c.new or ''}" for c in changes))
        for record in check.preview.added:
            click.echo(f"新增 {record['member_no']} {record['name']}")
        click.echo(f"检查通过（未写入）：{line}")
        return
    try:
        services.apply_roster(check)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(f"导入失败：{exc.message}（{exc.code}）", err=True)
        sys.exit(1)
    click.echo(f"已导入：{line}")


@roster_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_roster(file: Path):
    """Write the roster to an .xlsx in 姓氏笔画 order (the same headers as the import)."""
    from . import services

    records = services.export_records()
    from .roster_files import write_xlsx

    file.write_bytes(write_xlsx(records))
    click.echo(f"已导出 {len(records)} 人到 {file}")


@names_cli.command("sort")
@click.option("--convention", type=click.Choice(["cppcc", "npc"]), default="cppcc", show_default=True,
              help="cppcc：政协惯例（田富 在 田大利 之前）；npc：人大惯例（逐字比较）")
def sort_names(convention: str):
    """Read names from stdin (one a line, or separated by 、，, spaces) and print them in 姓氏笔画 order."""
    from .roster import split_names
    from .strokes import sort_names as _sort

    for name in _sort(split_names(sys.stdin.read()), convention):
        click.echo(name)


def register(app: Flask) -> None:
    app.cli.add_command(roster_cli)
    app.cli.add_command(names_cli)
