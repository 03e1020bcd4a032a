"""Batch runs: the optimiser over the waiting queue and the free offers, computed by a background worker
(never inside a request), stored for review, and turned into proposals only when a coordinator approves.

A run's result holds ids, counts and codes only. Approval goes through the usual lifecycle one proposal at a
time (lease the entry, propose the offer: beds taken, expiry and reveal rules as for any proposal), so an
entry already proposed, or an offer whose beds went meanwhile, is skipped, and approving twice or running
again on an unchanged queue proposes nothing new.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import not_, or_, select

from aidcoord.accounts.models import User
from aidcoord.common import validation as check
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import compatibility, engine, optimiser, unhoused
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.batch import priority_weight
from aidcoord.housing.batch_models import BatchRunState, HousingBatchRun
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.housing.offers import host_is_suspended
from aidcoord.matching import queue
from aidcoord.matching.lifecycle import EntryState
from aidcoord.matching.models import QueueEntry, QueueKind
from aidcoord.worker import enqueue, handles, report_progress

JOB_KIND = "housing.batch_proposals"
RECENT_RUNS = 20


def _require_staff(user: User | None) -> User:
    if user is None or not user.is_staff:
        raise PermissionDenied()
    return user


def start_run(coordinator: User, region: str | None = None) -> HousingBatchRun:
    """Queue a run for the worker (one transaction with its job); a run of the same region still waiting
    or computing is returned instead of a second one."""
    _require_staff(coordinator)
    if region:
        errors = check.FieldErrors()
        region = check.region(errors, "region", region)
        if errors:
            raise ValidationFailed(_l("Some fields are invalid."), errors)
    pending = db.session.scalar(select(HousingBatchRun).where(
        HousingBatchRun.state.in_((BatchRunState.QUEUED, BatchRunState.RUNNING)),
        HousingBatchRun.region.is_(None) if not region else HousingBatchRun.region == region))
    if pending is not None:
        return pending
    run = HousingBatchRun(region=region or None, requested_by_id=coordinator.id, state=BatchRunState.QUEUED,
                          progress=0)
    db.session.add(run)
    db.session.flush()
    run.job_id = enqueue(JOB_KIND, {"run_id": run.id}).id
    db.session.commit()
    return run


def get_run(viewer: User | None, run_id: int) -> HousingBatchRun:
    _require_staff(viewer)
    run = db.session.get(HousingBatchRun, run_id)
    if run is None:
        raise NotFound(_l("No such batch run."))
    return run


def recent_runs(viewer: User | None) -> list[HousingBatchRun]:
    _require_staff(viewer)
    return list(db.session.scalars(select(HousingBatchRun).order_by(HousingBatchRun.id.desc()).limit(RECENT_RUNS)))


# ---- the computation, run by the worker --------------------------------------------------------------

def _may_go_to(household: Household, region: str | None) -> bool:
    return region is None or not household.region_required or region in (household.preferred_regions or ())


def compute(run: HousingBatchRun, progress=lambda percent: None, today: date | None = None) -> dict:
    """The plan for the run's queue and offers, its bounds, and why each household left out is left out."""
    rows = db.session.execute(
        select(QueueEntry, Household).join(Household, Household.id == QueueEntry.subject_id)
        .where(QueueEntry.kind == QueueKind.HOUSING, QueueEntry.state == EntryState.WAITING)
        .order_by(QueueEntry.priority.desc(), QueueEntry.joined_at, QueueEntry.id)).all()
    waiting = [(entry, household) for entry, household in rows if _may_go_to(household, run.region)]
    query = select(HousingOffer).where(
        HousingOffer.vetting_state == VettingState.VERIFIED, HousingOffer.free_beds > 0,
        or_(HousingOffer.host_id.is_(None), not_(host_is_suspended(HousingOffer.host_id))))
    if run.region:
        query = query.where(HousingOffer.region == run.region)
    offers = {offer.id: offer for offer in db.session.scalars(query.order_by(HousingOffer.id))}
    progress(10)
    consenting = [(entry, household) for entry, household in waiting if household.consent_to_share]
    needs = {household.id: compatibility.need_of(household, priority_weight(entry.priority))
             for entry, household in consenting}
    spaces = [space for space in map(compatibility.space_of, offers.values()) if space.capacity > 0]
    plan, people_bound, score_bound = optimiser.plan_and_bounds(list(needs.values()), spaces)  # one setup
    progress(80)
    proposals, not_available = [], set()
    for entry, household in consenting:
        offer_id = plan.assignments.get(household.id)
        if offer_id is None:
            continue
        offer = offers[offer_id]
        if compatibility.violations(household, offer, today):  # dates and what only the records tell
            not_available.add(household.id)
            continue
        fit = engine.preference_score(household, offer)
        proposals.append({"entry_id": entry.id, "household_id": household.id, "offer_id": offer.id,
                          "region": offer.region, "people": household.size, "priority": entry.priority,
                          "score": fit.score, "reasons": fit.reasons})
    placed = {proposal["household_id"] for proposal in proposals}
    left_out = [needs[household.id] for _entry, household in consenting
                if household.id not in placed and household.id not in not_available]
    weights = {household_id: needs[household_id].weight for household_id in plan.assignments}
    why = unhoused.reasons(left_out, spaces, plan.assignments, weights)
    left = []
    for entry, household in waiting:
        if household.id in placed:
            continue
        if not household.consent_to_share:
            reason = unhoused.Reason("constraint", "consent")
        elif household.id in not_available:
            reason = unhoused.Reason("constraint", "availability")
        else:
            reason = why[household.id]
        left.append({"entry_id": entry.id, "household_id": household.id, "people": household.size,
                     "priority": entry.priority, "reason": reason.code, "constraint": reason.constraint})
    progress(95)
    return {
        "waiting_households": len(waiting), "waiting_people": sum(h.size for _e, h in waiting),
        "offers": len(spaces), "free_beds": sum(space.capacity for space in spaces),
        "people": sum(p["people"] for p in proposals),
        "score": round(sum(p["people"] * needs[p["household_id"]].weight for p in proposals), 3),
        "people_bound": int(people_bound), "score_bound": round(score_bound, 3),
        "proposals": proposals, "unhoused": left, "approved": {},
    }


