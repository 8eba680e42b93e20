from __future__ import annotations

import click
from flask import Flask

from ..extensions import db


def register(app: Flask) -> None:
    @app.cli.group("demo", help="演示数据 (demo data)")
    def demo():
        pass

    @demo.command("load")
    @click.option("--if-empty", is_flag=True, help="只在数据库为空时载入")
    @click.option("--members", default=600, show_default=True)
    def load(if_empty: bool, members: int):
        """Load a realistic demo committee, staff accounts and a meeting."""
        from ..demo import is_empty, load_demo

        if if_empty and not is_empty():
            click.echo("数据库已有数据，跳过演示数据。")
            return
        ctx = load_demo(member_count=members)
        db.session.commit()
        click.echo(f"已载入演示数据：{len(ctx.members)} 人，会议“{ctx.meeting.title}”，{len(ctx.sittings)} 个会次。")

    @demo.command("logins")
    @click.option("--base-url", default="", help="服务地址，如 http://127.0.0.1:5000/")
    def logins(base_url: str):
        """Print the demo logins."""
        from ..accounts.services import login_token
        from ..demo import demo_logins
        from ..registration.models import Member

        for who, login, password in demo_logins():
            click.echo(f"  {who:<14} 登录名 {login:<10} 密码/登录码 {password}")
        member = db.session.scalar(db.select(Member).order_by(Member.id))
        if member is not None:
            click.echo(f"  委员一键登录链接：{base_url.rstrip('/')}/t/{login_token(member)}")
