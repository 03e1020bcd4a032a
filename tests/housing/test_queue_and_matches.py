"""The heart of it: the most vulnerable first, nobody loses their place, no bed is given twice."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import HousingOffer
from aidcoord.matching import queue
from aidcoord.matching import services as matches
from aidcoord.matching.models import EntryState, Match, MatchState, QueueEntry, QueueKind
from aidcoord.matching.services import CapacityExceeded
from aidcoord.notifications.models import OutboxMessage
from tests.factories import HousingOfferFactory, UserFactory


def free_beds_match_placements(offer_id):
    """The counter equals beds minus what every holding match holds."""
    offer = db.session.get(HousingOffer, offer_id)
    db.session.refresh(offer)
    held = db.session.scalar(select(func.coalesce(func.sum(Match.held), 0)).where(
        Match.offer_id == offer_id, Match.state.in_(["proposed", "accepted", "placed"])))
    return offer.free_beds == offer.beds - held


def test_the_most_vulnerable_come_first_then_the_earliest(coordinator, register):
    single_adult = register(contact_name="A", contact_phone="+37491000001", adults=1, children=0, children_under_5=0)
    with_baby = register(contact_name="B", contact_phone="+37491000002")
    later_with_baby = register(contact_name="C", contact_phone="+37491000003")
    order = [entry.subject_id for entry in queue.browse(coordinator, QueueKind.HOUSING).items]
    assert order == [with_baby.id, later_with_baby.id, single_adult.id]
    assert with_baby.priority == 15 + 5
    assert with_baby.priority_reasons[0] == {"code": "children_under_5", "points": 15, "count": 1}


def test_take_next_leases_so_two_coordinators_never_get_the_same_entry(coordinator, register):
    register(contact_phone="+37491000001")
    register(contact_name="Other family", contact_phone="+37491000002")
    other = UserFactory(roles=["coordinator"])
    first = queue.take_next(coordinator, QueueKind.HOUSING)
    second = queue.take_next(other, QueueKind.HOUSING)
    assert first.id != second.id
    assert queue.take_next(UserFactory(roles=["coordinator"]), QueueKind.HOUSING) is None


def test_an_expired_lease_returns_the_entry(coordinator, register):
    register()
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    entry.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert queue.take_next(UserFactory(roles=["coordinator"]), QueueKind.HOUSING).id == entry.id


def test_the_whole_loop_keeps_free_beds_true(coordinator, register):
    household = register()
    offer = HousingOfferFactory(beds=6)
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    match = housing_matching.propose_offer(coordinator, entry, offer.id)
    assert db.session.get(HousingOffer, offer.id).free_beds == 2 and free_beds_match_placements(offer.id)
    topic = select(OutboxMessage.topic).where(OutboxMessage.recipient_id == offer.host_id)
    assert db.session.scalar(topic) == "proposal"
    housing_matching.accept(offer.host, match)
    housing_matching.move_in(coordinator, match)
    assert entry.state is EntryState.PLACED and match.state is MatchState.PLACED
    housing_matching.end(offer.host, match, "moved to a flat of their own")
    assert db.session.get(HousingOffer, offer.id).free_beds == 6 and free_beds_match_placements(offer.id)
    assert [step.state for step in match.steps] == [MatchState.PROPOSED, MatchState.ACCEPTED, MatchState.PLACED,
                                                      MatchState.ENDED]
    del household


def test_a_declined_proposal_keeps_the_households_place(coordinator, register):
    first = register(contact_phone="+37491000001")
    register(contact_name="Second family", contact_phone="+37491000002")
    offer = HousingOfferFactory()
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    assert entry.subject_id == first.id
    joined = entry.joined_at
    match = housing_matching.propose_offer(coordinator, entry, offer.id)
    with pytest.raises(ValidationFailed):
        housing_matching.decline(offer.host, match, "")
    housing_matching.decline(offer.host, match, "Our relatives arrived")
    assert db.session.get(HousingOffer, offer.id).free_beds == offer.beds
    again = queue.take_next(coordinator, QueueKind.HOUSING)
    assert again.id == entry.id and again.joined_at == joined and again.priority == first.priority


def test_an_unanswered_proposal_expires_and_returns_the_household(coordinator, register, app):
    register()
    offer = HousingOfferFactory()
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    match = housing_matching.propose_offer(coordinator, entry, offer.id)
    match.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert matches.expire_overdue() == 1
    assert match.state is MatchState.EXPIRED and entry.state is EntryState.WAITING
    assert db.session.get(HousingOffer, offer.id).free_beds == offer.beds
    with pytest.raises(Conflict):
        housing_matching.accept(offer.host, match)


def test_a_bed_is_never_given_twice(coordinator, register):
    register(contact_phone="+37491000001")
    register(contact_name="Second family", contact_phone="+37491000002")
    offer = HousingOfferFactory(beds=5)
    first = queue.take_next(coordinator, QueueKind.HOUSING)
    second = queue.take_next(UserFactory(roles=["coordinator"]), QueueKind.HOUSING)
    housing_matching.propose_offer(coordinator, first, offer.id)
    with pytest.raises(CapacityExceeded, match="Not enough free beds") as refused:
        housing_matching.propose_offer(db.session.get(type(coordinator), second.leased_by_id), second, offer.id)
    assert (refused.value.status, refused.value.code) == (409, "capacity_taken")  # a conflict, not bad input
    assert db.session.get(HousingOffer, offer.id).free_beds == 1


def test_hard_constraints_filter_candidates_and_reasons_rank_them(coordinator, register):
    from aidcoord.housing import engine

    household = register(pets=True, step_free_needed=True, region_required=True)
    good = HousingOfferFactory(pets_accepted=True, step_free=True, region="AM-SU", languages=["hy"])
    better = HousingOfferFactory(pets_accepted=True, step_free=True, region="AM-SU", languages=["hy", "ru"])
    HousingOfferFactory(pets_accepted=False, step_free=True)  # no pets
    HousingOfferFactory(pets_accepted=True, step_free=False)  # stairs
    HousingOfferFactory(pets_accepted=True, step_free=True, region="AM-ER")  # elsewhere
    HousingOfferFactory(pets_accepted=True, step_free=True, beds=3)  # too small
    ranked = engine.candidates(household)
    assert [candidate.offer.id for candidate in ranked] == [better.id, good.id]
    assert {"code": "speaks", "points": 20, "languages": ["hy", "ru"]} in ranked[0].reasons
    assert "speaks Armenian, Russian (+20)" in map(engine.reason_text, ranked[0].reasons)


def test_withdrawing_an_offer_with_people_in_it_is_refused(coordinator, register):
    from aidcoord.housing import offers

    register()
    offer = HousingOfferFactory()
    housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    with pytest.raises(Conflict, match="cannot be withdrawn"):
        offers.withdraw_offer(offer.host, offer)


def test_a_suspended_hosts_offers_receive_no_proposals(coordinator, register):
    from aidcoord.housing import offers

    register()
    offer = HousingOfferFactory()
    offers.suspend_host(coordinator, offer.host, "incident under review")
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    with pytest.raises(ValidationFailed, match="suspended"):
        housing_matching.propose_offer(coordinator, entry, offer.id)
    offers.lift_suspension(coordinator, offer.host, "review found no fault")
    assert housing_matching.propose_offer(coordinator, entry, offer.id).state is MatchState.PROPOSED


def test_duplicates_are_flagged_and_a_merge_keeps_the_earlier_place(coordinator, register):
    from aidcoord.housing import households

    earlier = register()
    duplicate = register(contact_name="Narine Hakobian", contact_phone="+374 91 999999")
    assert duplicate.possible_duplicate_of_id == earlier.id
    same_phone = register(contact_name="Someone Else", contact_phone="+374-91-123-456")
    assert same_phone.possible_duplicate_of_id == earlier.id
    households.resolve_duplicate(coordinator, duplicate, merge=True)
    open_ids = [entry.subject_id for entry in queue.browse(coordinator, QueueKind.HOUSING).items]
    assert duplicate.id not in open_ids and open_ids[0] == earlier.id


def test_a_coordinator_raise_is_recorded_with_its_reason(coordinator, register):
    from aidcoord.housing import households

    household = register(adults=1, children=0, children_under_5=0)
    households.raise_priority(coordinator, household, 40, "pregnant, due next week")
    assert household.priority == 40
    assert household.priority_reasons[-1] == {"code": "raised_by_coordinator", "points": 40, "count": 1,
                                              "note": "pregnant, due next week"}
    assert queue.entry_for(QueueKind.HOUSING, household.id).priority == 40


def test_a_proposal_whose_lease_another_coordinator_took_meanwhile_is_refused_and_writes_nothing(
        coordinator, register):
    from sqlalchemy.orm.attributes import set_committed_value

    from aidcoord.audit.models import AuditEvent

    register()
    offer = HousingOfferFactory(beds=6)
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    other = UserFactory(roles=["coordinator"])
    # The lease ran out and another coordinator took the entry, after this request read it as its own.
    db.session.execute(QueueEntry.__table__.update().where(QueueEntry.__table__.c.id == entry.id).values(
        leased_by_id=other.id, lease_expires_at=utcnow() + timedelta(minutes=5)))
    db.session.commit()
    set_committed_value(entry, "leased_by_id", coordinator.id)  # what this request still believes
    events, messages = db.session.scalar(select(func.count(AuditEvent.id))), db.session.scalar(
        select(func.count(OutboxMessage.id)))
    with pytest.raises(Conflict):
        housing_matching.propose_offer(coordinator, entry, offer.id)
    assert db.session.scalar(select(func.count(Match.id))) == 0
    assert db.session.get(HousingOffer, offer.id).free_beds == 6 and free_beds_match_placements(offer.id)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == messages
    assert queue.entry_for(QueueKind.HOUSING, entry.subject_id).leased_by_id == other.id
