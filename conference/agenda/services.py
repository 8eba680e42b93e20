"""Agenda and document distribution use cases: load, check, call the pure rules, flush; raise DomainError."""
from __future__ import annotations

import hashlib
import io
import secrets
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from .. import optional_module
from ..accounts.roles import Role
from ..audit.services import actor_label, record
from ..dbsetup import begin_write
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..meetings.models import Meeting, Sitting
from ..realtime import emit
from ..registration.models import CommitteeRole, Group, Member, Sector
from ..registration.strokes import sort_key
from ..timeutil import fmt, local, utcnow
from . import audience as aud
from . import files, reading, versions
from .models import (AgendaItem, AgendaLive, AgendaVersion, Document, DocumentReceipt, DocumentState, Notice,
                     NoticeRead)

READER_ROLES = (Role.SECRETARIAT, Role.PRESIDER, Role.SCREEN)  # staff who may read every document
DEFAULT_DOCUMENT_LIMIT = 50 * 1024 * 1024


# ==== agenda =========================================================================================
def get_item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("找不到该议程项")
    return item


def items_of(sitting: Sitting) -> list[AgendaItem]:
    return db.session.scalars(select(AgendaItem).where(AgendaItem.sitting_id == sitting.id)
                              .order_by(AgendaItem.position, AgendaItem.id)).all()


def _clean_item_fields(title: str, presenter: str, minutes) -> tuple[str, str, int | None]:
    title = (title or "").strip()
    if not title:
        raise DomainError("title_required", "请输入议程项名称")
    if len(title) > 300:
        raise DomainError("title_too_long", "议程项名称不能超过 300 字")
    presenter = (presenter or "").strip()[:120]
    if minutes in ("", None):
        minutes = None
    else:
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            raise DomainError("bad_minutes", "预计时长须为分钟数") from None
        if not 0 < minutes <= 24 * 60:
            raise DomainError("bad_minutes", "预计时长须在 1 到 1440 分钟之间")
    return title, presenter, minutes


def add_item(sitting: Sitting, *, title: str, presenter: str = "", planned_at: datetime | None = None,
             minutes=None) -> AgendaItem:
    title, presenter, minutes = _clean_item_fields(title, presenter, minutes)
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.sitting_id == sitting.id))
    item = AgendaItem(sitting_id=sitting.id, position=(last or 0) + 1, title=title, presenter=presenter,
                      planned_at=planned_at, minutes=minutes)
    db.session.add(item)
    db.session.flush()
    record("agenda.item_add", f"sitting:{sitting.id}", {"item": item.id, "title": title})
    return item


def update_item(item: AgendaItem, *, title: str, presenter: str = "", planned_at: datetime | None = None,
                minutes=None) -> AgendaItem:
    item.title, item.presenter, item.minutes = _clean_item_fields(title, presenter, minutes)
    item.planned_at = planned_at
    db.session.flush()
    record("agenda.item_edit", f"sitting:{item.sitting_id}", {"item": item.id, "title": item.title})
    return item


def delete_item(item: AgendaItem) -> None:
    sitting_id = item.sitting_id
    for doc in db.session.scalars(select(Document).where(Document.agenda_item_id == item.id)):
        doc.agenda_item_id = None
        doc.sitting_id = sitting_id
    live = db.session.get(AgendaLive, sitting_id)
    if live is not None and live.current_item_id == item.id:
        live.current_item_id = None
    record("agenda.item_delete", f"sitting:{sitting_id}", {"item": item.id, "title": item.title})
    db.session.delete(item)
    db.session.flush()


def reorder(sitting: Sitting, ordered_ids: list) -> list[AgendaItem]:
    items = items_of(sitting)
    try:
        ids = [int(i) for i in ordered_ids]
    except (TypeError, ValueError):
        raise DomainError("bad_order", "排序数据无效") from None
    if sorted(ids) != sorted(i.id for i in items):
        raise DomainError("stale_order", "议程已被他人修改，请刷新页面后再调整顺序")
    by_id = {i.id: i for i in items}
    for position, item_id in enumerate(ids, 1):
        by_id[item_id].position = position
    db.session.flush()
    record("agenda.reorder", f"sitting:{sitting.id}", {"order": ids})
    return [by_id[i] for i in ids]


