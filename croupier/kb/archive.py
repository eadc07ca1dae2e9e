"""Knowledge-base files in and out of a zip archive or a directory (the format is in importexport.py and
docs/kb.md): unpacking is bounded in files and bytes, and a path leaving its folder is refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from fastapi import Response, UploadFile

from croupier.config import get_settings
from croupier.errors import BadRequest, PayloadTooLarge
from croupier.kit.i18n import N_

MAX_FILES = 5_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def files_from_zip(data: bytes) -> dict[str, bytes]:
    """The files of a zip archive by path, a common top folder removed (GitHub's and `git archive`'s)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        raise BadRequest(N_("The upload is not a zip archive."), code="not_a_zip") from None
    if len(entries) > MAX_FILES or sum(i.file_size for i in entries) > MAX_UNPACKED_BYTES:
        raise BadRequest(N_("The archive is too big: at most %(files)s files and %(mb)s MB unpacked."),
                         code="archive_too_big", files=MAX_FILES, mb=MAX_UNPACKED_BYTES // 1024 // 1024)
    names = [i.filename for i in entries]
    for name in names:
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or "\\" in name:
            raise BadRequest(N_("The archive holds a file outside its folder: %(name)s"), code="unsafe_path",
                             name=name[:200])
    tops = {PurePosixPath(n).parts[0] for n in names}
    strip = len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in names) and tops != {"articles"}
    try:
        return {("/".join(PurePosixPath(i.filename).parts[1:]) if strip else i.filename): archive.read(i)
                for i in entries}
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise BadRequest(N_("The zip archive is damaged or encrypted."), code="not_a_zip") from None


async def files_from_upload(upload: UploadFile) -> dict[str, bytes]:
    """The files of an uploaded zip, refused with 413 beyond the upload limit."""
    limit = get_settings().attachment_max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(N_("The request body is too large: the limit is %(limit)s bytes."), limit=limit)
    return files_from_zip(data)


def files_from_directory(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def zip_download(files: dict[str, bytes], brand_slug: str) -> Response:
    name = f"kb-{brand_slug}"
    return Response(to_zip(files, name), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}.zip"'})


def to_zip(files: dict[str, bytes], folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(f"{folder}/{name}", files[name])
    return buffer.getvalue()
