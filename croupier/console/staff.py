"""Who is using the console: the staff session behind the cookie, its CSRF check and the acting principal.

`signed_in` admits only fully signed-in staff (second factor passed, enrolled when required);
`signing_in` admits a session still waiting for its second factor or enrolment. Both check the
session's CSRF token on every POST, PATCH and DELETE and set the request's language to the user's.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.auth.service import SESSION_COOKIE, auth_service
from croupier.errors import Forbidden, Unauthorized
from croupier.kit import i18n, secrets
from croupier.kit.i18n import N_
from croupier.models import Role, StaffSession, User
from croupier.web import session_dep

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
HOME = "/console/inbox"
LOGIN = "/console/login"
CODE_PAGE = "/console/login/code"
ENROL_PAGE = "/console/enrol"
CSRF_FAILED = N_("This form has expired or did not come from the console. Reload the page and try again.")


class SignInRequired(Unauthorized):
    """Not (fully) signed in: pages redirect to `location`, htmx requests get `HX-Redirect`."""

    code = "sign_in_required"

    def __init__(self, message: str, location: str, *, forget_cookie: bool = False) -> None:
        super().__init__(message, location=location)
        self.location = location
        self.forget_cookie = forget_cookie


@dataclass(frozen=True)
class Staff:
    """The signed-in user as plain values: still readable when an error has rolled the transaction back."""

    user_id: int
    name: str
    role: Role
    totp_enabled: bool
    csrf_token: str
    principal: Principal

    @property
    def first_name(self) -> str | None:
        return self.name.split()[0] if self.name.strip() else None


def safe_next(value: str | None, default: str = HOME) -> str:
    """A local console address to continue to after signing in; anything else falls back to `default`."""
    if not value or len(value) > 500 or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/") or parts.path.startswith(LOGIN):
        return default
    return value


def with_next(location: str, next_url: str | None) -> str:
    if not next_url or next_url == HOME:
        return location
    return f"{location}{'&' if '?' in location else '?'}next={quote(next_url, safe='')}"


def _wanted(request: Request) -> str | None:
    if request.method != "GET" or request.headers.get("hx-request"):
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return safe_next(request.url.path + query, "") or None


def use_locale(user: User) -> None:
    i18n.current_locale.set(user.locale if user.locale in i18n.available_locales() else i18n.SOURCE_LOCALE)


async def check_csrf(request: Request, staff_session: StaffSession) -> None:
    if request.method in SAFE_METHODS:
        return
    sent: object = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    if not isinstance(sent, str) or not secrets.equal(sent, staff_session.csrf_token):
        raise Forbidden(CSRF_FAILED, code="csrf_failed")


async def _session(request: Request, session: AsyncSession) -> tuple[StaffSession, User]:
    cookie = request.cookies.get(SESSION_COOKIE)
    found = await auth_service.session_for_cookie(session, cookie)
    if found is None:
        if cookie:
            raise SignInRequired(N_("Your session has expired. Log in again to continue."),
                                 with_next(f"{LOGIN}?expired=1", _wanted(request)), forget_cookie=True)
        raise SignInRequired(N_("Log in to continue."), with_next(LOGIN, _wanted(request)))
    use_locale(found[1])
    return found


async def signing_in(request: Request, session: AsyncSession = Depends(session_dep)) -> tuple[StaffSession, User]:
    staff_session, user = await _session(request, session)
    await check_csrf(request, staff_session)
    return staff_session, user


async def signed_in(request: Request, session: AsyncSession = Depends(session_dep)) -> Staff:
    staff_session, user = await _session(request, session)
    if not staff_session.mfa_passed:
        if user.totp_enabled:
            raise SignInRequired(N_("Enter the code from your authenticator app to finish logging in."),
                                 with_next(CODE_PAGE, _wanted(request)))
        raise SignInRequired(N_("Set up two-factor authentication to continue."), ENROL_PAGE)
    if not user.totp_enabled and await auth_service.second_factor_required(session, user):
        raise SignInRequired(N_("Set up two-factor authentication to continue."), ENROL_PAGE)
    await check_csrf(request, staff_session)
    staff = Staff(user_id=user.id, name=user.name, role=user.role, totp_enabled=user.totp_enabled,
                  csrf_token=staff_session.csrf_token, principal=await auth_service.principal_for(session, user))
    request.state.staff = staff
    return staff
