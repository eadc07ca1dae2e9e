"""Staff accounts and teams: creation, brand scope, team membership, deactivation."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth import passwords
from croupier.auth.principal import Principal
from croupier.errors import BadRequest, Conflict, NotFound
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_, available_locales
from croupier.models import Brand, Role, Team, User, user_brands, user_teams


class UserService:
    async def create(self, session: AsyncSession, principal: Principal | None, *, email: str, name: str,
                     role: Role, password: str, locale: str = "en", brand_ids: list[int] | None = None,
                     team_ids: list[int] | None = None, ip: str | None = None) -> User:
        """Create a staff account. `principal` None means the command line (the installation's owner)."""
        if principal is not None:
            principal.require("users:write")
        email = email.strip().lower()
        if "@" not in email or len(email) > 254:
            raise BadRequest(N_("Enter a valid e-mail address."), code="invalid_email")
        if locale not in available_locales():
            raise BadRequest(N_("Unsupported language: %(codes)s. Supported: %(supported)s."), code="unknown_locale",
                             codes=locale, supported=", ".join(available_locales()))
        if await session.scalar(select(User.id).where(User.email == email)):
            raise Conflict(N_("There is already a staff account for %(email)s."), email=email)
        passwords.check_policy(password, email)
        user = User(email=email, name=name.strip() or email, role=role, locale=locale,
                    password_hash=passwords.hash_password(password), password_changed_at=utcnow(),
                    is_active=True, totp_enabled=False, failed_logins=0)
        session.add(user)
        await session.flush()
        await self.set_scope(session, user, brand_ids or [], team_ids or [])
        await audit_service.record(session, "user.created", principal=principal, actor=None if principal else "cli",
                                   target_type="user", target_id=user.id, ip=ip, email=email, role=role.value,
                                   brand_ids=sorted(brand_ids or []))
        return user

    async def set_scope(self, session: AsyncSession, user: User, brand_ids: list[int], team_ids: list[int]) -> None:
        known = set(await session.scalars(select(Brand.id).where(Brand.id.in_(brand_ids)))) if brand_ids else set()
        if set(brand_ids) - known:
            raise BadRequest(N_("Unknown brands: %(ids)s."), code="unknown_brand",
                             ids=", ".join(map(str, sorted(set(brand_ids) - known))))
        teams = set(await session.scalars(select(Team.id).where(Team.id.in_(team_ids)))) if team_ids else set()
        if set(team_ids) - teams:
            raise BadRequest(N_("There is no team %(id)s."), code="unknown_team",
                             id=", ".join(map(str, sorted(set(team_ids) - teams))))
        await session.execute(delete(user_brands).where(user_brands.c.user_id == user.id))
        await session.execute(delete(user_teams).where(user_teams.c.user_id == user.id))
        if brand_ids:
            await session.execute(insert(user_brands), [{"user_id": user.id, "brand_id": b} for b in set(brand_ids)])
        if team_ids:
            await session.execute(insert(user_teams), [{"user_id": user.id, "team_id": t} for t in set(team_ids)])

    async def set_own_locale(self, session: AsyncSession, principal: Principal, locale: str, *,
                             ip: str | None = None) -> User:
        """A staff member's own choice of language for the console (needs no permission)."""
        if locale not in available_locales():
            raise BadRequest(N_("Unsupported language: %(codes)s. Supported: %(supported)s."), code="unknown_locale",
                             codes=locale[:35], supported=", ".join(available_locales()))
        user = await session.get(User, principal.user_id)
        if user is None:
            raise NotFound(N_("There is no staff member %(id)s."), id=principal.user_id)
        if locale != user.locale:
            previous, user.locale = user.locale, locale
            await audit_service.record(session, "user.locale_changed", principal=principal, target_type="user",
                                       target_id=user.id, ip=ip, changes={"locale": locale}, previous=previous)
        return user

    async def create_team(self, session: AsyncSession, principal: Principal | None, name: str,
                          description: str = "") -> Team:
        if principal is not None:
            principal.require("users:write")
        name = name.strip()
        if not name:
            raise BadRequest(N_("A team needs a name."), code="team_name_missing")
        if await session.scalar(select(Team.id).where(Team.name == name)):
            raise Conflict(N_("There is already a team called %(name)s."), name=name)
        team = Team(name=name, description=description)
        session.add(team)
        await session.flush()
        await audit_service.record(session, "team.created", principal=principal, actor=None if principal else "cli",
                                   target_type="team", target_id=team.id, name=name)
        return team


user_service = UserService()