def snapshot(sitting: Sitting) -> dict:
    items = items_of(sitting)
    docs = _documents_by_item([i.id for i in items])
    return {"sitting_id": sitting.id, "title": sitting.title,
            "items": [{"id": i.id, "title": i.title, "presenter": i.presenter,
                       "planned": fmt(i.planned_at, "%H:%M") if i.planned_at else "",
                       "minutes": i.minutes,
                       "documents": [d.title for d in docs.get(i.id, []) if d.state != DocumentState.WITHDRAWN]}
                      for i in items]}


def versions_of(sitting: Sitting) -> list[AgendaVersion]:
    return db.session.scalars(select(AgendaVersion).where(AgendaVersion.sitting_id == sitting.id)
                              .order_by(AgendaVersion.number.desc())).all()


def latest_version(sitting_id: int) -> AgendaVersion | None:
    return db.session.scalar(select(AgendaVersion).where(AgendaVersion.sitting_id == sitting_id)
                             .order_by(AgendaVersion.number.desc()).limit(1))


def get_version(sitting: Sitting, number: int) -> AgendaVersion:
    version = db.session.scalar(select(AgendaVersion).where(AgendaVersion.sitting_id == sitting.id,
                                                            AgendaVersion.number == number))
    if version is None:
        raise NotFound("找不到该版本的议程")
    return version


def pending_changes(sitting: Sitting) -> list[versions.Change]:
    """What the draft changes against the last published version (everything when never published)."""
    latest = latest_version(sitting.id)
    return versions.diff(latest.snapshot if latest else None, snapshot(sitting))


def publish_agenda(sitting: Sitting) -> AgendaVersion:
    current = snapshot(sitting)
    if not current["items"]:
        raise DomainError("agenda_empty", "议程还没有任何议程项，不能发布")
    latest = latest_version(sitting.id)
    changes = versions.diff(latest.snapshot if latest else None, current)
    if latest is not None and not changes:
        raise DomainError("no_changes", "议程与已发布的版本相同，无需重新发布")
    version = AgendaVersion(sitting_id=sitting.id, number=(latest.number + 1) if latest else 1, snapshot=current,
                            changes=[c.to_dict() for c in changes], published_by=actor_label())
    db.session.add(version)
    db.session.flush()
    record("agenda.publish", f"sitting:{sitting.id}", {"version": version.number,
                                                        "changes": versions.summary(changes)[:500]})
    payload = {"sitting_id": sitting.id, "sitting": sitting.title, "version": version.number,
               "message": "议程已更新", "summary": versions.summary(changes)[:200]}
    emit("agenda:updated", payload, room="delegates")
    emit("agenda:updated", payload, room=sitting.room)
    return version


def published_items(sitting: Sitting) -> tuple[AgendaVersion | None, list[dict]]:
    latest = latest_version(sitting.id)
    return latest, (latest.snapshot.get("items", []) if latest else [])


def linked_votes(item_ids: list[int]) -> dict[int, list[str]]:
    """Votes of the voting domain whose agenda_item_id points at these items (loose link; none if absent)."""
    module = optional_module("voting.models")
    if module is None or not item_ids:
        return {}
    out: dict[int, list[str]] = {}
    for model in vars(module).values():
        if isinstance(model, type) and issubclass(model, db.Model) and hasattr(model, "agenda_item_id") \
                and hasattr(model, "__table__"):
            for row in db.session.scalars(select(model).where(model.agenda_item_id.in_(item_ids))):
                label = getattr(row, "title", None) or getattr(row, "motion", None) or f"表决 {row.id}"
                out.setdefault(row.agenda_item_id, []).append(str(label))
    return out


# ---- live: the current item ---------------------------------------------------------------------------
def set_current(sitting: Sitting, item_id) -> AgendaLive:
    if item_id in (None, ""):
        item = None
    else:
        try:
            item = db.session.get(AgendaItem, int(item_id))
        except (TypeError, ValueError):
            item = None
        if item is None or item.sitting_id != sitting.id:
            raise DomainError("bad_item", "该议程项不属于本会次")
    live = db.session.get(AgendaLive, sitting.id) or AgendaLive(sitting_id=sitting.id)
    live.current_item_id = item.id if item else None
    live.moved_at = utcnow()
    live.moved_by = actor_label()
    db.session.add(live)
    db.session.flush()
    record("agenda.current", f"sitting:{sitting.id}", {"item": live.current_item_id})
    emit("agenda:current", _current_payload(sitting, item, live), room=sitting.room)
    return live


