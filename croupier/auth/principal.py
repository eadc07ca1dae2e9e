"""Who is acting: a staff user via a console session or an API token, with role, brand scope and scopes."""

from __future__ import annotations

from dataclasses import dataclass

from croupier.errors import Forbidden
from croupier.kit.i18n import N_
from croupier.models import Role

SCOPES = (
    "brands:read", "brands:write",
    "players:read", "players:write",
    "conversations:read", "conversations:write",
    "users:read", "users:write",
    "tokens:write",
    "audit:read",
    "kb:read", "kb:write",
    "transparency:write",
    "macros:read", "macros:write",
    "playbooks:read", "playbooks:write", "playbooks:supervise",
    "assistant:supervise",
)

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.agent: frozenset({"brands:read", "players:read", "players:write", "conversations:read",
                           "conversations:write", "tokens:write", "kb:read", "macros:read", "playbooks:read"}),
    Role.supervisor: frozenset({"brands:read", "players:read", "players:write", "conversations:read",
                                "conversations:write", "users:read", "tokens:write", "audit:read",
                                "kb:read", "kb:write", "macros:read", "macros:write", "playbooks:read",
                                "playbooks:write", "playbooks:supervise", "assistant:supervise"}),
    Role.admin: frozenset(SCOPES),
}


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    role: Role
    brand_ids: frozenset[int] | None  # None: every brand (admins)
    scopes: frozenset[str] | None = None  # None: all the role allows (console session)
    via: str = "session"

    def allows(self, scope: str) -> bool:
        return scope in ROLE_SCOPES[self.role] and (self.scopes is None or scope in self.scopes)

    def require(self, scope: str) -> None:
        if not self.allows(scope):
            raise Forbidden(N_("You do not have permission to do this (%(scope)s)."), scope=scope)

    def sees_brand(self, brand_id: int) -> bool:
        return self.brand_ids is None or brand_id in self.brand_ids

    @property
    def label(self) -> str:
        return self.email if self.via == "session" else f"{self.email} ({self.via})"
