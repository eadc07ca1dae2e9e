"""Console routes."""

from fastapi import APIRouter

router = APIRouter(prefix="/console")
