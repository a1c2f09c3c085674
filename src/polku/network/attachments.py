"""Attachment rules: at most 5 MB, and only PDF, PNG, JPEG, DOCX or plain text, checked by content as well.

The extension alone is not trusted: the first bytes must match the type (a DOCX is a ZIP container, a text
file must be UTF-8 without NUL bytes), so a renamed executable is refused.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
ALLOWED_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}
ALLOWED_LABEL = "PDF, PNG, JPEG, DOCX, TXT"
_MAGIC = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
          ".jpeg": (b"\xff\xd8\xff",), ".docx": (b"PK\x03\x04",)}


def _content_matches(extension: str, head: bytes) -> bool:
    if extension == ".txt":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            return error.start >= len(head) - 3
        return True
    return head.startswith(_MAGIC[extension])


def validate_attachment(upload: UploadedFile) -> str:
    """The file's content type if it is allowed; otherwise a DomainError stating the limit."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError("attachment_too_large",
                          _("The file %(name)s is too large (%(size)s MB): at most 5 MB is allowed.")
                          % {"name": upload.name, "size": f"{upload.size / 1024 / 1024:.1f}"}, field="attachments")
    extension = Path(upload.name or "").suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise DomainError("attachment_type",
                          _("The file %(name)s is not of an allowed type. Allowed types: %(types)s.")
                          % {"name": upload.name, "types": ALLOWED_LABEL}, field="attachments")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _content_matches(extension, head):
        raise DomainError("attachment_content",
                          _("The content of %(name)s does not match its type. Allowed types: %(types)s.")
                          % {"name": upload.name, "types": ALLOWED_LABEL}, field="attachments")
    return ALLOWED_TYPES[extension]


def validate_attachments(uploads: list[UploadedFile]) -> list[str]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise DomainError("too_many_attachments", _("At most %(n)s files can be attached to one message.")
                          % {"n": MAX_ATTACHMENTS}, field="attachments")
    return [validate_attachment(upload) for upload in uploads]