def run_now(run: HousingBatchRun, progress=lambda percent: None) -> HousingBatchRun:
    """Compute a queued run in the caller's transaction (the worker's); idempotent: a finished run is kept."""
    if run.state in (BatchRunState.DONE, BatchRunState.FAILED):
        return run
    run.state, run.started_at, run.progress = BatchRunState.RUNNING, utcnow(), 0
    progress(0)
    try:
        result = compute(run, progress)
    except Exception as error:  # the coordinator reads that it failed and may run it again
        db.session.rollback()
        failed = db.session.get_one(HousingBatchRun, run.id)
        failed.state, failed.error, failed.finished_at = BatchRunState.FAILED, type(error).__name__, utcnow()
        return failed
    run.result, run.state, run.progress, run.finished_at = result, BatchRunState.DONE, 100, utcnow()
    return run


def batch_job_died(job) -> None:
    """The worker gave up on the run's job: the run failed, and says so instead of "computing" for ever; a
    coordinator starts another (its job is not retried: a failed run is kept as it is, see run_now)."""
    run = db.session.get(HousingBatchRun, int(job.payload["run_id"]))
    if run is not None and run.state is not BatchRunState.DONE:
        run.state, run.error, run.finished_at = BatchRunState.FAILED, (job.last_error or "")[:100], utcnow()


@handles(JOB_KIND, on_dead=batch_job_died, retry_refused=_l(
    "This batch run was marked failed when its job failed: start a new batch run."))
def run_batch_job(job) -> dict:
    """The worker's handler: the run named in the payload (ids only)."""
    run = db.session.get(HousingBatchRun, int(job.payload["run_id"]))
    if run is None:
        return {"run_id": None}
    computing = run

    def progress(percent: int) -> None:
        computing.progress = percent
        report_progress(job, percent)  # commits: the page shows how far it got

    finished = run_now(run, progress)
    return {"run_id": finished.id, "state": finished.state.value}


# ---- approval -------------------------------------------------------------------------------------

@dataclass
class Approval:
    proposed: list = field(default_factory=list)  # {"entry_id", "match_id"}
    skipped: list = field(default_factory=list)  # {"entry_id", "reason": text in the reader's language}


