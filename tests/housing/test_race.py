"""16 coordinators in 16 real processes take households and propose them to the same few offers at
the same moment: every household is taken once, and no offer ever holds more people than beds."""
import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import Household, HousingOffer
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


def run_call(function, args):
    return function(*args)


def lower_beds(host_id, offer_id, beds):
    """One host's edit: the offer's beds down to `beds`."""
    from aidcoord.accounts.models import User
    from aidcoord.housing import offers

    host = db.session.get(User, host_id)
    return ("beds", offers.update_offer(host, offers.get_offer(host, offer_id), {"beds": beds}).beds)


def propose_to(coordinator_id, offer_id):
    """One coordinator's proposal of the next household to the offer."""
    from aidcoord.accounts.models import User
    from aidcoord.housing import matching as housing_matching
    from aidcoord.matching import queue
    from aidcoord.matching.models import QueueKind

    coordinator = db.session.get(User, coordinator_id)
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    return ("match", housing_matching.propose_offer(coordinator, entry, offer_id).id)


def test_lowering_beds_while_proposing_never_puts_more_people_than_beds(app, database_url):
    """8 edits lowering the beds of one offer from 16 to 10 and 8 proposals of pairs to it, in 16
    processes at once: each is done whole or refused with 409 (beds in use / taken); afterwards the people
    proposed never exceed the beds, the free beds are the beds minus those held, and declining every
    proposal gives all the beds back (no 500 from a free count above the beds). The edits all lower to
    the same number: a raise (one edit after a lower one) would send the offer back to vetting."""
    for n in range(8):
        households.register_household(UserFactory(roles=["coordinator"]), {
            **FAMILY, "contact_name": f"Pair {n}", "contact_phone": f"+3749200{n:04d}", "adults": 2, "children": 0,
            "children_under_5": 0})
    offer = HousingOfferFactory(beds=16)
    coordinators = [UserFactory(roles=["coordinator"]) for _ in range(8)]
    edits = [(lower_beds, (offer.host_id, offer.id, 10)) for _ in range(8)]
    proposals = [(propose_to, (c.id, offer.id)) for c in coordinators]
    calls = [call for pair in zip(edits, proposals, strict=True) for call in pair]  # interleaved
    outcomes = run_at_once(database_url, run_call, calls)
    refused = [value for status, value in outcomes if status == "error"]
    assert all(value.startswith(("CapacityInUse:", "CapacityExceeded:")) for value in refused), refused
    db.session.expire_all()
    current = db.session.get(HousingOffer, offer.id)
    held = db.session.scalar(select(func.coalesce(func.sum(Match.held), 0)).where(
        Match.offer_id == offer.id, Match.state == MatchState.PROPOSED))
    assert held <= current.beds and 0 <= current.free_beds == current.beds - held, (current.beds, held, outcomes)
    proposed = db.session.scalars(select(Match).where(Match.offer_id == offer.id,
                                                      Match.state == MatchState.PROPOSED)).all()
    made = {value[1] for status, value in outcomes if status == "ok" and value[0] == "match"}
    assert {match.id for match in proposed} == made and held == 2 * len(made)
    edited = any(status == "ok" and value[0] == "beds" for status, value in outcomes)
    if edited:  # the beds went down to 10 while at most 5 pairs were in: no more than 5 pairs after
        assert current.beds == 10 and len(made) <= 5
    else:  # 6 pairs or more came first: no edit could go below them
        assert current.beds == 16 and len(made) >= 6
    beds_after_edits = current.beds
    for match in proposed:
        housing_matching.decline(current.host, match, "changed plans")
    db.session.expire_all()
    final = db.session.get(HousingOffer, offer.id)
    assert (final.beds, final.free_beds) == (beds_after_edits, beds_after_edits)


def register_own(user_id, n):
    """One self-registration of a household by the account."""
    from aidcoord.accounts.models import User

    user = db.session.get(User, user_id)
    return households.register_household(user, {
        **FAMILY, "contact_name": f"Relative {n}", "contact_phone": f"+3749300{n:04d}"}, for_self=True).id


def test_simultaneous_self_registrations_keep_the_daily_limit_per_account(app, database_url):
    """20 self-registrations from one account in 20 processes at once: the count and the insert are one step
    (the account's row is locked between them), so no more than HOUSEHOLDS_PER_ACCOUNT_PER_DAY are made."""
    user = UserFactory()
    outcomes = run_at_once(database_url, register_own, [(user.id, n) for n in range(20)])
    refused = [value for status, value in outcomes if status == "error"]
    assert all(value.startswith("TooManyRegistrations:") for value in refused), refused
    db.session.expire_all()
    made = db.session.scalar(select(func.count()).select_from(Household).where(Household.registered_by_id == user.id))
    assert made == app.config["HOUSEHOLDS_PER_ACCOUNT_PER_DAY"] == len(outcomes) - len(refused)
