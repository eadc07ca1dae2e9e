"""Attachment intake: size and type limits (type sniffed from the bytes, not trusted from the client)
and content-addressed storage under the data directory."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype

from croupier.config import get_settings
from croupier.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from croupier.kit.i18n import N_


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


def _clean_name(name: str) -> str:
    name = Path(name or "file").name
    name = re.sub(r"[^\w.\- ]+", "_", name, flags=re.UNICODE).strip(" .") or "file"
    return name[:120]


def sniff(data: bytes) -> str | None:
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime
    try:
        data.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return None


def store(filename: str, data: bytes) -> StoredFile:
    settings = get_settings()
    if not data:
        raise BadRequest(N_("The file is empty."), code="empty_file")
    if len(data) > settings.attachment_max_bytes:
        raise PayloadTooLarge(N_("The file is too large: the limit is %(limit_mb)s MB."),
                              limit_mb=settings.attachment_max_bytes // (1024 * 1024))
    content_type = sniff(data)
    if content_type not in settings.attachment_types:
        raise UnsupportedMediaType(N_("This type of file is not accepted. Send an image (PNG, JPEG, GIF, WebP), "
                                      "a PDF or a text file."), detected=content_type)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}-{secrets.token_hex(4)}"
    path = settings.attachments_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()

        os.fsync(fh.fileno())
    tmp.replace(path)
    return StoredFile(_clean_name(filename), content_type, len(data), digest, key)


def path_of(storage_key: str) -> Path:
    return get_settings().attachments_dir / storage_key