def approve(coordinator: User, run: HousingBatchRun, entry_ids: list[int] | None = None) -> Approval:
    """Propose the run's proposals for `entry_ids` (None: all), most vulnerable first, each through the usual
    lifecycle in its own transaction; whatever cannot be proposed any more is skipped with the reason."""
    _require_staff(coordinator)
    if run.state is not BatchRunState.DONE or run.result is None:
        raise Conflict(_l("This batch is not ready for review yet."))
    wanted = None if entry_ids is None else set(entry_ids)
    chosen = [p for p in run.result["proposals"] if wanted is None or p["entry_id"] in wanted]
    unknown = set() if wanted is None else wanted - {p["entry_id"] for p in chosen}
    outcome = Approval(skipped=[{"entry_id": entry_id, "reason": str(_l("Not among this batch's proposals."))}
                                for entry_id in sorted(unknown)])
    done = dict(run.result.get("approved") or {})
    run_id = run.id
    for proposal in sorted(chosen, key=lambda p: (-p["priority"], p["entry_id"])):
        try:
            match = _propose(coordinator, proposal)
        except DomainError as error:
            outcome.skipped.append({"entry_id": proposal["entry_id"], "reason": str(error.message)})
        else:
            outcome.proposed.append({"entry_id": proposal["entry_id"], "match_id": match.id})
            done[str(proposal["entry_id"])] = match.id
    run = db.session.get_one(HousingBatchRun, run_id)
    run.result = {**(run.result or {}), "approved": done}  # a new dict: the JSON column sees the change
    run.approved_by_id, run.approved_at = coordinator.id, utcnow()
    db.session.commit()
    return outcome


def _propose(coordinator: User, proposal: dict):
    entry = db.session.get(QueueEntry, proposal["entry_id"])
    if entry is None or entry.kind is not QueueKind.HOUSING:
        raise NotFound(_l("No such queue entry."))
    entry = queue.lease(coordinator, entry)
    try:
        return housing_matching.propose_offer(coordinator, entry, proposal["offer_id"])
    except DomainError:
        db.session.rollback()
        queue.release(coordinator, db.session.get_one(QueueEntry, proposal["entry_id"]))  # back in its place
        raise


# ---- the review page --------------------------------------------------------------------------------

SHOWN = 500  # rows of each list on the page; the API gives them all

CONSTRAINT_WORDS = {
    "beds": _l("no offer has enough beds"),
    "region": _l("no offer in the regions the household must stay in"),
    "pets": _l("no offer accepts pets"),
    "step_free": _l("no offer has step-free access"),
    "children": _l("no offer welcomes children"),
    "stay": _l("no offer allows so long a stay"),
    "availability": _l("the offer is not available on the household's dates"),
    "consent": _l("the household has not consented to share its details with a host"),
}


def reason_text(code: str, constraint: str | None = None) -> str:
    """Why a household is left out, in the reader's language."""
    if code == "no_offer":
        return str(_l("No compatible offer at all: no free offer."))
    if code == "constraint":
        return str(_l("No compatible offer at all: %(constraint)s.",
                      constraint=CONSTRAINT_WORDS.get(constraint or "", constraint or "")))
    if code == "taken_by_higher_priority":
        return str(_l("Compatible offers are all taken by households of higher or equal priority."))
    if code == "taken_to_house_more":
        return str(_l("Compatible offers went to other households so that more people are housed."))
    if code == "offer_still_free":
        return str(_l("A compatible offer is still free: propose it from the queue."))
    return code


def reason_counts(unhoused_rows: list[dict]) -> list[dict]:
    """Households and people left out per reason (and constraint), most households first."""
    counts: dict[tuple, list[int]] = {}
    for row in unhoused_rows:
        households, people = counts.get((row["reason"], row.get("constraint")), [0, 0])
        counts[(row["reason"], row.get("constraint"))] = [households + 1, people + row["people"]]
    return [{"reason": reason, "constraint": constraint, "households": n, "people": people}
            for (reason, constraint), (n, people) in sorted(counts.items(), key=lambda item: -item[1][0])]


@dataclass
class Review:
    proposals: list  # (proposal dict, offer, match id or None)
    unhoused: list  # (row dict, reason text)
    reasons: list  # (reason text, households, people), most households first
    more_proposals: int = 0
    more_unhoused: int = 0


def review(run: HousingBatchRun) -> Review | None:
    """What the review page shows of a finished run (None before)."""
    if run.state is not BatchRunState.DONE or run.result is None:
        return None
    result = run.result
    approved = result.get("approved") or {}
    shown = result["proposals"][:SHOWN]
    ids = {p["offer_id"] for p in shown}
    offers = {o.id: o for o in db.session.scalars(select(HousingOffer).where(HousingOffer.id.in_(ids)))} if ids else {}
    proposals = [(p, offers.get(p["offer_id"]), approved.get(str(p["entry_id"]))) for p in shown]
    reasons = [(reason_text(count["reason"], count["constraint"]), count["households"], count["people"])
               for count in reason_counts(result["unhoused"])]
    unhoused = [(row, reason_text(row["reason"], row.get("constraint"))) for row in result["unhoused"][:SHOWN]]
    return Review(proposals, unhoused, reasons, max(0, len(result["proposals"]) - SHOWN),
                  max(0, len(result["unhoused"]) - SHOWN))
