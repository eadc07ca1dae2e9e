"""Demo casino pages."""

from fastapi import APIRouter

router = APIRouter(prefix="/demo")
