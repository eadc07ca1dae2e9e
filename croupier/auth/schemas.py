"""Staff accounts, teams and API tokens on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from croupier.kit.ids import Id
from croupier.models import Role


class MeOut(BaseModel):
    user_id: int
    email: str
    role: Role
    brand_ids: list[int] | None = Field(description="null: every brand")
    scopes: list[str] = Field(description="What this token may do")


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120, description="What the token is for")
    scopes: list[str] = Field(min_length=1, max_length=20, description="A subset of your own permissions")
    expires_in_days: int | None = Field(None, ge=1, le=3650, description="null: never expires")


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    prefix: str = Field(description="Identifies the token in logs: crp_<prefix>_…")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself; shown only in this response, store it now")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=1, max_length=256, description="Initial password; the password policy applies")
    locale: str = Field("en", max_length=16, description="The console's language for this person")
    brand_ids: list[Id] = []
    team_ids: list[Id] = []


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    role: Role | None = None
    locale: str | None = Field(None, max_length=16)
    brand_ids: list[Id] | None = Field(None, description="Replaces the brands the person works on")
    team_ids: list[Id] | None = Field(None, description="Replaces the person's teams")
    is_active: bool | None = Field(None, description="false: signs the person out and revokes their API tokens")

    @field_validator("name", "role", "locale", "brand_ids", "team_ids", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: Role
    locale: str
    is_active: bool
    totp_enabled: bool
    brand_ids: list[int] = Field([], description="Ignored for admins, who work on every brand")
    team_ids: list[int] = []
    created_at: datetime
    last_login_at: datetime | None


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=500)


class TeamOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    created_at: datetime
