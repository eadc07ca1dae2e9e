"""Reading the macro and playbook editors' forms: plain fields, the brand being edited, and the fields
written once per language (`<name>-<locale>`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from croupier.brand.service import brand_service
from croupier.console.staff import Staff
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.models import Brand


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def per_locale(form: FormData, name: str, locales: list[str] | tuple[str, ...]) -> dict[str, str]:
    """{locale: value} of the fields `<name>-<locale>` that are filled in."""
    found = {code: text(form, f"{name}-{code}") for code in locales}
    return {code: value for code, value in found.items() if value}


async def brands(session: AsyncSession, staff: Staff, wanted: str | None) -> tuple[Brand, list[Brand]]:
    """The brand asked for (default: the first the user works on) and all of theirs, for the switcher."""
    mine = await brand_service.list(session, staff.principal)
    if not mine:
        raise BadRequest(N_("You do not work on any brand yet."), code="no_brand")
    if wanted and wanted.isdigit() and len(wanted) < 19:
        return await brand_service.get(session, staff.principal, int(wanted)), mine
    return mine[0], mine
