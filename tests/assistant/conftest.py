"""The assistant's tests share a casino with the assistant enabled."""

from __future__ import annotations

import pytest

from tests.assistant.conversation import assistant_casino


@pytest.fixture
async def casino(db):
    return await assistant_casino(db)
