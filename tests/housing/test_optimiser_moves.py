"""The optimiser's repair moves and its shared setup: moves house more people without lowering the score or
breaking a hard constraint, and the plan and bounds computed together are the ones computed apart."""
from dataclasses import replace

from aidcoord.housing.offer_classes import Catalogue
from aidcoord.housing.optimiser import (
    HouseholdNeed,
    OfferSpace,
    Plan,
    _groups,
    _Lattice,
    best_plan,
    plan_and_bounds,
    upper_bounds,
)
from aidcoord.housing.plan_moves import grow
from bench.matching import GRID, check, generate


def test_beds_left_over_in_two_offers_are_merged_for_a_household_left_out():
    offers = [OfferSpace(1, 3, "A"), OfferSpace(2, 2, "A")]
    singles = [HouseholdNeed(n, 1, 1.0) for n in (1, 2, 3)]
    pair = HouseholdNeed(4, 2, 1.0)
    plan = Plan()
    for household, offer_id in zip(singles, (1, 1, 2), strict=True):  # one bed left in each offer
        plan.assign(household, offer_id)
    households = [*singles, pair]
    grow(plan, households, offers, Catalogue(households, offers))
    check(plan, households, offers)
    assert plan.people == 5 and plan.assignments[pair.id] == 1 and plan.assignments[1] == 2


def test_several_occupants_of_a_full_offer_move_out_to_make_room_for_a_household_no_other_offer_suits():
    offers = [OfferSpace(1, 3, "A", pets_ok=True), OfferSpace(2, 2, "A"), OfferSpace(3, 2, "A")]
    singles = [HouseholdNeed(n, 1, 1.0) for n in range(1, 6)]
    pair_with_a_dog = HouseholdNeed(6, 2, 1.0, pets=True)
    plan = Plan()
    for household, offer_id in zip(singles, (1, 1, 1, 2, 3), strict=True):  # offer 1 full, one bed in 2 and 3
        plan.assign(household, offer_id)
    households = [*singles, pair_with_a_dog]
    grow(plan, households, offers, Catalogue(households, offers))
    check(plan, households, offers)
    assert plan.people == 7 and plan.assignments[pair_with_a_dog.id] == 1


def test_an_occupant_moves_only_to_an_offer_that_suits_it():
    offers = [OfferSpace(1, 3, "A", pets_ok=True), OfferSpace(2, 2, "A")]  # offer 2 takes no pets
    households = [HouseholdNeed(1, 1, 1.0, pets=True), HouseholdNeed(2, 1, 1.0), HouseholdNeed(3, 1, 1.0),
                  HouseholdNeed(4, 2, 1.0)]
    plan = Plan()
    for household, offer_id in zip(households[:3], (1, 1, 2), strict=True):
        plan.assign(household, offer_id)
    grow(plan, households, offers, Catalogue(households, offers))
    check(plan, households, offers)
    assert plan.people == 5 and plan.assignments[1] == 1  # the household with pets stays where it is


def test_a_whole_dwelling_held_by_a_small_household_goes_to_a_larger_one_when_the_small_one_can_move():
    offers = [OfferSpace(1, 4, "A", whole=True), OfferSpace(2, 2, "A")]
    single, other, family = HouseholdNeed(1, 1, 4.0), HouseholdNeed(2, 1, 1.0), HouseholdNeed(3, 4, 1.0)
    plan = Plan()
    plan.assign(single, 1)
    plan.assign(other, 2)
    households = [single, other, family]
    score_before = plan.score
    grow(plan, households, offers, Catalogue(households, offers))
    check(plan, households, offers)
    assert plan.assignments == {1: 2, 2: 2, 3: 1} and plan.score > score_before


def test_the_plan_and_bounds_computed_together_are_the_ones_computed_apart():
    households, offers = generate(replace(GRID["any-half-random-monthly"], people=3000, regions=2))
    plan, people_bound, score_bound = plan_and_bounds(households, offers)
    alone = best_plan(households, offers)
    assert (plan.assignments, plan.people) == (alone.assignments, alone.people)
    assert (people_bound, score_bound) == upper_bounds(households, offers)
    assert plan.people <= people_bound and plan.score <= score_bound + 1e-6


def test_the_max_flow_people_bound_is_the_unweighted_min_cost_flow():
    households, offers = generate(replace(GRID["any-half-ring"], people=3000, regions=3))
    catalogue = Catalogue(households, offers)
    lattice = _Lattice(catalogue, _groups(catalogue, households), offers)
    assert lattice.max_people() == lattice.solve(weighted=False)[1]
