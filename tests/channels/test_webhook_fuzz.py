"""Fuzzing the webhook parsers of the Telegram, API and phone channels with hypothesis (WhatsApp and
Messenger/Instagram have theirs in their own tests, email in tests/channels/email/test_fuzz.py): any JSON
object, shaped like the provider's payloads or mutated from the recorded fixtures, is either refused with a
clear 4xx by `external_id` (what the webhook route calls before answering) or parsed without an exception
into messages with something to show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from croupier.channels.api.adapter import ApiAdapter
from croupier.channels.telegram.adapter import TelegramAdapter
from croupier.channels.voice.adapter import VoiceAdapter
from croupier.errors import CroupierError
from croupier.models import Channel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channels"
SCALAR = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
          | st.text(max_size=12) | st.sampled_from(["+48601234567", "pl-PL", "2026-11-22T05:21:40Z", ""]))
KEYS = st.sampled_from(["update_id", "message", "edited_message", "message_id", "chat", "id", "from", "first_name",
                        "last_name", "username", "language_code", "text", "caption", "photo", "file_id", "file_size",
                        "width", "document", "file_name", "sticker", "player", "name", "locale", "sent_at", "type",
                        "to", "duration_s", "recording_url", "transcript", "at"])
SHAPED = st.recursive(SCALAR, lambda inner: st.dictionaries(KEYS, inner, max_size=6) | st.lists(inner, max_size=3),
                      max_leaves=30)
ADAPTERS = {"telegram": TelegramAdapter(), "api": ApiAdapter(), "voice": VoiceAdapter()}
SEEDS = [(name, json.loads(path.read_text())) for name in ADAPTERS
         for path in sorted((FIXTURES / name).glob("*.json"))]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict]:
    """A recorded payload with some of its values, at any depth, replaced by shaped JSON."""
    name, payload = draw(st.sampled_from(SEEDS))

    def walk(value: object) -> object:
        if draw(st.integers(0, 9)) == 0:
            return draw(SHAPED)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return name, walk(payload)


def check(name: str, payload: object) -> None:
    adapter = ADAPTERS[name]
    channel = Channel(id=1, brand_id=1, secret="s" * 32, config={})
    if not isinstance(payload, dict):
        return  # the route refuses anything but a JSON object before an adapter sees it
    try:
        external_id = adapter.external_id(payload)
        parsed = adapter.parse(channel, payload)
    except CroupierError as exc:
        assert 400 <= exc.status_code < 500
        return
    assert isinstance(external_id, str) and external_id
    for message in parsed.messages:
        assert isinstance(message.sender_id, str) and message.sender_id
        assert isinstance(message.text, str) and (message.text or message.attachments)


class TestWebhookFuzz:
    @settings(max_examples=300, deadline=None, database=None)
    @given(st.sampled_from(sorted(ADAPTERS)), st.dictionaries(KEYS, SHAPED, max_size=8))
    def test_shaped_json(self, name, payload):
        check(name, payload)

    @settings(max_examples=300, deadline=None, database=None)
    @given(mutated())
    def test_mutated_fixtures(self, seed):
        check(*seed)

    @pytest.mark.parametrize("name,payload", SEEDS, ids=[f"{n}-{i}" for i, (n, _p) in enumerate(SEEDS)])
    def test_the_recorded_fixtures(self, name, payload):
        check(name, payload)
