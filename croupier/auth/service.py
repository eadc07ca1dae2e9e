"""Staff login, lockout, second factor and console sessions.

Failures are returned, not raised: the failed-attempt counter and the audit entry must be
committed even though the login is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth import passwords, repository, totp
from croupier.auth.principal import Principal
from croupier.config import Settings, get_settings
from croupier.errors import CroupierError, Forbidden, Unauthorized
from croupier.kit import secrets
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import RecoveryCode, Role, StaffSession, User

SESSION_COOKIE = "croupier_session"
WRONG_CREDENTIALS = N_("The e-mail or password is wrong.")
WRONG_CODE = N_("That code is not valid. Enter the current 6-digit code from your app, or a recovery code.")
LOCKED = N_("This account is locked after too many failed attempts. Try again in %(minutes)s minutes.")


@dataclass
class LoginOutcome:
    error: CroupierError | None = None
    user: User | None = None
    cookie: str | None = None  # the new session's cookie value
    staff_session: StaffSession | None = None


@dataclass
class Enrolment:
    secret: str
    uri: str
    qr_svg: str


class AuthService:
    @property
    def settings(self) -> Settings:
        return get_settings()

    # -- password step -------------------------------------------------------------
    async def login(self, session: AsyncSession, email: str, password: str, *, ip: str | None,
                    user_agent: str | None) -> LoginOutcome:
        user = await repository.user_by_email(session, email)
        now = utcnow()
        if user is None or not user.is_active:
            passwords.verify_password(None, password)  # same cost as a real check
            await audit_service.record(session, "auth.login_failed", actor=email[:254] or "?", ip=ip,
                                       reason="unknown_or_inactive")
            return LoginOutcome(error=Unauthorized(WRONG_CREDENTIALS, code="wrong_credentials"))
        if user.locked_until and user.locked_until > now:
            await audit_service.record(session, "auth.login_refused_locked", actor=user.email,
                                       actor_user_id=user.id, ip=ip)
            return LoginOutcome(error=self._locked_error(user))
        if not passwords.verify_password(user.password_hash, password):
            return LoginOutcome(error=await self._failed(session, user, ip, "wrong_password"))
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        user.failed_logins = 0
        needs_mfa = await self.second_factor_required(session, user)
        cookie, staff_session = self._new_session(user, mfa_passed=not needs_mfa, ip=ip, user_agent=user_agent)
        session.add(staff_session)
        if not needs_mfa:
            user.last_login_at = now
        await audit_service.record(session, "auth.password_ok" if needs_mfa else "auth.login", actor=user.email,
                                   actor_user_id=user.id, ip=ip)
        return LoginOutcome(user=user, cookie=cookie, staff_session=staff_session)

    async def second_factor_required(self, session: AsyncSession, user: User) -> bool:
        return user.totp_enabled or user.role == Role.admin or await repository.brand_requires_2fa(session, user)

    # -- second factor -------------------------------------------------------------
    async def verify_second_factor(self, session: AsyncSession, staff_session: StaffSession, user: User,
                                   code: str, *, ip: str | None) -> LoginOutcome:
        now = utcnow()
        if user.locked_until and user.locked_until > now:
            return LoginOutcome(error=self._locked_error(user))
        if not user.totp_enabled or not user.totp_secret:
            return LoginOutcome(error=Forbidden(N_("Set up two-factor authentication first."), code="mfa_not_enrolled"))
        method = None
        step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            method = "totp"
        else:
            recovery = await self._use_recovery_code(session, user.id, code)
            method = "recovery_code" if recovery else None
        if method is None:
            return LoginOutcome(error=await self._failed(session, user, ip, "wrong_code", WRONG_CODE))
        user.failed_logins = 0
        user.last_login_at = now
        staff_session.mfa_passed = True
        await audit_service.record(session, "auth.login", actor=user.email, actor_user_id=user.id, ip=ip,
                                   second_factor=method)
        return LoginOutcome(user=user, staff_session=staff_session)

    def begin_enrolment(self, user: User) -> Enrolment:
        if not user.totp_secret or not user.totp_enabled:
            user.totp_secret = user.totp_secret or totp.new_secret()
        uri = totp.provisioning_uri(user.totp_secret, user.email)
        return Enrolment(secret=user.totp_secret, uri=uri, qr_svg=totp.qr_svg(uri))

    async def confirm_enrolment(self, session: AsyncSession, staff_session: StaffSession, user: User, code: str,
                                *, ip: str | None) -> tuple[LoginOutcome, list[str]]:
        if user.totp_enabled:
            return LoginOutcome(error=Forbidden(N_("Two-factor authentication is already set up."),
                                                code="mfa_already_enrolled")), []
        step = totp.matching_step(user.totp_secret or "", code, None)
        if step is None:
            return LoginOutcome(error=await self._failed(session, user, ip, "wrong_enrolment_code", WRONG_CODE)), []
        user.totp_enabled, user.totp_last_step = True, step
        codes = await self.regenerate_recovery_codes(session, user)
        staff_session.mfa_passed = True
        user.last_login_at = utcnow()
        await audit_service.record(session, "auth.mfa_enrolled", actor=user.email, actor_user_id=user.id, ip=ip)
        return LoginOutcome(user=user, staff_session=staff_session), codes

    async def regenerate_recovery_codes(self, session: AsyncSession, user: User) -> list[str]:
        await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        codes = totp.new_recovery_codes()
        for code in codes:
            session.add(RecoveryCode(user_id=user.id, code_hash=self._code_digest(code)))
        return codes

    # -- sessions ------------------------------------------------------------------
    async def session_for_cookie(self, session: AsyncSession, cookie: str | None
                                 ) -> tuple[StaffSession, User] | None:
        """The live session behind a cookie, or None if it is unknown, revoked, idle too long or expired."""
        if not cookie or len(cookie) > 100:
            return None
        found = await repository.staff_session(session, secrets.digest(cookie))
        if not found:
            return None
        staff_session, user = found
        now = utcnow()
        idle = timedelta(minutes=self.settings.session_idle_minutes)
        if (staff_session.revoked_at or staff_session.expires_at <= now or not user.is_active
                or staff_session.last_seen_at + idle <= now):
            return None
        if now - staff_session.last_seen_at > timedelta(minutes=1):
            staff_session.last_seen_at = now
        return staff_session, user

    async def logout(self, session: AsyncSession, staff_session: StaffSession, user: User, *, ip: str | None) -> None:
        staff_session.revoked_at = utcnow()
        await audit_service.record(session, "auth.logout", actor=user.email, actor_user_id=user.id, ip=ip)

    async def principal_for(self, session: AsyncSession, user: User, *, scopes: frozenset[str] | None = None,
                            via: str = "session") -> Principal:
        brand_ids = None if user.role == Role.admin else await repository.user_brand_ids(session, user.id)
        return Principal(user_id=user.id, email=user.email, role=user.role, brand_ids=brand_ids, scopes=scopes,
                         via=via)

    # -- internals -----------------------------------------------------------------
    def _new_session(self, user: User, *, mfa_passed: bool, ip: str | None, user_agent: str | None
                     ) -> tuple[str, StaffSession]:
        cookie = secrets.token(32)
        now = utcnow()
        return cookie, StaffSession(
            id=secrets.digest(cookie), user_id=user.id, csrf_token=secrets.token(24), mfa_passed=mfa_passed,
            last_seen_at=now, expires_at=now + timedelta(hours=self.settings.session_absolute_hours),
            ip=ip, user_agent=(user_agent or "")[:300],
        )

    async def _failed(self, session: AsyncSession, user: User, ip: str | None, reason: str,
                      message: str = WRONG_CREDENTIALS) -> CroupierError:
        user.failed_logins += 1
        await audit_service.record(session, "auth.login_failed", actor=user.email, actor_user_id=user.id, ip=ip,
                                   reason=reason, failures=user.failed_logins)
        if user.failed_logins >= self.settings.login_max_failures:
            user.locked_until = utcnow() + timedelta(minutes=self.settings.login_lockout_minutes)
            user.failed_logins = 0
            await audit_service.record(session, "auth.account_locked", actor=user.email, actor_user_id=user.id,
                                       ip=ip, minutes=self.settings.login_lockout_minutes)
            return self._locked_error(user)
        return Unauthorized(message, code=reason)

    def _locked_error(self, user: User) -> CroupierError:
        minutes = max(1, int(((user.locked_until or utcnow()) - utcnow()).total_seconds() // 60) + 1)
        return Forbidden(LOCKED, code="account_locked", minutes=minutes)

    def _code_digest(self, code: str) -> str:
        return secrets.sign(self.settings.effective_secret_key, code.strip().lower())

    async def _use_recovery_code(self, session: AsyncSession, user_id: int, code: str) -> bool:
        wanted = self._code_digest(code)
        for row in await repository.unused_recovery_codes(session, user_id):
            if secrets.equal(row.code_hash, wanted):
                row.used_at = utcnow()
                return True
        return False


auth_service = AuthService()
