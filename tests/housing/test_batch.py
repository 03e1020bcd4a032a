"""Batch proposals: never break a hard constraint, never do worse than the baselines, propose nothing
until a coordinator confirms."""
import csv
import io

import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing.optimiser import best_plan, greedy_fewest_options_first, greedy_priority_best_fit, upper_bounds
from aidcoord.matching.models import Match
from bench.matching import check, scenario
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY


@pytest.mark.parametrize("with_neighbours", [False, True])
def test_the_plan_keeps_every_hard_constraint_and_beats_the_baselines(with_neighbours):
    households_, offers = scenario(5000, seed=7, with_neighbours=with_neighbours)
    plan = best_plan(households_, offers)
    check(plan, households_, offers)
    people_bound, score_bound = upper_bounds(households_, offers)
    assert plan.people <= people_bound and plan.score <= score_bound + 1e-6
    for baseline in (greedy_priority_best_fit, greedy_fewest_options_first):
        other = baseline(households_, offers)
        assert plan.score >= other.score and plan.people >= other.people


def test_suggestions_are_written_for_review_and_proposed_only_on_confirmation(app, tmp_path):
    coordinator = UserFactory(roles=["coordinator"])
    for n in range(3):
        households.register_household(coordinator, {**FAMILY, "contact_name": f"Family {n}",
                                                    "contact_phone": f"+3749100000{n}", "external_ref": f"R-{n}"})
    HousingOfferFactory(beds=8, external_ref="H-7")
    output = tmp_path / "proposals.csv"
    result = app.test_cli_runner().invoke(args=["match", "propose", "--kind", "housing", "--as", coordinator.email,
                                                "--output", str(output)])
    assert result.exit_code == 0 and "2 suggested proposals for 8 people" in result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    assert {row["offer_ref"] for row in rows} == {"H-7"}
    assert {row["request_ref"] for row in rows} <= {"R-0", "R-1", "R-2"}
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0  # see test_batch_runs for approval
