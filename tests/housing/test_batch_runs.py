"""Batch runs: computed by the worker (never in the request), compared with both upper bounds, every household
left out given its reason, and proposals made only on approval, through the usual lifecycle, never twice."""
import re

import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.housing.compatibility import HouseholdNeed, OfferSpace
from aidcoord.housing.models import HousingOffer
from aidcoord.housing.unhoused import Reason, reasons
from aidcoord.matching.models import Match, MatchState
from aidcoord.worker.models import Job
from aidcoord.worker.services import run_worker
from tests.factories import HousingOfferFactory


def matches() -> int:
    return db.session.scalar(select(func.count()).select_from(Match))


@pytest.fixture
def queue_and_offers(register):
    """Four people fit the one Syunik offer: the older couple's family (higher priority) gets it; the dog owners
    find no offer taking pets; the family that must stay in Lori finds no offer there; one has not consented."""
    first = register(contact_name="Anahit Sargsyan", contact_phone="+374 91 000001", over_65=1)
    second = register(contact_name="Gohar Petrosyan", contact_phone="+374 91 000002")
    pets = register(contact_name="Tigran Avetisyan", contact_phone="+374 91 000003", adults=1, children=0,
                    children_under_5=0, pets=True)
    lori = register(contact_name="Mariam Karapetyan", contact_phone="+374 91 000004", adults=1, children=0,
                    children_under_5=0, preferred_regions="AM-LO", region_required=True)
    silent = register(contact_name="Levon Hovhannisyan", contact_phone="+374 91 000005", adults=1, children=0,
                      children_under_5=0, consent_to_share=False)
    offer = HousingOfferFactory(beds=4, region="AM-SU")
    return {"first": first, "second": second, "pets": pets, "lori": lori, "silent": silent, "offer": offer}


def test_a_run_waits_for_the_worker_then_reports_its_bounds_and_every_reason(app, api, coordinator, queue_and_offers):
    started = api("POST", "/api/v1/housing/batches", coordinator, json={})
    assert started.status_code == 202 and started.get_json()["state"] == "queued"
    run_id = started.get_json()["id"]
    assert started.get_json()["result"] is None  # nothing computed inside the request
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert api("POST", "/api/v1/housing/batches", coordinator, json={}).get_json()["id"] == run_id  # not twice

    assert run_worker(burst=True) == 1
    run = api("GET", f"/api/v1/housing/batches/{run_id}", coordinator).get_json()
    assert run["state"] == "done" and run["progress"] == 100
    result = run["result"]
    assert [p["household_id"] for p in result["proposals"]] == [queue_and_offers["first"].id]
    assert result["people"] == 4 and result["people_bound"] == 4
    assert result["score"] <= result["score_bound"] + 1e-6
    why = {row["household_id"]: (row["reason"], row["constraint"]) for row in result["unhoused"]}
    assert why == {queue_and_offers["second"].id: ("taken_by_higher_priority", None),
                   queue_and_offers["pets"].id: ("constraint", "pets"),
                   queue_and_offers["lori"].id: ("constraint", "region"),
                   queue_and_offers["silent"].id: ("constraint", "consent")}
    assert matches() == 0  # proposes nothing before approval
    assert {(c["reason"], c["constraint"], c["households"]) for c in result["unhoused_by_reason"]} == {
        ("taken_by_higher_priority", None, 1), ("constraint", "pets", 1), ("constraint", "region", 1),
        ("constraint", "consent", 1)}
    page = api("GET", f"/api/v1/housing/batches/{run_id}?offset=1&limit=2", coordinator).get_json()["result"]
    assert page["proposals"] == [] and len(page["unhoused"]) == 2 and page["unhoused_total"] == 4


def test_approval_proposes_through_the_lifecycle_and_never_twice(app, api, coordinator, queue_and_offers):
    run_id = api("POST", "/api/v1/housing/batches", coordinator, json={}).get_json()["id"]
    run_worker(burst=True)
    approved = api("POST", f"/api/v1/housing/batches/{run_id}/approve", coordinator, json={}).get_json()
    assert len(approved["proposed"]) == 1 and approved["skipped"] == []
    match = db.session.get(Match, approved["proposed"][0]["match_id"])
    assert match.state is MatchState.PROPOSED and match.expires_at is not None
    assert db.session.get(HousingOffer, queue_and_offers["offer"].id).free_beds == 0  # the beds are taken
    again = api("POST", f"/api/v1/housing/batches/{run_id}/approve", coordinator, json={}).get_json()
    assert again["proposed"] == [] and len(again["skipped"]) == 1 and matches() == 1
    # Running again on the unchanged queue proposes nothing new.
    second_run = api("POST", "/api/v1/housing/batches", coordinator, json={}).get_json()["id"]
    run_worker(burst=True)
    assert api("GET", f"/api/v1/housing/batches/{second_run}", coordinator).get_json()["result"]["proposals"] == []
    api("POST", f"/api/v1/housing/batches/{second_run}/approve", coordinator, json={})
    assert matches() == 1


