"""REST API v1: brands and their channels (HTTP only; rules live in service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.brand.schemas import BrandIn, BrandOut, BrandUpdate, ChannelOut
from croupier.brand.service import brand_service
from croupier.kit.error_schemas import API_ERRORS, CONFLICT
from croupier.kit.ids import PathId
from croupier.kit.json_route import JsonRoute
from croupier.models import Brand, Channel
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1", tags=["brands"], route_class=JsonRoute,
                   responses=API_ERRORS)


class IdentitySecretOut(BaseModel):
    channel: ChannelOut
    secret: str = Field(description="The new HMAC key for player identity signatures; shown only this once")


def _out(brand: Brand, channels: list[Channel]) -> BrandOut:
    out = BrandOut.model_validate(brand)
    out.channels = [ChannelOut.model_validate(c) for c in channels if c.brand_id == brand.id]
    return out


async def _with_channels(session: AsyncSession, principal: Principal, brand: Brand) -> BrandOut:
    return _out(brand, await brand_service.channels(session, principal, [brand.id]))


@router.get("/brands", response_model=list[BrandOut], summary="List the brands you work on")
async def list_brands(principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    brands = await brand_service.list(session, principal)
    channels = await brand_service.channels(session, principal, [b.id for b in brands])
    return [_out(b, channels) for b in brands]


@router.post("/brands", status_code=201, response_model=BrandOut, responses=CONFLICT,
             summary="Create a brand (with its web chat channel)")
async def create_brand(data: BrandIn, request: Request, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    brand = await brand_service.create(session, principal, data, ip=client_ip(request))
    return await _with_channels(session, principal, brand)


@router.get("/brands/{brand_id}", response_model=BrandOut, summary="Get a brand")
async def get_brand(brand_id: PathId, principal: Principal = Depends(api_principal),
                    session: AsyncSession = Depends(session_dep)):
    brand = await brand_service.get(session, principal, brand_id)
    return await _with_channels(session, principal, brand)


@router.patch("/brands/{brand_id}", response_model=BrandOut, summary="Change a brand")
async def update_brand(brand_id: PathId, data: BrandUpdate, request: Request,
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    brand = await brand_service.update(session, principal, brand_id, data, ip=client_ip(request))
    return await _with_channels(session, principal, brand)


@router.get("/brands/{brand_id}/channels", response_model=list[ChannelOut],
            summary="List a brand's channels (keys are public; secrets are never listed)")
async def list_channels(brand_id: PathId, principal: Principal = Depends(api_principal),
                        session: AsyncSession = Depends(session_dep)):
    brand = await brand_service.get(session, principal, brand_id)
    return await brand_service.channels(session, principal, [brand.id])


@router.post("/brands/{brand_id}/rotate-identity-secret", response_model=IdentitySecretOut,
             summary="Replace the web chat identity secret; the new one is shown only in this response")
async def rotate_identity_secret(brand_id: PathId, request: Request, response: Response,
                                 principal: Principal = Depends(api_principal),
                                 session: AsyncSession = Depends(session_dep)):
    channel = await brand_service.rotate_identity_secret(session, principal, brand_id, ip=client_ip(request))
    response.headers["Cache-Control"] = "no-store"
    return IdentitySecretOut(channel=ChannelOut.model_validate(channel), secret=channel.secret)
