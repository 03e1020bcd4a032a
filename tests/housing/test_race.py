"""16 coordinators in 16 real processes take households and propose them to the same few offers at
the same moment: every household is taken once, and no offer ever holds more people than beds."""
import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing.models import HousingOffer
from aidcoord.matching.models import Match, MatchState
from tests.conftest import POSTGRES_URL
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.parallel import run_at_once

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="parallel-process tests run on PostgreSQL")
PROCESSES = 16


def take_and_propose(coordinator_id, offer_ids):
    """One coordinator's turn: take the next household, propose it to the first offer that has room."""
    from aidcoord.accounts.models import User
    from aidcoord.housing import matching as housing_matching
    from aidcoord.matching import queue
    from aidcoord.matching.models import QueueKind

    coordinator = db.session.get(User, coordinator_id)
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    if entry is None:
        return ("empty", None, None)
    for offer_id in offer_ids:
        try:
            match = housing_matching.propose_offer(coordinator, entry, offer_id)
        except Exception as error:  # full: try the next offer
            db.session.rollback()
            last = type(error).__name__
            continue
        return ("proposed", entry.id, match.offer_id)
    return ("full", entry.id, last)


def test_no_bed_is_given_twice_under_parallel_coordinators(app, database_url):
    for n in range(24):
        households.register_household(UserFactory(roles=["coordinator"]), {
            **FAMILY, "contact_name": f"Family {n}", "contact_phone": f"+3749100{n:04d}", "adults": 2, "children": 0,
            "children_under_5": 0})
    offers = [HousingOfferFactory(beds=beds) for beds in (4, 4, 3, 2)]  # 13 beds: room for 6 pairs
    coordinators = [UserFactory(roles=["coordinator"]) for _ in range(PROCESSES)]
    offer_ids = [offer.id for offer in offers]
    outcomes = run_at_once(database_url, take_and_propose, [(c.id, offer_ids) for c in coordinators])
    assert all(status == "ok" for status, _ in outcomes), outcomes
    results = [value for _, value in outcomes]
    taken = [entry_id for state, entry_id, _ in results if entry_id is not None]
    assert len(taken) == len(set(taken)) == PROCESSES  # every coordinator got a different household
    assert sum(1 for state, *_ in results if state == "proposed") == 6
    db.session.expire_all()
    for offer in offers:
        current = db.session.get(HousingOffer, offer.id)
        held = db.session.scalar(select(func.coalesce(func.sum(Match.held), 0)).where(
            Match.offer_id == offer.id, Match.state == MatchState.PROPOSED))
        assert 0 <= current.free_beds == current.beds - held
        assert held <= current.beds
