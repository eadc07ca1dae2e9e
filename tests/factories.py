"""Builders for test data, going through the services like the product does."""

from __future__ import annotations

import time

import httpx
import pyotp

from croupier.auth.principal import SCOPES, Principal
from croupier.auth.service import SESSION_COOKIE, auth_service
from croupier.auth.tokens import token_service
from croupier.auth.users import user_service
from croupier.brand import repository as brands
from croupier.brand.schemas import BrandIn
from croupier.brand.service import brand_service
from croupier.channels.webchat.service import identity_signature
from croupier.db import Database
from croupier.models import Brand, Channel, Role, User

PASSWORD = "correct horse battery staple 42"


async def make_brand(db: Database, slug: str = "lucky", name: str = "Lucky Star Casino",
                     locales: tuple[str, ...] = ("en", "ru", "pl", "az", "fi"), default_locale: str = "en",
                     require_2fa: bool = False) -> tuple[Brand, Channel]:
    async with db.transaction() as session:
        brand = await brand_service.create(session, None, BrandIn(
            slug=slug, name=name, locales=list(locales), default_locale=default_locale, require_2fa=require_2fa))
        channel = await brands.webchat_channel(session, brand.id)
    return brand, channel


async def make_user(db: Database, email: str, role: Role = Role.agent, brands_: list[Brand] = (),
                    totp: bool = False, name: str | None = None) -> User:
    async with db.transaction() as session:
        user = await user_service.create(session, None, email=email, name=name or email.split("@")[0].title(),
                                         role=role, password=PASSWORD, brand_ids=[b.id for b in brands_])
        if totp:
            user.totp_secret = pyotp.random_base32()
            user.totp_enabled = True
    return user


def totp_now(user: User, offset_steps: int = 0) -> str:
    return pyotp.TOTP(user.totp_secret).at(time.time() + 30 * offset_steps)


async def principal_of(db: Database, user: User) -> Principal:
    async with db.transaction() as session:
        return await auth_service.principal_for(session, user)


async def api_token(db: Database, user: User, scopes: list[str] | None = None) -> str:
    async with db.transaction() as session:
        principal = await auth_service.principal_for(session, user)
        wanted = scopes if scopes is not None else [s for s in SCOPES if principal.allows(s)]
        _token, plaintext = await token_service.create(session, principal, "test", wanted)
    return plaintext


async def console_session(client: httpx.AsyncClient, db: Database, user: User) -> str:
    """Log `user` into the console on `client` (second factor passed); returns the CSRF token."""
    async with db.transaction() as session:
        cookie, staff_session = auth_service._new_session(user, mfa_passed=True, ip="127.0.0.1", user_agent="test")
        session.add(staff_session)
    client.cookies.set(SESSION_COOKIE, cookie)
    return staff_session.csrf_token


async def widget_session(client: httpx.AsyncClient, channel: Channel, *, player_id: str | None = None,
                         name: str | None = None, locale: str = "en") -> str:
    payload: dict = {"key": channel.key, "locale": locale}
    if player_id:
        payload["player"] = {"id": player_id, "signature": identity_signature(channel.secret, player_id),
                             "name": name}
    response = await client.post("/api/widget/v1/sessions", json=payload)
    assert response.status_code == 200, response.text
    return response.json()["token"]


async def player_says(client: httpx.AsyncClient, token: str, body: str, client_id: str | None = None) -> dict:
    response = await client.post("/api/widget/v1/messages", json={"body": body, "client_id": client_id},
                                 headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 201), response.text
    return response.json()