def step_current(sitting: Sitting, step: int) -> AgendaLive:
    items = items_of(sitting)
    if not items:
        raise DomainError("agenda_empty", "本会次还没有议程项")
    live = db.session.get(AgendaLive, sitting.id)
    ids = [i.id for i in items]
    if live is None or live.current_item_id not in ids:
        index = 0 if step >= 0 else len(ids) - 1
    else:
        index = ids.index(live.current_item_id) + step
    if not 0 <= index < len(ids):
        raise DomainError("agenda_end", "已经是最后一项" if step > 0 else "已经是第一项")
    return set_current(sitting, ids[index])


def _current_payload(sitting: Sitting, item: AgendaItem | None, live: AgendaLive | None) -> dict:
    number = None
    if item is not None:
        number = [i.id for i in items_of(sitting)].index(item.id) + 1
    return {"sitting_id": sitting.id, "item_id": item.id if item else None, "number": number,
            "title": item.title if item else "", "presenter": item.presenter if item else "",
            "moved_at": fmt(live.moved_at, "%H:%M:%S") if live else ""}


def live_state(sitting: Sitting, principal) -> dict:
    """The current item and the viewer's documents for it: what a client fetches on (re)connect."""
    live = db.session.get(AgendaLive, sitting.id)
    item = db.session.get(AgendaItem, live.current_item_id) if live and live.current_item_id else None
    state = _current_payload(sitting, item, live)
    docs = []
    if item is not None:
        docs = [d for d in _documents_by_item([item.id]).get(item.id, []) if _may_list(d, principal)]
    state["documents"] = [{"id": d.id, "title": d.title, "view_only": d.view_only} for d in docs]
    latest = latest_version(sitting.id)
    state["version"] = latest.number if latest else 0
    return state


# ==== audiences ======================================================================================
def person_of(member: Member) -> aud.Person:
    return aud.Person(id=member.id, kind=member.kind.value, committee_role=member.committee_role.value,
                      sector_id=member.sector_id, group_id=member.group_id, active=member.active)


def _people() -> list[tuple[aud.Person, Member]]:
    members = db.session.scalars(select(Member).where(Member.active.is_(True))).unique().all()
    return [(person_of(m), m) for m in members]


def audience_members(audience: dict) -> list[Member]:
    """Members an audience reaches, in 姓氏笔画 order."""
    chosen = [m for p, m in _people() if aud.matches(audience, p)]
    return sorted(chosen, key=lambda m: sort_key(m.name, current_app.config.get("NAME_CONVENTION", "cppcc")))


def build_audience(kind: str, values) -> dict:
    try:
        audience = aud.normalize(kind, values)
    except aud.AudienceError as exc:
        raise DomainError(exc.code, exc.message) from None
    if not any(aud.matches(audience, p) for p, _ in _people()):
        raise DomainError("audience_nobody", "所选范围内没有任何人，请重新选择发送范围")
    return audience


def audience_label(audience: dict) -> str:
    kind, values = audience.get("kind"), audience.get("values") or []
    names: dict = {}
    if kind == "sector":
        names = {("sector", s.id): s.name for s in db.session.scalars(select(Sector).where(Sector.id.in_(values)))}
    elif kind == "group":
        names = {("group", g.id): g.name for g in db.session.scalars(select(Group).where(Group.id.in_(values)))}
    elif kind == "people":
        names = {("people", m.id): m.name for m in db.session.scalars(select(Member).where(Member.id.in_(values)))}
    return aud.describe(audience, names)


def audience_choices() -> dict:
    return {
        "roles": [r.value for r in CommitteeRole],
        "sectors": db.session.scalars(select(Sector).order_by(Sector.position)).all(),
        "groups": db.session.scalars(select(Group).order_by(Group.position, Group.id)).all(),
    }


# ==== documents ======================================================================================
def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_path(doc: Document) -> Path:
    return upload_dir() / doc.stored_name


def get_document(document_id: int) -> Document:
    doc = db.session.get(Document, document_id)
    if doc is None:
        raise NotFound("找不到该文件")
    return doc


