"""API tokens: `crp_<prefix>_<secret>`; only a SHA-256 digest is stored. Scoped to a subset of the
owner's permissions, revocable, optionally expiring."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth import repository
from croupier.auth.principal import ROLE_SCOPES, SCOPES, Principal
from croupier.auth.service import auth_service
from croupier.errors import BadRequest, NotFound, Unauthorized
from croupier.kit import secrets
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import ApiToken, Role, User

INVALID = N_("The API token is not valid, has expired or was revoked.")


class TokenService:
    async def create(self, session: AsyncSession, principal: Principal, name: str, scopes: list[str], *,
                     expires_in_days: int | None = None, ip: str | None = None) -> tuple[ApiToken, str]:
        principal.require("tokens:write")
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown:
            raise BadRequest(N_("Unknown scopes: %(scopes)s."), code="unknown_scope", scopes=", ".join(unknown))
        beyond = sorted(s for s in scopes if not principal.allows(s))
        if beyond:
            raise BadRequest(N_("A token cannot have more rights than you: %(scopes)s."), code="scope_not_allowed",
                             scopes=", ".join(beyond))
        if not scopes:
            raise BadRequest(N_("Choose at least one scope."), code="no_scopes")
        prefix = secrets.token(6).replace("-", "x").replace("_", "y")[:8]
        secret = secrets.token(32)
        plaintext = f"crp_{prefix}_{secret}"
        token = ApiToken(user_id=principal.user_id, name=name.strip()[:120] or "token", prefix=prefix,
                         token_hash=secrets.digest(plaintext), scopes=sorted(set(scopes)),
                         expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None)
        session.add(token)
        await session.flush()
        await audit_service.record(session, "token.created", principal=principal, target_type="api_token",
                                   target_id=token.id, ip=ip, prefix=prefix, scopes=token.scopes)
        return token, plaintext

    async def resolve(self, session: AsyncSession, plaintext: str) -> Principal:
        parts = plaintext.split("_")
        if len(parts) < 3 or parts[0] != "crp":
            raise Unauthorized(INVALID, code="token_invalid", headers={"WWW-Authenticate": "Bearer"})
        found = await repository.token_by_prefix(session, parts[1])
        now = utcnow()
        if (found is None or not secrets.equal(found[0].token_hash, secrets.digest(plaintext))
                or found[0].revoked_at or (found[0].expires_at and found[0].expires_at <= now)
                or not found[1].is_active):
            raise Unauthorized(INVALID, code="token_invalid", headers={"WWW-Authenticate": "Bearer"})
        token, user = found
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            token.last_used_at = now
        allowed = frozenset(s for s in token.scopes if s in ROLE_SCOPES[user.role])
        return await auth_service.principal_for(session, user, scopes=allowed, via=f"token:{token.prefix}")

    async def list(self, session: AsyncSession, principal: Principal) -> list[ApiToken]:
        principal.require("tokens:write")
        return await repository.tokens_of(session, None if principal.role == Role.admin else principal.user_id)

    async def revoke(self, session: AsyncSession, principal: Principal, token_id: int, *,
                     ip: str | None = None) -> ApiToken:
        principal.require("tokens:write")
        token = await session.get(ApiToken, token_id)
        if token is None or (token.user_id != principal.user_id and principal.role != Role.admin):
            raise NotFound(N_("There is no API token %(id)s."), id=token_id)
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            owner = await session.get(User, token.user_id)
            await audit_service.record(session, "token.revoked", principal=principal, target_type="api_token",
                                       target_id=token.id, ip=ip, prefix=token.prefix,
                                       owner=owner.email if owner else None)
        return token


token_service = TokenService()
