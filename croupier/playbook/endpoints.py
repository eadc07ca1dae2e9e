"""REST API v1: playbooks, a conversation's playbook and its ticks, and the adherence report (HTTP only;
rules live in service.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.kit.clock import utcnow
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.ids import MAX_ID, PathId
from croupier.kit.json_route import JsonRoute
from croupier.playbook.schemas import (
    AdherenceOut,
    PickIn,
    PlaybookIn,
    PlaybookOut,
    PlaybookUpdate,
    RunOut,
    StepIn,
    StepOut,
    TickIn,
    VersionOut,
)
from croupier.playbook.service import Panel, playbook_service
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1", tags=["playbooks"], route_class=JsonRoute, responses=API_ERRORS)
REPORT_DAYS = 30


def _run(panel: Panel) -> RunOut:
    match = panel.match
    if match is None:
        return RunOut(conversation_id=panel.conversation.id, playbook_id=None)
    return RunOut(conversation_id=panel.conversation.id, playbook_id=match.playbook.id, intent=match.playbook.intent,
                  version=match.version.number, picked=bool(match.run and match.run.picked), title=panel.title,
                  steps=[StepOut(step=s.number, title=s.title, help=s.help, mandatory=s.mandatory,
                                 ticked_by=s.tick.user_id if s.tick else None,
                                 ticked_at=s.tick.ticked_at if s.tick else None) for s in panel.steps])


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@router.get("/playbooks", response_model=list[PlaybookOut], summary="List a brand's playbooks")
async def list_playbooks(brand_id: int = Query(ge=1, le=MAX_ID), principal: Principal = Depends(api_principal),
                         session: AsyncSession = Depends(session_dep)):
    return [PlaybookOut.of(p, v) for p, v in await playbook_service.list(session, principal, brand_id)]


@router.post("/playbooks", status_code=201, response_model=PlaybookOut,
             summary="Create a brand's playbook for an intent (version 1, audited)")
async def create_playbook(data: PlaybookIn, request: Request, principal: Principal = Depends(api_principal),
                          session: AsyncSession = Depends(session_dep)):
    return PlaybookOut.of(*await playbook_service.create(session, principal, data, ip=client_ip(request)))


@router.get("/playbooks/adherence", response_model=list[AdherenceOut],
            summary="Supervisors: per playbook and agent, conversations ended in the period and how fully "
                    "their playbook was followed")
async def adherence(brand_id: int | None = Query(None, ge=1, le=MAX_ID),
                    since: date | None = Query(None, description="First day (UTC); 30 days ago by default"),
                    until: date | None = Query(None, description="Last day (UTC), included; today by default"),
                    principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    last = until or utcnow().date()
    first = since or last - timedelta(days=REPORT_DAYS - 1)
    lines = await playbook_service.adherence(session, principal, brand_id=brand_id, since=_midnight(first),
                                             until=_midnight(last + timedelta(days=1)))
    return [AdherenceOut(playbook_id=x.playbook.id, intent=x.playbook.intent, title=x.title, agent_id=x.agent_id,
                         agent_name=x.agent_name, conversations=x.conversations,
                         all_mandatory_done=x.all_mandatory_done, overridden=x.overridden,
                         average_steps_done=x.average_steps_done, average_steps_total=x.average_steps_total)
            for x in lines]


@router.get("/playbooks/{playbook_id}", response_model=PlaybookOut, summary="Get a playbook's current version")
async def get_playbook(playbook_id: PathId, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    return PlaybookOut.of(*await playbook_service.get(session, principal, playbook_id))


@router.patch("/playbooks/{playbook_id}", response_model=PlaybookOut,
              summary="Change a playbook: new titles or steps make a new version; all changes audited")
async def update_playbook(playbook_id: PathId, data: PlaybookUpdate, request: Request,
                          principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return PlaybookOut.of(*await playbook_service.update(session, principal, playbook_id, data, ip=client_ip(request)))


@router.get("/playbooks/{playbook_id}/versions", response_model=list[VersionOut],
            summary="Every version of a playbook, latest first")
async def playbook_versions(playbook_id: PathId, principal: Principal = Depends(api_principal),
                            session: AsyncSession = Depends(session_dep)):
    return [VersionOut(number=v.number, titles=v.titles, steps=[StepIn(**s) for s in v.steps],
                       author_user_id=v.author_user_id, created_at=v.created_at)
            for v in await playbook_service.versions(session, principal, playbook_id)]


@router.get("/conversations/{conversation_id}/playbook", response_model=RunOut,
            summary="The playbook the conversation follows, in your language, with the steps ticked so far")
async def conversation_playbook(conversation_id: PathId, principal: Principal = Depends(api_principal),
                                session: AsyncSession = Depends(session_dep)):
    return _run(await playbook_service.panel(session, principal, conversation_id))


@router.put("/conversations/{conversation_id}/playbook", response_model=RunOut,
            summary="Pick the playbook the conversation follows (null: the one for its intent)")
async def pick_playbook(conversation_id: PathId, data: PickIn, request: Request,
                        principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return _run(await playbook_service.pick(session, principal, conversation_id, data.playbook_id,
                                            ip=client_ip(request)))


@router.put("/conversations/{conversation_id}/playbook/steps/{step}", response_model=RunOut,
            summary="Tick (done: true) or untick a step of the conversation's playbook")
async def tick_step(conversation_id: PathId, data: TickIn, step: int = Path(ge=1, le=1000),
                    principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return _run(await playbook_service.tick(session, principal, conversation_id, step, data.done))
