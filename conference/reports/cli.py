"""``flask pdf <kind> …``: build a document from the command line, with a progress bar.

    flask pdf passes --meeting 1 [--sitting 3] [--layout single] -o 参会证.pdf
    flask pdf duty --from 2026-01-01 --to 2026-12-31 -o 履职.pdf
    flask pdf kinds                                   # every job kind registered by the domains
    flask pdf handbook --param meeting_id=1 -o 手册.pdf      # any kind another domain registered
    flask pdf run-queue                               # run queued jobs in this process (no web server)

Each command runs the same job function the web job runner runs, synchronously, recorded as a Job row
created by "命令行".
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from ..errors import DomainError
from ..extensions import db


def _run(kind: str, params: dict, output: str | None) -> None:
    from ..jobs import services
    from ..jobs.models import JobStatus

    try:
        job = services.create_job(kind, params, None)
    except DomainError as exc:
        raise click.ClickException(f"{exc.message}（{exc.code}）") from None
    db.session.commit()
    job_id = job.id
    label = services.registry.get(kind).label
    state = {"bar": None, "shown": 0}

    def tick(done, total, message):
        if total and state["bar"] is None:
            state["bar"] = click.progressbar(length=int(total), label=label)
            state["bar"].__enter__()
        if state["bar"] is not None and done > state["shown"]:
            state["bar"].update(done - state["shown"])
            state["shown"] = done

    try:
        job = services.run_job(job_id, on_progress=tick)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
    if job.status != JobStatus.DONE:
        raise click.ClickException(job.error or "生成失败")
    source = services.jobs_dir() / job.result_file
    target = Path(output) if output else Path(job.result_name)
    target.write_bytes(source.read_bytes())
    click.echo(f"已生成 {target}（{job.result_size / 1024:.0f} KB，{job.message}）")


def _params(pairs: tuple[str, ...]) -> dict:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"应为 key=value：{pair}", param_hint="--param")
        params[key.strip()] = value
    return params


class PdfGroup(AppGroup):
    """``flask pdf <kind>`` also works for every job kind another domain registered (e.g. handbook)."""

    def list_commands(self, ctx):
        from ..jobs import registry

        own = super().list_commands(ctx)
        return own + sorted(k for k in registry.kinds() if k not in own and k not in ALIASES.values())

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        from ..jobs import registry

        kind = registry.get(name)
        if kind is None:
            return None

        @click.command(name, help=f"{kind.label}（参数：{', '.join(kind.params_help) or '无'}）")
        @click.option("--param", "pairs", multiple=True, help="key=value，可重复")
        @click.option("-o", "--output", help="输出文件")
        @with_appcontext
        def dynamic(pairs, output):
            _run(name, _params(pairs), output)
        return dynamic


ALIASES = {"duty": "duty_report"}


def register(app: Flask) -> None:
    @app.cli.group("pdf", cls=PdfGroup, help="生成会议文档（与网页后台任务相同）")
    def pdf():
        pass

    @pdf.command("passes")
    @click.option("--meeting", "meeting_id", type=int, required=True, help="会议编号")
    @click.option("--sitting", "sitting_id", type=int, help="只做该会次应到人员及列席")
    @click.option("--layout", type=click.Choice(["sheet", "single"]), default="sheet", show_default=True)
    @click.option("--base-url", help="登录二维码的网址前缀，如 https://hy.example.cn/")
    @click.option("-o", "--output", help="输出文件")
    def passes(meeting_id, sitting_id, layout, base_url, output):
        """参会证 (8 per A4 sheet, or one per page)."""
        params = {"meeting_id": meeting_id, "layout": layout}
        if sitting_id:
            params["sitting_id"] = sitting_id
        if base_url:
            params["base_url"] = base_url
        _run("passes", params, output)

    @pdf.command("duty")
    @click.option("--from", "start", required=True, help="开始日期 YYYY-MM-DD")
    @click.option("--to", "end", required=True, help="结束日期 YYYY-MM-DD")
    @click.option("-o", "--output", help="输出文件")
    def duty(start, end, output):
        """委员履职统计报告."""
        _run("duty_report", {"start": start, "end": end}, output)

    @pdf.command("run")
    @click.argument("kind")
    @click.option("--param", "pairs", multiple=True, help="key=value，可重复")
    @click.option("-o", "--output", help="输出文件")
    def run(kind, pairs, output):
        """Any registered job kind, e.g. handbook --param meeting_id=1."""
        _run(kind, _params(pairs), output)

    @pdf.command("kinds")
    def kinds():
        """List the registered job kinds and their parameters."""
        from ..jobs import registry

        for name, kind in sorted(registry.kinds().items()):
            click.echo(f"{name:<14} {kind.label}")
            for key, help_text in kind.params_help.items():
                click.echo(f"    --param {key}=…   {help_text}")

    @pdf.command("run-queue")
    def run_queue():
        """Run every queued job in this process (when no web server starts workers)."""
        from ..jobs import services

        n = 0
        while (job_id := services.claim_next()) is not None:
            job = services.run_job(job_id)
            n += 1
            click.echo(f"{job.title}: {job.status.label} {job.error or ''}")
        click.echo(f"共运行 {n} 个任务")
