"""What the queue and matches need to know about each kind of offer (housing, jobs, ...)."""
from typing import Protocol

from aidcoord.accounts.models import User
from aidcoord.matching.models import QueueKind


class MatchKind(Protocol):
    def subject(self, subject_id: int): ...
    def people(self, subject) -> int: ...
    def offer(self, offer_id: int): ...
    def violations(self, subject, offer) -> list[str]:
        """Hard constraints the offer breaks for this subject (empty: compatible)."""
    def reserve(self, offer_id: int, people: int) -> int | None:
        """Take capacity in one conditional UPDATE; the units held, or None if there is not enough."""
    def release(self, offer_id: int, held: int) -> None: ...
    def answerers(self, offer) -> list[User]:
        """Who accepts or declines proposals for this offer."""
    def subject_users(self, subject) -> list[User]:
        """Accounts of the people matched (told when a proposal is accepted)."""
    def after_move_in(self, match) -> None:
        """Kind-specific follow-up in the same transaction (housing schedules welfare check-ins)."""
    def link(self, match) -> str: ...


KINDS: dict[QueueKind, MatchKind] = {}


def register(kind: QueueKind, implementation: MatchKind) -> None:
    KINDS[kind] = implementation


def of(kind: QueueKind) -> MatchKind:
    return KINDS[kind]
