"""Upload checks: what a file really is (by its first bytes) and a safe display name. Pure."""
from __future__ import annotations

import html
import re
import unicodedata

PDF, PNG, JPEG, WORD = "pdf", "png", "jpeg", "word"
CONTENT_TYPES = {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg"}
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".doc": WORD, ".docx": WORD}
KIND_LABELS = {PDF: "PDF", PNG: "PNG 图片", JPEG: "JPEG 图片", WORD: "Word 文档"}


class UploadError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes (at least 8), or None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .doc
        return WORD
    if head.startswith(b"PK\x03\x04"):  # zip: .docx (checked further by the caller)
        return "zip"
    return None


def extension(filename: str) -> str:
    match = re.search(r"(\.[A-Za-z0-9]{1,8})$", filename or "")
    return match.group(1).lower() if match else ""


def check_kind(filename: str, head: bytes, *, is_docx: bool = False) -> str:
    """The kind of an upload, refusing types we do not take and contents that contradict the name."""
    claimed = EXTENSIONS.get(extension(filename))
    if claimed is None:
        raise UploadError("bad_type", "只能上传 PDF、PNG、JPEG 图片或 Word 文件")
    actual = sniff(head)
    if actual == "zip":
        actual = WORD if is_docx else None
    if actual != claimed:
        raise UploadError("content_mismatch",
                          f"文件内容不是{KIND_LABELS[claimed]}（扩展名与内容不符），已拒绝。请上传真实的文件")
    return actual


_TAGS = re.compile(r"<[^>]*>")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def clean_filename(name: str, *, limit: int = 120) -> str:
    """A display name with no path, no markup and no control characters; never empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = html.unescape(name)
    name = _TAGS.sub("", name)
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > limit:
        ext = extension(name)
        name = name[: limit - len(ext)] + ext
    return name or "文件"


def title_from_filename(name: str) -> str:
    cleaned = clean_filename(name)
    ext = extension(cleaned)
    return (cleaned[: -len(ext)] if ext else cleaned).strip() or "文件"
