"""Batch proposals for housing: the whole waiting queue against every verified offer at once.
Suggestions only: each one is proposed to a host when a coordinator confirms it."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import not_, or_, select

from aidcoord.accounts.models import User
from aidcoord.common.csv_export import safe_csv
from aidcoord.errors import PermissionDenied
from aidcoord.extensions import db
from aidcoord.housing import compatibility, engine, optimiser
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.housing.offers import host_is_suspended
from aidcoord.matching.lifecycle import EntryState
from aidcoord.matching.models import QueueEntry, QueueKind

CSV_COLUMNS = ("request_id", "request_ref", "entry_id", "offer_id", "offer_ref", "people", "score", "reasons")


@dataclass
class Suggestion:
    entry: QueueEntry
    household: Household
    offer: HousingOffer
    score: int
    reasons: list


def priority_weight(priority: int) -> float:
    """Per-person weight from the vulnerability score: everyone counts, the vulnerable more."""
    return 1 + priority / 25


def suggest(coordinator: User, today: date | None = None) -> list[Suggestion]:
    """Proposals that maximise people housed, weighted by priority, under the hard constraints."""
    if not coordinator.is_staff:
        raise PermissionDenied()
    waiting = db.session.execute(
        select(QueueEntry, Household).join(Household, Household.id == QueueEntry.subject_id)
        .where(QueueEntry.kind == QueueKind.HOUSING, QueueEntry.state == EntryState.WAITING,
               Household.consent_to_share.is_(True))).all()
    offers = db.session.scalars(select(HousingOffer).where(
        HousingOffer.vetting_state == VettingState.VERIFIED, HousingOffer.free_beds > 0,
        or_(HousingOffer.host_id.is_(None), not_(host_is_suspended(HousingOffer.host_id))))).all()
    needs = [compatibility.need_of(household, priority_weight(entry.priority)) for entry, household in waiting]
    spaces = [compatibility.space_of(offer) for offer in offers]
    plan = optimiser.best_plan(needs, [space for space in spaces if space.capacity > 0])
    offers_by_id = {offer.id: offer for offer in offers}
    suggestions = []
    for entry, household in waiting:
        offer_id = plan.assignments.get(household.id)
        if offer_id is None:
            continue
        offer = offers_by_id[offer_id]
        if compatibility.violations(household, offer, today):  # dates and what only the records tell
            continue
        fit = engine.preference_score(household, offer)
        reasons = [engine.reason_text(reason) for reason in fit.reasons]  # worded now: shown once, not stored
        suggestions.append(Suggestion(entry, household, offer, fit.score, reasons))
    return sorted(suggestions, key=lambda s: (-s.entry.priority, s.entry.joined_at))


def suggestions_csv(suggestions: list[Suggestion]) -> str:
    # References come from imported files: a cell like =HYPERLINK(...) must not run when the file is opened.
    return safe_csv(CSV_COLUMNS, ([s.household.id, s.household.external_ref or "", s.entry.id, s.offer.id,
                                   s.offer.external_ref or "", s.household.size, s.score, "; ".join(s.reasons)]
                                  for s in suggestions))
