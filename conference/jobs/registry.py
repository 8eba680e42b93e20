"""Job kinds: a name → a function that builds one document.

How a domain adds a kind (e.g. the agenda engineer's 会议手册)::

    # conference/agenda/jobs.py  — discovered automatically (any conference/<domain>/jobs.py is imported)
    from ..jobs.registry import register

    def build_handbook(params: dict, progress) -> tuple[str, bytes]:
        meeting = meetings.services.get_meeting(int(params["meeting_id"]))   # runs inside an app context
        progress(0, 3, "正在汇总议程")          # done, total, message (all optional but done)
        data = ...                                # fill conference.pdf.data.Handbook
        progress(2, 3, "正在排版")
        return f"{meeting.title}会议手册.pdf", render_handbook(data)

    register("handbook", build_handbook, label="会议手册",
             describe=lambda p: f"会议手册（会议 {p['meeting_id']}）")

then anyone with the role may start it: POST /jobs/ with kind=handbook and params (form fields
``param-<key>`` or JSON ``{"kind": "handbook", "params": {...}}``), or ``flask pdf handbook --param
meeting_id=1 -o 手册.pdf``. The function runs in the job worker process (its own app, threading mode,
its own DB connection), never in the process that serves the websockets. It must:

- read everything it needs from the database itself (params are plain JSON: ids, dates, flags);
- call ``progress(done, total, message)`` now and then (the runner writes at most a few rows a second);
- raise :class:`conference.errors.DomainError` (or anything else) to fail; the message is shown to the user;
- return ``(download file name, bytes)``; the runner stores the bytes under ``instance/jobs/``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Protocol

from ..accounts.roles import Role


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None: ...


JobFunction = Callable[[dict, Progress], tuple[str, bytes]]


@dataclass(frozen=True)
class JobKind:
    name: str
    fn: JobFunction
    label: str
    roles: tuple[str, ...] = (Role.SECRETARIAT,)
    describe: Callable[[dict], str] | None = None
    validate: Callable[[dict], dict] | None = None   # raise DomainError early, in the request
    params_help: dict[str, str] = field(default_factory=dict)

    def title(self, params: dict) -> str:
        if self.describe is not None:
            try:
                return self.describe(params)
            except Exception:  # noqa: BLE001 - a title must never stop a job from being created
                pass
        return self.label


_KINDS: dict[str, JobKind] = {}
_loaded = False


def register(kind: str, fn: JobFunction, *, label: str, roles: tuple[str, ...] = (Role.SECRETARIAT,),
             describe: Callable[[dict], str] | None = None, validate: Callable[[dict], dict] | None = None,
             params_help: dict[str, str] | None = None) -> JobKind:
    """Register (or replace, for reloads and tests) a job kind."""
    job_kind = JobKind(kind, fn, label, tuple(roles), describe, validate, dict(params_help or {}))
    _KINDS[kind] = job_kind
    return job_kind


PARAM_LABELS = {"meeting_id": "会议编号", "sitting_id": "会次编号", "vote_id": "表决/选举编号", "topic_id": "议题编号"}


def register_document(kind: str, *, label: str, param: str, load: Callable[[int], object],
                      build: Callable[[object], bytes], filename: Callable[[object], str],
                      roles: tuple[str, ...] = (Role.SECRETARIAT,)) -> JobKind:
    """A document of one object (a sitting's 签到表, a vote's result sheet) as a job kind, and so as
    ``flask pdf <kind> --param <param>=ID``. ``load(id)`` raises NotFound for a bad id."""
    from ..errors import DomainError

    def validate(params: dict) -> dict:
        try:
            value = int(params.get(param))
        except (TypeError, ValueError):
            raise DomainError("missing_param", f"缺少参数：{PARAM_LABELS.get(param, param)}（{param}）") from None
        load(value)
        return {param: value}

    def run(params: dict, progress) -> tuple[str, bytes]:
        obj = load(int(params[param]))
        progress(0, 1, "正在排版")
        return filename(obj), build(obj)

    return register(kind, run, label=label, roles=roles, validate=validate,
                    describe=lambda p: f"{label}（{PARAM_LABELS.get(param, param)} {p.get(param)}）",
                    params_help={param: PARAM_LABELS.get(param, param)})


def unregister(kind: str) -> None:
    _KINDS.pop(kind, None)


def load_all() -> None:
    """Import every domain's ``jobs`` module once, so their ``register`` calls have run."""
    global _loaded
    if _loaded:
        return
    from .. import DOMAINS, optional_module

    optional_module("jobs.kinds")
    for domain in DOMAINS:
        if domain != "jobs":
            optional_module(f"{domain}.jobs")
    _loaded = True


def get(kind: str) -> JobKind | None:
    load_all()
    return _KINDS.get(kind)


def kinds() -> dict[str, JobKind]:
    load_all()
    return dict(_KINDS)


def _reload_for_tests() -> None:  # pragma: no cover - helper
    global _loaded
    _loaded = False
    importlib.invalidate_caches()