def _documents_by_item(item_ids: list[int]) -> dict[int, list[Document]]:
    if not item_ids:
        return {}
    out: dict[int, list[Document]] = {}
    for doc in db.session.scalars(select(Document).where(Document.agenda_item_id.in_(item_ids))
                                  .order_by(Document.id)):
        out.setdefault(doc.agenda_item_id, []).append(doc)
    return out


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert_word(data: bytes, filename: str) -> bytes:
    binary = office_binary()
    if binary is None:
        raise DomainError("word_unsupported", "请先将 Word 文件转换为 PDF 后上传（服务器未安装 LibreOffice）")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / ("upload" + files.extension(filename))
        source.write_bytes(data)
        try:
            subprocess.run([binary, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                           check=True, timeout=180, capture_output=True)
        except (subprocess.SubprocessError, OSError):
            raise DomainError("conversion_failed", "Word 文件转换为 PDF 失败，请先转换为 PDF 后上传") from None
        out = Path(tmp) / "upload.pdf"
        if not out.exists():
            raise DomainError("conversion_failed", "Word 文件转换为 PDF 失败，请先转换为 PDF 后上传")
        return out.read_bytes()


def _placement(meeting: Meeting, sitting_id, item_id) -> tuple[int | None, int | None]:
    sitting_id = int(sitting_id) if sitting_id not in (None, "", 0, "0") else None
    item_id = int(item_id) if item_id not in (None, "", 0, "0") else None
    if item_id is not None:
        item = db.session.get(AgendaItem, item_id)
        if item is None or item.sitting.meeting_id != meeting.id:
            raise DomainError("bad_target", "所选议程项不属于本会议")
        return item.sitting_id, item.id
    if sitting_id is not None:
        sitting = db.session.get(Sitting, sitting_id)
        if sitting is None or sitting.meeting_id != meeting.id:
            raise DomainError("bad_target", "所选会次不属于本会议")
    return sitting_id, None


def upload_document(meeting: Meeting, *, filename: str, stream, title: str = "", audience: dict,
                    sitting_id=None, agenda_item_id=None, view_only: bool = False,
                    withdraw_after_meeting: bool = False) -> Document:
    """Check everything first, then write the file and the row; a refusal leaves nothing behind."""
    if stream is None or not filename:
        raise DomainError("file_required", "请选择要上传的文件")
    limit = int(current_app.config.get("AGENDA_MAX_DOCUMENT_BYTES", DEFAULT_DOCUMENT_LIMIT))
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError("too_large", f"文件超过单个文件上限（{limit // (1024 * 1024)} MB），未保存")
    if not data:
        raise DomainError("empty_file", "文件是空的，未保存")
    original = files.clean_filename(filename)
    try:
        kind = files.check_kind(original, data[:16], is_docx=_is_docx(data) if data[:2] == b"PK" else False)
    except files.UploadError as exc:
        raise DomainError(exc.code, exc.message) from None
    sitting_id, agenda_item_id = _placement(meeting, sitting_id, agenda_item_id)
    converted = ""
    if kind == files.WORD:
        data, kind, converted = _convert_word(data, original), files.PDF, "word"
    if kind == files.PDF:
        try:
            pages = reading.pdf_page_count(data)
        except ValueError:
            raise DomainError("broken_file", "PDF 文件已损坏或已加密，无法打开，未保存") from None
        if pages < 1:
            raise DomainError("broken_file", "PDF 文件没有任何页面，未保存")
    else:
        try:
            reading.image_size(data)
        except Exception:
            raise DomainError("broken_file", "图片文件已损坏，无法打开，未保存") from None
        pages = 1
    title = (title or "").strip()[:200] or files.title_from_filename(original)
    stored = secrets.token_hex(16) + {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg"}[kind]
    doc = Document(meeting_id=meeting.id, sitting_id=sitting_id, agenda_item_id=agenda_item_id, title=title,
                   original_name=original, stored_name=stored, kind=kind, size=len(data), pages=pages,
                   sha256=hashlib.sha256(data).hexdigest(), audience=audience, view_only=bool(view_only),
                   withdraw_after_meeting=bool(withdraw_after_meeting), converted_from=converted,
                   uploaded_by=actor_label())
    db.session.add(doc)
    db.session.flush()
    path = upload_dir() / stored
    path.write_bytes(data)
    db.session().info.setdefault(_NEW_FILES, []).append(path)  # removed again if the transaction rolls back
    record("document.upload", f"document:{doc.id}", {"title": title, "kind": kind, "size": len(data),
                                                      "audience": audience})
    return doc


_NEW_FILES = "agenda_new_files"


@event.listens_for(Session, "after_commit")
def _keep_new_files(session) -> None:
    session.info.pop(_NEW_FILES, None)


@event.listens_for(Session, "after_rollback")
def _drop_new_files(session) -> None:
    for path in session.info.pop(_NEW_FILES, []):
        Path(path).unlink(missing_ok=True)


def update_document(doc: Document, *, title: str, audience: dict, view_only: bool, withdraw_after_meeting: bool,
                    sitting_id=None, agenda_item_id=None) -> Document:
    title = (title or "").strip()[:200]
    if not title:
        raise DomainError("title_required", "请输入文件标题")
    doc.sitting_id, doc.agenda_item_id = _placement(doc.meeting, sitting_id, agenda_item_id)
    doc.title, doc.audience = title, audience
    doc.view_only, doc.withdraw_after_meeting = bool(view_only), bool(withdraw_after_meeting)
    db.session.flush()
    record("document.edit", f"document:{doc.id}", {"title": title, "audience": audience})
    return doc


def publish_document(doc: Document) -> Document:
    if doc.state == DocumentState.PUBLISHED:
        raise DomainError("already_published", "该文件已经发布")
    doc.state, doc.published_at, doc.withdrawn_at = DocumentState.PUBLISHED, utcnow(), None
    db.session.flush()
    record("document.publish", f"document:{doc.id}", {"title": doc.title})
    rooms = [f"member:{m.id}" for m in audience_members(doc.audience)]
    if rooms:
        emit("documents:changed", {"document_id": doc.id, "title": doc.title, "message": "有新的会议文件"}, room=rooms)
    return doc


def withdraw_document(doc: Document) -> Document:
    if doc.state == DocumentState.WITHDRAWN:
        raise DomainError("already_withdrawn", "该文件已经撤回")
    doc.state, doc.withdrawn_at = DocumentState.WITHDRAWN, utcnow()
    db.session.flush()
    record("document.withdraw", f"document:{doc.id}", {"title": doc.title})
    return doc


def today_local() -> date:
    return local(utcnow()).date()


def expired(doc: Document) -> bool:
    """Withdrawn automatically at the end of the meeting (when so marked)."""
    return bool(doc.withdraw_after_meeting and today_local() > doc.meeting.ends_on)


def _may_list(doc: Document, principal) -> bool:
    try:
        check_read(doc, principal)
        return True
    except DomainError:
        return False


def check_read(doc: Document | None, principal) -> None:
    """May this person open the document? Delegates: published, not withdrawn, in its audience.

    A document that does not exist and one outside the reader's audience get the same 403, so guessing
    ids reveals nothing."""
    if principal is None or not getattr(principal, "is_authenticated", False):
        raise Forbidden("请先登录")
    if principal.role in READER_ROLES:
        if doc is None:
            raise NotFound("找不到该文件")
        return
    member = getattr(principal, "member", None)
    if principal.role != Role.DELEGATE or member is None:
        raise Forbidden("您没有权限阅读会议文件")
    if doc is None or doc.state == DocumentState.DRAFT or not aud.matches(doc.audience, person_of(member)):
        raise Forbidden("您不在该文件的阅读范围内")
    if doc.state == DocumentState.WITHDRAWN or expired(doc):
        raise DomainError("withdrawn", "该文件已撤回，不能再阅读", status=403)


def check_download(doc: Document, principal) -> None:
    check_read(doc, principal)
    if doc.view_only and principal.role == Role.DELEGATE:
        raise DomainError("view_only", "该文件为保密文件，只能在线阅读，不能下载或打印", status=403)


def reader_lines(principal) -> list[str]:
    when = fmt(utcnow(), "%Y-%m-%d %H:%M")
    if getattr(principal, "member", None) is not None:
        return reading.watermark_lines(principal.member.name, principal.member.member_no, when)
    user = principal.user
    return reading.watermark_lines(user.display_name, f"工作人员 {user.username}", when)


def watermarked_download(doc: Document, principal) -> tuple[bytes, str, str]:
    """(bytes, mimetype, download name) of the reader's named copy."""
    check_download(doc, principal)
    lines = reader_lines(principal)
    path = document_path(doc)
    if doc.kind == "pdf":
        return reading.watermark_pdf(path, lines), "application/pdf", f"{doc.title}.pdf"
    image = reading.render_base(path, doc.kind, 0, _cache_dir())
    return reading.watermark_image(image, lines, "PNG"), "image/png", f"{doc.title}.png"


def _cache_dir() -> Path:
    return upload_dir() / "cache"


def page_image(doc: Document, principal, page: int) -> bytes:
    check_read(doc, principal)
    if not 1 <= page <= doc.pages:
        raise NotFound("没有这一页")
    return reading.page_image(document_path(doc), doc.kind, page - 1, reader_lines(principal), _cache_dir())


# ---- receipts -------------------------------------------------------------------------------------
def _start_write() -> None:
    """SQLite: end the read-only transaction that loading the user opened, then BEGIN IMMEDIATE (a deferred
    transaction that reads and then writes fails at once when another connection wrote meanwhile)."""
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()
    begin_write()


def record_open(doc: Document, member: Member) -> None:
    """First and last time a delegate opened a document (one row per person: an upsert, never check-then-insert)."""
    doc_id, member_id, name = doc.id, member.id, member.name
    _start_write()
    now = utcnow()
    insert = _dialect_insert()
    stmt = insert(DocumentReceipt).values(document_id=doc_id, member_id=member_id, first_opened_at=now,
                                          last_opened_at=now, opens=1)
    stmt = stmt.on_conflict_do_update(index_elements=["document_id", "member_id"],
                                      set_={"last_opened_at": now, "opens": DocumentReceipt.opens + 1})
    db.session.execute(stmt)
    emit("document:receipt", {"document_id": doc_id, "member_id": member_id, "name": name,
                              "at": fmt(now, "%m-%d %H:%M")}, room="staff")


def receipts_report(doc: Document) -> dict:
    """Who read it (with first/last opened) and who has not, both in 姓氏笔画 order."""
    members = audience_members(doc.audience)
    receipts = {r.member_id: r for r in db.session.scalars(select(DocumentReceipt)
                                                           .where(DocumentReceipt.document_id == doc.id))}
    read = [(m, receipts[m.id]) for m in members if m.id in receipts]
    unread = [m for m in members if m.id not in receipts]
    return {"audience": len(members), "read": read, "unread": unread}


def remind_unread(doc: Document) -> Notice:
    unread = receipts_report(doc)["unread"]
    if not unread:
        raise DomainError("all_read", "范围内的人都已阅读该文件，无需提醒")
    audience = {"kind": "people", "values": sorted(m.id for m in unread)}
    return send_notice(doc.meeting, title=f"请阅读：{doc.title}",
                       body=f"您尚未阅读会议文件《{doc.title}》，请及时阅读。", audience=audience, document=doc)


def my_documents(member: Member, meeting: Meeting | None, principal=None) -> list[dict]:
    """The documents a delegate may read, unread first, with their read state."""
    if meeting is None:
        return []
    person = person_of(member)
    docs = db.session.scalars(select(Document).where(Document.meeting_id == meeting.id,
                                                     Document.state == DocumentState.PUBLISHED)
                              .order_by(Document.published_at.desc(), Document.id.desc())).all()
    docs = [d for d in docs if aud.matches(d.audience, person) and not expired(d)]
    read = set(db.session.scalars(select(DocumentReceipt.document_id).where(
        DocumentReceipt.member_id == member.id, DocumentReceipt.document_id.in_([d.id for d in docs])))) \
        if docs else set()
    rows = [{"doc": d, "read": d.id in read} for d in docs]
    return sorted(rows, key=lambda r: r["read"])  # stable: unread first, newest first inside


def meeting_documents(meeting: Meeting) -> list[Document]:
    return db.session.scalars(select(Document).where(Document.meeting_id == meeting.id)
                              .order_by(Document.uploaded_at.desc(), Document.id.desc())).all()


def read_counts(doc_ids: list[int]) -> dict[int, int]:
    if not doc_ids:
        return {}
    rows = db.session.execute(select(DocumentReceipt.document_id, func.count()).where(
        DocumentReceipt.document_id.in_(doc_ids)).group_by(DocumentReceipt.document_id))
    return dict(rows.all())


# ==== notices =======================================================================================
def send_notice(meeting: Meeting, *, title: str, body: str = "", audience: dict,
                document: Document | None = None) -> Notice:
    title = (title or "").strip()
    if not title:
        raise DomainError("title_required", "请输入通知标题")
    if len(title) > 120 or len(body or "") > 2000:
        raise DomainError("too_long", "通知标题不超过 120 字，正文不超过 2000 字")
    members = audience_members(audience)
    if not members:
        raise DomainError("audience_nobody", "所选范围内没有任何人，请重新选择发送范围")
    notice = Notice(meeting_id=meeting.id, title=title, body=(body or "").strip(), audience=audience,
                    recipients=len(members), document_id=document.id if document else None,
                    created_by=actor_label())
    db.session.add(notice)
    db.session.flush()
    record("notice.send", f"notice:{notice.id}", {"title": title, "recipients": len(members)})
    payload = {"id": notice.id, "title": notice.title, "body": notice.body,
               "at": fmt(notice.created_at or utcnow(), "%m-%d %H:%M"),
               "document_id": notice.document_id}
    if audience.get("kind") == "all":
        emit("notice:new", payload, room="delegates")
    else:
        emit("notice:new", payload, room=[f"member:{m.id}" for m in members])
    return notice


def notices_for(member: Member, meeting: Meeting | None, limit: int = 50) -> list[dict]:
    if meeting is None:
        return []
    person = person_of(member)
    notices = db.session.scalars(select(Notice).where(Notice.meeting_id == meeting.id)
                                 .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(500)).all()
    mine = [n for n in notices if aud.matches(n.audience, person)][:limit]
    read = set(db.session.scalars(select(NoticeRead.notice_id).where(
        NoticeRead.member_id == member.id, NoticeRead.notice_id.in_([n.id for n in mine])))) if mine else set()
    return [{"notice": n, "read": n.id in read} for n in mine]


def mark_notices_read(member: Member, notice_ids: list[int]) -> int:
    if not notice_ids:
        return 0
    member_id = member.id
    _start_write()
    have = set(db.session.scalars(select(NoticeRead.notice_id).where(NoticeRead.member_id == member_id,
                                                                      NoticeRead.notice_id.in_(notice_ids))))
    fresh = sorted(set(notice_ids) - have)
    if fresh:  # a second tab marking the same notices at once is not an error: ON CONFLICT DO NOTHING
        insert = _dialect_insert()
        db.session.execute(insert(NoticeRead).values([{"notice_id": i, "member_id": member_id, "read_at": utcnow()}
                                                      for i in fresh]).on_conflict_do_nothing())
    return len(fresh)


def _dialect_insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def meeting_notices(meeting: Meeting) -> list[Notice]:
    return db.session.scalars(select(Notice).where(Notice.meeting_id == meeting.id)
                              .order_by(Notice.created_at.desc(), Notice.id.desc())).all()


def notice_read_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(select(NoticeRead.notice_id, func.count()).where(NoticeRead.notice_id.in_(ids))
                                   .group_by(NoticeRead.notice_id)).all())


# ==== delegate home ===================================================================================
def sittings_for_day(meeting: Meeting | None, member: Member | None = None) -> tuple[date | None, list[Sitting]]:
    """Today's sittings, else those of the next day with sittings (a delegate arriving the evening before)."""
    if meeting is None:
        return None, []
    from ..meetings.services import is_entitled_to_attend

    today = today_local()
    by_day: dict[date, list[Sitting]] = {}
    for s in meeting.sittings:
        by_day.setdefault(local(s.starts_at).date(), []).append(s)
    days = sorted(d for d in by_day if d >= today)
    if not days:
        return None, []
    day = days[0]
    sittings = by_day[day]
    if member is not None:
        sittings = [s for s in sittings if is_entitled_to_attend(s, member)]
    return day, sittings


def audience_from_form(form) -> dict:
    """Read the audience fields of a form (kind + the chosen roles/界别/groups/member numbers)."""
    kind = (form.get("audience_kind") or "").strip()
    if kind == "role":
        values = form.getlist("audience_role")
    elif kind == "sector":
        values = form.getlist("audience_sector")
    elif kind == "group":
        values = form.getlist("audience_group")
    elif kind == "people":
        import re

        numbers = [n for n in re.split(r"[\s,，、;；]+", form.get("audience_people") or "") if n]
        found = dict(db.session.execute(select(Member.member_no, Member.id)
                                        .where(Member.member_no.in_(numbers))).all()) if numbers else {}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise DomainError("unknown_member", "找不到这些委员证号：" + "、".join(missing[:10]))
        values = [found[n] for n in numbers]
    else:
        values = []
    return build_audience(kind, values)
