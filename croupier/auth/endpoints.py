"""REST API v1: who you are, API tokens, staff accounts and teams (HTTP only; rules live in the services)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import SCOPES, Principal
from croupier.auth.schemas import (
    MeOut,
    TeamIn,
    TeamOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserUpdate,
)
from croupier.auth.tokens import token_service
from croupier.auth.users import user_service
from croupier.kit.error_schemas import API_ERRORS, CONFLICT
from croupier.kit.ids import PathId
from croupier.kit.json_route import JsonRoute
from croupier.models import User
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1", tags=["staff"], route_class=JsonRoute,
                   responses=API_ERRORS)


async def _users_out(session: AsyncSession, users: list[User]) -> list[UserOut]:
    scopes = await user_service.scopes(session, users)
    out = []
    for user in users:
        item = UserOut.model_validate(user)
        item.brand_ids, item.team_ids = scopes[user.id]
        out.append(item)
    return out


@router.get("/me", response_model=MeOut, summary="Who this token acts as, and what it may do")
async def me(principal: Principal = Depends(api_principal)):
    return MeOut(user_id=principal.user_id, email=principal.email, role=principal.role,
                 brand_ids=None if principal.brand_ids is None else sorted(principal.brand_ids),
                 scopes=[s for s in SCOPES if principal.allows(s)])


@router.get("/tokens", response_model=list[TokenOut], summary="List your API tokens (admins: everyone's)")
async def list_tokens(principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await token_service.list(session, principal)


@router.post("/tokens", status_code=201, response_model=TokenCreated,
             summary="Create an API token; the token is shown only in this response")
async def create_token(data: TokenIn, request: Request, response: Response,
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    token, plaintext = await token_service.create(session, principal, data.name, data.scopes,
                                                  expires_in_days=data.expires_in_days, ip=client_ip(request))
    response.headers["Cache-Control"] = "no-store"
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=plaintext)


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
async def revoke_token(token_id: PathId, request: Request, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    return await token_service.revoke(session, principal, token_id, ip=client_ip(request))


@router.get("/users", response_model=list[UserOut],
            summary="List staff (admins: everyone; supervisors: yourself and the staff of your brands)")
async def list_users(principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await _users_out(session, await user_service.list(session, principal))


@router.post("/users", status_code=201, response_model=UserOut, responses=CONFLICT,
             summary="Create a staff account")
async def create_user(data: UserIn, request: Request, principal: Principal = Depends(api_principal),
                      session: AsyncSession = Depends(session_dep)):
    user = await user_service.create(session, principal, email=data.email, name=data.name, role=data.role,
                                     password=data.password, locale=data.locale, brand_ids=data.brand_ids,
                                     team_ids=data.team_ids, ip=client_ip(request))
    return (await _users_out(session, [user]))[0]


@router.get("/users/{user_id}", response_model=UserOut, summary="Get a staff account")
async def get_user(user_id: PathId, principal: Principal = Depends(api_principal),
                   session: AsyncSession = Depends(session_dep)):
    return (await _users_out(session, [await user_service.get(session, principal, user_id)]))[0]


@router.patch("/users/{user_id}", response_model=UserOut,
              summary="Change role, brands, teams, language or name; deactivate or reactivate")
async def update_user(user_id: PathId, data: UserUpdate, request: Request,
                      principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    user = await user_service.update(session, principal, user_id, **data.model_dump(exclude_unset=True),
                                     ip=client_ip(request))
    return (await _users_out(session, [user]))[0]


@router.get("/teams", response_model=list[TeamOut], summary="List teams")
async def list_teams(principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await user_service.teams(session, principal)


@router.post("/teams", status_code=201, response_model=TeamOut, responses=CONFLICT,
             summary="Create a team")
async def create_team(data: TeamIn, principal: Principal = Depends(api_principal),
                      session: AsyncSession = Depends(session_dep)):
    return await user_service.create_team(session, principal, data.name, data.description)

