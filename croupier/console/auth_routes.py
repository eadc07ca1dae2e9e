"""Signing in and out: password, second factor (TOTP or a recovery code), enrolment in 2FA, logout.

The auth service returns failures instead of raising them, so that the failed-attempt counter and
the audit entry are committed; the pages render those failures with their 401/403 status."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from croupier.auth.service import SESSION_COOKIE, auth_service
from croupier.config import get_settings
from croupier.console.rendering import COOKIE_PATH, go, markup, render
from croupier.console.staff import (
    CODE_PAGE,
    ENROL_PAGE,
    LOGIN,
    safe_next,
    signing_in,
    use_locale,
    with_next,
)
from croupier.errors import CroupierError, Forbidden, TooManyRequests
from croupier.kit import i18n, secrets
from croupier.kit.i18n import N_
from croupier.models import StaffSession, User
from croupier.web import client_ip, rate_limit, session_dep

router = APIRouter()
LOGIN_CSRF_COOKIE = "croupier_login_csrf"
LOGIN_FORM_EXPIRED = N_("The login form has expired. Please try again.")
NOTICES = {
    "expired": N_("Your session has expired. Log in again to continue."),
    "logged_out": N_("You have logged out."),
}


def _field(form: FormData, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _login_page(request: Request, *, email: str = "", error: CroupierError | None = None,
                next_url: str = "") -> HTMLResponse:
    token = secrets.token(24)
    lang = i18n.normalize(request.query_params.get("lang"))
    if lang:
        i18n.current_locale.set(lang)
    notice = next((NOTICES[k] for k in NOTICES if request.query_params.get(k) == "1"), None)
    response = render(request, "auth/login.html", error.status_code if error else 200,
                      error.headers if error else None, login_csrf=token, email=email,
                      error=error.render() if error else None, notice=notice, next_url=next_url,
                      languages=i18n.available_locales(), lang=lang)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path=COOKIE_PATH,
                        secure=get_settings().production)
    return response


def _after_password(staff_session: StaffSession, user: User, next_url: str) -> str:
    if staff_session.mfa_passed:
        return safe_next(next_url)
    return with_next(CODE_PAGE, safe_next(next_url)) if user.totp_enabled else ENROL_PAGE


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, session: AsyncSession = Depends(session_dep)) -> Response:
    next_url = safe_next(request.query_params.get("next"), "")
    found = await auth_service.session_for_cookie(session, request.cookies.get(SESSION_COOKIE))
    if found is not None and found[0].mfa_passed:
        return go(request, safe_next(next_url))
    return _login_page(request, next_url=next_url)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    email, password = _field(form, "email", 254), _field(form, "password", 1024)
    next_url = safe_next(_field(form, "next", 500), "")
    try:
        await rate_limit(request, "login", "login_rate_limit")
    except TooManyRequests as exc:
        return _login_page(request, email=email, error=exc, next_url=next_url)
    sent, expected = _field(form, "csrf_token", 100), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not expected or not secrets.equal(sent, expected):
        return _login_page(request, email=email, next_url=next_url,
                           error=Forbidden(LOGIN_FORM_EXPIRED, code="csrf_failed"))
    outcome = await auth_service.login(session, email, password, ip=client_ip(request),
                                       user_agent=request.headers.get("user-agent"))
    if outcome.error is not None:
        return _login_page(request, email=email, error=outcome.error, next_url=next_url)
    assert outcome.user is not None and outcome.staff_session is not None and outcome.cookie is not None
    response = go(request, _after_password(outcome.staff_session, outcome.user, next_url))
    settings = get_settings()
    response.set_cookie(SESSION_COOKIE, outcome.cookie, httponly=True, samesite="lax", path=COOKIE_PATH,
                        secure=settings.production, max_age=settings.session_absolute_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    return response


def _code_page(request: Request, staff_session: StaffSession, *, error: CroupierError | None = None,
               next_url: str = "") -> HTMLResponse:
    return render(request, "auth/code.html", error.status_code if error else 200, error.headers if error else None,
                  csrf_token=staff_session.csrf_token, error=error.render() if error else None,
                  next_url=next_url)


@router.get("/login/code", response_class=HTMLResponse)
async def code_page(request: Request, signing: tuple[StaffSession, User] = Depends(signing_in)) -> Response:
    staff_session, user = signing
    next_url = safe_next(request.query_params.get("next"), "")
    if staff_session.mfa_passed:
        return go(request, safe_next(next_url))
    if not user.totp_enabled:
        return go(request, ENROL_PAGE)
    return _code_page(request, staff_session, next_url=next_url)


@router.post("/login/code", response_class=HTMLResponse)
async def code(request: Request, signing: tuple[StaffSession, User] = Depends(signing_in),
               session: AsyncSession = Depends(session_dep)) -> Response:
    staff_session, user = signing
    form = await request.form()
    next_url = safe_next(_field(form, "next", 500), "")
    if staff_session.mfa_passed:
        return go(request, safe_next(next_url))
    try:
        await rate_limit(request, "login", "login_rate_limit")
    except TooManyRequests as exc:
        return _code_page(request, staff_session, error=exc, next_url=next_url)
    outcome = await auth_service.verify_second_factor(session, staff_session, user, _field(form, "code", 64),
                                                      ip=client_ip(request))
    if outcome.error is not None:
        if outcome.error.code == "mfa_not_enrolled":
            return go(request, ENROL_PAGE)
        return _code_page(request, staff_session, error=outcome.error, next_url=next_url)
    return go(request, safe_next(next_url))


async def _enrol_page(request: Request, session: AsyncSession, staff_session: StaffSession, user: User, *,
                      error: CroupierError | None = None) -> HTMLResponse:
    enrolment = auth_service.begin_enrolment(user)
    grouped = " ".join(enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4))
    required = not staff_session.mfa_passed or await auth_service.second_factor_required(session, user)
    return render(request, "auth/enrol.html", error.status_code if error else 200, error.headers if error else None,
                  csrf_token=staff_session.csrf_token, qr_svg=markup(enrolment.qr_svg), secret=grouped,
                  error=error.render() if error else None, required=required)


@router.get("/enrol", response_class=HTMLResponse)
async def enrol_page(request: Request, signing: tuple[StaffSession, User] = Depends(signing_in),
                     session: AsyncSession = Depends(session_dep)) -> Response:
    staff_session, user = signing
    if user.totp_enabled:
        return go(request, safe_next(None) if staff_session.mfa_passed else CODE_PAGE)
    return await _enrol_page(request, session, staff_session, user)


@router.post("/enrol", response_class=HTMLResponse)
async def enrol(request: Request, signing: tuple[StaffSession, User] = Depends(signing_in),
                session: AsyncSession = Depends(session_dep)) -> Response:
    staff_session, user = signing
    if user.totp_enabled:
        return go(request, safe_next(None) if staff_session.mfa_passed else CODE_PAGE)
    try:
        await rate_limit(request, "login", "login_rate_limit")
    except TooManyRequests as exc:
        return await _enrol_page(request, session, staff_session, user, error=exc)
    form = await request.form()
    outcome, codes = await auth_service.confirm_enrolment(session, staff_session, user, _field(form, "code", 64),
                                                          ip=client_ip(request))
    if outcome.error is not None:
        return await _enrol_page(request, session, staff_session, user, error=outcome.error)
    use_locale(user)
    return render(request, "auth/recovery_codes.html", codes=codes, csrf_token=staff_session.csrf_token)


@router.post("/logout")
async def logout(request: Request, signing: tuple[StaffSession, User] = Depends(signing_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    staff_session, user = signing
    await auth_service.logout(session, staff_session, user, ip=client_ip(request))
    response = go(request, f"{LOGIN}?logged_out=1")
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response
