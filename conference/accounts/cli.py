from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from . import services
from .roles import STAFF_ROLES

users_cli = AppGroup("users", help="员工账号 (staff accounts)")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="姓名")
@click.option("--role", type=click.Choice(sorted(r.value for r in STAFF_ROLES)), required=True)
@click.password_option("--password", help="密码（至少 8 位）")
def create_user(username: str, display_name: str, role: str, password: str):
    """Create a staff account."""
    try:
        user = services.create_user(username, display_name, role, password)
        db.session.commit()
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} ({exc.code})") from None
    click.echo(f"已创建账号 {user.username}（{user.role.label}）")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
