"""Serves the widget's static files."""

from fastapi import APIRouter

router = APIRouter(prefix="/widget")
