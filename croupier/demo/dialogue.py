"""The shape of one demo conversation, written as the player and the agents wrote it."""

from __future__ import annotations

from dataclasses import dataclass

from croupier.models import Priority, Status


@dataclass(frozen=True)
class Turn:
    kind: str  # player | agent | note
    text: str
    agent: str | None = None  # StaffSpec.key


def P(text: str) -> Turn:
    return Turn("player", text)


def A(agent: str, text: str) -> Turn:
    return Turn("agent", text, agent)


def N(agent: str, text: str) -> Turn:
    return Turn("note", text, agent)


@dataclass(frozen=True)
class Dialogue:
    brand: str  # slug
    language: str
    player: tuple[str, str] | None  # (operator's player id, name); None: an anonymous visitor
    turns: tuple[Turn, ...]
    hours_ago: float  # when the player first wrote
    status: Status = Status.open
    priority: Priority = Priority.normal
    team: str | None = None
    tags: tuple[str, ...] = ()
    intent: str | None = None  # as an agent (or, later, the assistant) would set it: brings its playbook
