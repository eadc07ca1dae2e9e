"""REST API v1: a brand's assistant settings (HTTP only; rules live in settings.py)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import settings as assistant_settings
from croupier.assistant.facts import PROVIDERS
from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.ids import PathId
from croupier.kit.json_route import JsonRoute
from croupier.models import HandoffReason
from croupier.web import client_ip, session_dep
from croupier.worker import warmup

router = APIRouter(prefix="/api/v1", tags=["assistant"], route_class=JsonRoute, responses=API_ERRORS)

PROVIDER_HELP = f"A facts provider ({', '.join(PROVIDERS)}) that personalises answers, or null for none"
TEAMS_HELP = ("The team (by name, see GET /api/v1/teams) each hand-off reason goes to; null or left out: "
              "no particular team")


class AssistantSettingsOut(BaseModel):
    brand_id: int
    enabled: bool = Field(description="Whether the assistant answers the brand's players first")
    facts_provider: str | None = Field(description=PROVIDER_HELP)
    teams: dict[HandoffReason, str | None] = Field(description=f"{TEAMS_HELP}; every reason is listed")
    updated_at: datetime | None = Field(description="Last change; null if never configured")


class AssistantSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    facts_provider: str | None = Field(None, max_length=40, description=PROVIDER_HELP)
    teams: dict[HandoffReason, str | None] = Field(default_factory=dict, description=TEAMS_HELP)


def _out(found: assistant_settings.BrandAssistant) -> AssistantSettingsOut:
    return AssistantSettingsOut(brand_id=found.brand_id, enabled=found.enabled, facts_provider=found.facts_provider,
                                teams=found.teams, updated_at=found.updated_at)


@router.get("/brands/{brand_id}/assistant", response_model=AssistantSettingsOut,
            summary="Get a brand's assistant settings (supervisors and administrators)")
async def get_assistant_settings(brand_id: PathId, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    return _out(await assistant_settings.current(session, principal, brand_id))


@router.put("/brands/{brand_id}/assistant", response_model=AssistantSettingsOut,
            summary="Replace a brand's assistant settings: on or off, facts provider, team per hand-off reason")
async def put_assistant_settings(brand_id: PathId, data: AssistantSettingsIn, request: Request,
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    changed = await assistant_settings.change(session, principal, brand_id, enabled=data.enabled,
                                              facts_provider=data.facts_provider, teams=data.teams,
                                              ip=client_ip(request))
    if changed.enabled:
        warmup.after_enabling()
    return _out(changed)
