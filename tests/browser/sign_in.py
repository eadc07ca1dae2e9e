"""Signing a staff member into the console in the browser: password, then the TOTP code if they use one."""

from __future__ import annotations

from playwright.async_api import Page

from croupier.models import User
from tests.factories import PASSWORD, totp_now


async def sign_in(page: Page, base_url: str, user: User) -> None:
    await page.goto(f"{base_url}/console/login")
    await page.fill('input[name="email"]', user.email)
    await page.fill('input[name="password"]', PASSWORD)
    await page.press('input[name="password"]', "Enter")
    if user.totp_enabled:
        await page.fill('input[name="code"]', totp_now(user))
        await page.press('input[name="code"]', "Enter")
    await page.wait_for_url("**/console/**")
