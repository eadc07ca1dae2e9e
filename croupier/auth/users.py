"""Staff accounts and teams: creation, brand scope, team membership, deactivation."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth import passwords, repository
from croupier.auth.principal import Principal
from croupier.errors import BadRequest, Conflict, NotFound
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_, available_locales
from croupier.models import ApiToken, Brand, Role, StaffSession, Team, User, user_brands, user_teams


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

    async def list(self, session: AsyncSession, principal: Principal) -> list[User]:
        principal.require("users:read")
        return list(await session.scalars(repository.visible_users(principal).order_by(User.name, User.id)))

    async def get(self, session: AsyncSession, principal: Principal, user_id: int) -> User:
        principal.require("users:read")
        user = await session.scalar(repository.visible_users(principal).where(User.id == user_id))
        if user is None:
            raise NotFound(N_("There is no staff member %(id)s."), id=user_id)
        return user

    async def scopes(self, session: AsyncSession, users: list[User]) -> dict[int, tuple[list[int], list[int]]]:
        """{user id: (brand ids, team ids)}."""
        return await repository.user_scopes(session, [u.id for u in users])

    async def update(self, session: AsyncSession, principal: Principal, user_id: int, *, name: str | None = None,
                     role: Role | None = None, locale: str | None = None, brand_ids: list[int] | None = None,
                     team_ids: list[int] | None = None, is_active: bool | None = None,
                     ip: str | None = None) -> User:
        """Change a staff account; deactivating it also revokes its console sessions and API tokens."""
        principal.require("users:write")
        user = await self.get(session, principal, user_id)
        if user.id == principal.user_id and ((role is not None and role != user.role) or is_active is False):
            raise BadRequest(N_("You cannot change your own role or deactivate your own account."),
                             code="own_account")
        changes: dict[str, object] = {}
        if name is not None and name.strip() != user.name:
            if not name.strip():
                raise BadRequest(N_("A staff member needs a name."), code="name_missing")
            user.name = changes["name"] = name.strip()
        if locale is not None and locale != user.locale:
            if locale not in available_locales():
                raise BadRequest(N_("Unsupported language: %(codes)s. Supported: %(supported)s."),
                                 code="unknown_locale", codes=locale, supported=", ".join(available_locales()))
            user.locale = changes["locale"] = locale
        if role is not None and role != user.role:
            user.role = role
            changes["role"] = role.value
        if brand_ids is not None or team_ids is not None:
            old_brands, old_teams = (await repository.user_scopes(session, [user.id]))[user.id]
            new_brands = sorted(set(old_brands if brand_ids is None else brand_ids))
            new_teams = sorted(set(old_teams if team_ids is None else team_ids))
            if (new_brands, new_teams) != (old_brands, old_teams):
                await self.set_scope(session, user, new_brands, new_teams)
                changes.update({k: v for k, v, old in (("brand_ids", new_brands, old_brands),
                                                        ("team_ids", new_teams, old_teams)) if v != old})
        action = "user.updated"
        if is_active is not None and is_active != user.is_active:
            user.is_active = changes["is_active"] = is_active
            action = "user.reactivated" if is_active else "user.deactivated"
            if not is_active:
                changes.update(await self._revoke_access(session, user))
        if changes:
            await session.flush()
            await audit_service.record(session, action, principal=principal, target_type="user", target_id=user.id,
                                       ip=ip, email=user.email, changes=changes)
        return user

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

    async def _revoke_access(self, session: AsyncSession, user: User) -> dict[str, int]:
        now = utcnow()
        sessions = await session.execute(update(StaffSession).where(
            StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)).values(revoked_at=now))
        tokens = await session.execute(update(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
        return {"sessions_revoked": sessions.rowcount, "tokens_revoked": tokens.rowcount}

    async def teams(self, session: AsyncSession, principal: Principal) -> list[Team]:
        """Every team: teams are what conversations are routed to, so whoever reads conversations sees them."""
        principal.require("conversations:read")
        return await repository.teams(session)

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