def test_a_coordinator_may_approve_some_only(app, api, coordinator, register):
    families = [register(contact_name=f"Family {n}", contact_phone=f"+374 91 10000{n}") for n in range(3)]
    HousingOfferFactory(beds=12, region="AM-SU")
    run_id = api("POST", "/api/v1/housing/batches", coordinator, json={}).get_json()["id"]
    run_worker(burst=True)
    proposals = api("GET", f"/api/v1/housing/batches/{run_id}", coordinator).get_json()["result"]["proposals"]
    assert len(proposals) == 3 and {p["household_id"] for p in proposals} == {f.id for f in families}
    chosen = proposals[0]["entry_id"]
    approved = api("POST", f"/api/v1/housing/batches/{run_id}/approve", coordinator, json={"entry_ids": [chosen]})
    assert [made["entry_id"] for made in approved.get_json()["proposed"]] == [chosen] and matches() == 1


def test_the_page_shows_progress_then_the_result_and_approves_the_ticked_rows(app, pages, coordinator,
                                                                              queue_and_offers):
    pages.login(coordinator.email)
    response = pages.post("/housing/batches", {"region": ""})
    assert response.status_code == 302
    waiting = pages.client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting
    run_worker(burst=True)
    page = pages.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "refresh" not in page and "4 of at most 4" in page
    assert "no offer accepts pets" in page and "higher or equal priority" in page
    entry_id = re.search(r'name="entry_id" value="(\d+)"', page).group(1)
    pages.post(response.headers["Location"] + "/approve", {"entry_id": entry_id})
    assert matches() == 1
    assert pages.client.get("/housing/queue/batch").status_code == 404  # the page that ran the optimiser is gone


def test_offers_taken_to_house_more_people_are_told_apart_from_priority():
    big = HouseholdNeed(id=1, size=4, weight=1.5)
    offer = OfferSpace(id=10, capacity=4, region="AM-SU")
    weights = {2: 1.0, 3: 1.0}
    assert reasons([big], [offer], {2: 10, 3: 10}, weights) == {1: Reason("taken_to_house_more")}
    assert reasons([big], [], {}, {}) == {1: Reason("no_offer")}
    assert reasons([HouseholdNeed(id=4, size=6)], [offer], {}, {}) == {4: Reason("constraint", "beds")}


def test_a_region_run_takes_that_region_s_offers_and_who_may_live_there(app, api, coordinator, register):
    anywhere = register(contact_name="Ani Grigoryan", contact_phone="+374 91 200001", adults=1, children=0,
                        children_under_5=0)
    syunik_only = register(contact_name="Aram Sahakyan", contact_phone="+374 91 200002", adults=1, children=0,
                           children_under_5=0, preferred_regions="AM-SU", region_required=True)
    lori = HousingOfferFactory(beds=2, region="AM-LO")
    HousingOfferFactory(beds=2, region="AM-SU")
    run_id = api("POST", "/api/v1/housing/batches", coordinator, json={"region": "AM-LO"}).get_json()["id"]
    assert api("POST", "/api/v1/housing/batches", coordinator, json={"region": "XX"}).status_code == 422
    run_worker(burst=True)
    result = api("GET", f"/api/v1/housing/batches/{run_id}", coordinator).get_json()["result"]
    assert [(p["household_id"], p["offer_id"]) for p in result["proposals"]] == [(anywhere.id, lori.id)]
    assert result["waiting_households"] == 1 and syunik_only.id not in {r["household_id"] for r in result["unhoused"]}


def test_a_run_whose_job_died_says_it_failed_and_its_job_is_not_retried(app, api, coordinator, queue_and_offers):
    """What the worker does when a run's job fails its last attempt: the kind's on_dead hook marks the run failed
    (the page and the API stop saying "computing"), and the dead job is refused a retry with what to do instead."""
    from aidcoord.errors import Conflict
    from aidcoord.housing.batch_runs import batch_job_died
    from aidcoord.worker.models import JobState
    from aidcoord.worker.services import retry_job

    run_id = api("POST", "/api/v1/housing/batches", coordinator, json={}).get_json()["id"]
    job = db.session.scalars(select(Job)).one()
    job.state, job.last_error = JobState.DEAD, "OperationalError"
    batch_job_died(job)
    db.session.commit()
    run = api("GET", f"/api/v1/housing/batches/{run_id}", coordinator).get_json()
    assert run["state"] == "failed" and run["result"] is None
    with pytest.raises(Conflict, match="start a new batch run"):
        retry_job(job.id)
    assert api("POST", "/api/v1/housing/batches", coordinator, json={}).get_json()["id"] != run_id
