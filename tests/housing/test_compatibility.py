"""The housing compatibility rules, stated once: each hard constraint, and the queue's proposal check,
the optimiser and the candidate search all agreeing with it."""
import pytest

from aidcoord.housing import compatibility, engine
from aidcoord.housing.compatibility import HouseholdNeed, OfferSpace, compatible, unmet
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY

PLACE = OfferSpace(id=1, capacity=4, region="AM-SU", pets_ok=True, step_free=True, children_ok=True, max_stay=90)


@pytest.mark.parametrize("need, broken", [
    (HouseholdNeed(id=1, size=4), []),
    (HouseholdNeed(id=1, size=5), ["beds"]),
    (HouseholdNeed(id=1, size=2, regions=frozenset({"AM-ER"})), ["region"]),
    (HouseholdNeed(id=1, size=2, regions=frozenset({"AM-ER", "AM-SU"})), []),
    (HouseholdNeed(id=1, size=2, stay_days=120), ["stay"]),
    (HouseholdNeed(id=1, size=6, regions=frozenset({"AM-ER"}), stay_days=91), ["beds", "region", "stay"]),
])
def test_each_hard_constraint_is_named(need, broken):
    assert unmet(need, PLACE) == broken
    assert compatible(need, PLACE) is (not broken)


@pytest.mark.parametrize("need, place, broken", [
    (HouseholdNeed(id=1, size=1, pets=True), OfferSpace(id=1, capacity=1, region="AM-SU"), ["pets"]),
    (HouseholdNeed(id=1, size=1, step_free=True), OfferSpace(id=1, capacity=1, region="AM-SU"), ["step_free"]),
    (HouseholdNeed(id=1, size=3, children=True), OfferSpace(id=1, capacity=3, region="AM-SU", children_ok=False),
     ["children"]),
])
def test_features_a_household_needs_must_be_offered(need, place, broken):
    assert unmet(need, place) == broken


def test_the_proposal_check_and_the_candidate_search_use_the_same_rules(app):
    from aidcoord.housing import households

    coordinator = UserFactory(roles=["coordinator"])
    household = households.register_household(coordinator, {**FAMILY, "pets": True})
    with_pets = HousingOfferFactory(pets_accepted=True, beds=4, region="AM-SU")
    without_pets = HousingOfferFactory(pets_accepted=False, beds=4, region="AM-SU")
    assert compatibility.violations(household, with_pets) == []
    assert [str(reason) for reason in compatibility.violations(household, without_pets)] == ["no pets accepted"]
    assert not compatible(compatibility.need_of(household), compatibility.space_of(without_pets))
    assert [candidate.offer.id for candidate in engine.candidates(household)] == [with_pets.id]


def test_a_whole_dwelling_with_anyone_in_it_has_no_room(app):
    offer = HousingOfferFactory(whole_dwelling=True, beds=4, free_beds=3)
    assert compatibility.space_of(offer).capacity == 0
