"""The demo brands' knowledge bases: croupier/demo/kb/<brand slug>/ in the import format (docs/kb.md),
imported like an operator's git repository would be. Importing again changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.kb.archive import files_from_directory
from croupier.kb.importexport import import_files
from croupier.models import Brand

KB_DIR = Path(__file__).resolve().parent / "kb"


async def seed_knowledge_base(session: AsyncSession, brand: Brand) -> None:
    folder = KB_DIR / brand.slug
    if folder.is_dir():
        await import_files(session, None, brand.id, files_from_directory(folder), actor="demo")
