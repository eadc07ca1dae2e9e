"""REST API v1 routes of this module (HTTP only; rules live in service.py)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["api"])
