"""JSON API for batch proposals: start a run (computed by a worker), poll it, approve all or some."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import STAFF, actor, allow
from aidcoord.housing import batch_runs
from aidcoord.housing.batch_models import BatchRunState
from aidcoord.housing.unhoused import CONSTRAINT_ORDER

blp = Blueprint("housing_batches_api", __name__, url_prefix="/api/v1/housing/batches",
                description="Batch proposals: the optimiser over the whole waiting queue, run in the background, "
                            "reviewed and approved by a coordinator.")

REASON_CODES = ("no_offer", "constraint", "taken_by_higher_priority", "taken_to_house_more", "offer_still_free")


class StartBatchSchema(ma.Schema):
    example: ClassVar[dict] = {"region": "AM-SU"}

    region = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=10),
                              metadata={"description": "ISO 3166-2 (e.g. AM-SU): that region's offers and the "
                                                       "households who may live there; absent or null: all"})


class ApproveSchema(ma.Schema):
    example: ClassVar[dict] = {"entry_ids": [12, 15]}

    entry_ids = ma.fields.List(ma.fields.Integer(strict=True), allow_none=True,
                               validate=ma.validate.Length(max=100_000),
                               metadata={"description": "Queue entries whose proposals to make; absent or null: "
                                                        "every proposal of the batch"})


class ProposalSchema(ma.Schema):
    entry_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    offer_id = ma.fields.Integer()
    region = ma.fields.String(metadata={"description": "The offer's region (ISO 3166-2)"})
    people = ma.fields.Integer()
    priority = ma.fields.Integer()
    score = ma.fields.Integer(metadata={"description": "Preference score of the pair (soft preferences)"})
    reasons = ma.fields.List(ma.fields.Dict(), metadata={"description": "Preference reasons as codes with numbers"})
    match_id = ma.fields.Integer(allow_none=True, metadata={"description": "The proposal made once approved"})


class UnhousedSchema(ma.Schema):
    entry_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    people = ma.fields.Integer()
    priority = ma.fields.Integer()
    reason = ma.fields.String(metadata={"enum": list(REASON_CODES)})
    constraint = ma.fields.String(allow_none=True, metadata={
        "enum": [*CONSTRAINT_ORDER, "availability", "consent", None],
        "description": "With reason `constraint`: the hard constraint that rules out every offer"})


class BatchPartArgsSchema(ma.Schema):
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0),
                               metadata={"description": "First proposal and first unhoused household to give"})
    limit = ma.fields.Integer(load_default=1000, validate=ma.validate.Range(min=0, max=10_000),
                              metadata={"description": "At most this many of each list (a run of the whole queue "
                                                       "may list 100,000 households)"})


class ReasonCountSchema(ma.Schema):
    reason = ma.fields.String(metadata={"enum": list(REASON_CODES)})
    constraint = ma.fields.String(allow_none=True)
    households = ma.fields.Integer()
    people = ma.fields.Integer()


class BatchResultSchema(ma.Schema):
    waiting_households = ma.fields.Integer()
    waiting_people = ma.fields.Integer()
    offers = ma.fields.Integer(metadata={"description": "Free verified offers considered"})
    free_beds = ma.fields.Integer()
    people = ma.fields.Integer(metadata={"description": "People the proposals would house"})
    score = ma.fields.Float(metadata={"description": "Their priority-weighted score"})
    people_bound = ma.fields.Integer(metadata={"description": "Upper bound (max-flow, households allowed to split)"})
    score_bound = ma.fields.Float(metadata={"description": "Upper bound of the priority-weighted score"})
    proposals_total = ma.fields.Integer()
    unhoused_total = ma.fields.Integer()
    unhoused_by_reason = ma.fields.List(ma.fields.Nested(ReasonCountSchema))
    proposals = ma.fields.List(ma.fields.Nested(ProposalSchema), metadata={"description": "offset..offset+limit"})
    unhoused = ma.fields.List(ma.fields.Nested(UnhousedSchema), metadata={"description": "offset..offset+limit"})


class BatchRunSchema(ma.Schema):
    id = ma.fields.Integer()
    region = ma.fields.String(allow_none=True)
    state = ma.fields.Function(lambda run: run.state.value, metadata={"enum": [s.value for s in BatchRunState]})
    progress = ma.fields.Integer(metadata={"description": "0..100"})
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    approved_at = ma.fields.DateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)
    result = ma.fields.Method("dump_result", metadata={"description": "When done: the plan, bounds and reasons"})

    def dump_result(self, run):
        if run.result is None:
            return None
        start = getattr(run, "offset", 0)
        end = start + getattr(run, "limit", len(run.result["proposals"]) + len(run.result["unhoused"]))
        approved = run.result.get("approved") or {}
        proposals = [{**p, "match_id": approved.get(str(p["entry_id"]))} for p in run.result["proposals"][start:end]]
        return BatchResultSchema().dump({
            **run.result, "proposals": proposals, "unhoused": run.result["unhoused"][start:end],
            "proposals_total": len(run.result["proposals"]), "unhoused_total": len(run.result["unhoused"]),
            "unhoused_by_reason": batch_runs.reason_counts(run.result["unhoused"])})


class PagedRun:
    """A run whose lists are dumped from `offset`, at most `limit` of each."""

    def __init__(self, run, offset: int, limit: int):
        self.run, self.offset, self.limit = run, offset, limit

    def __getattr__(self, name):
        return getattr(self.run, name)


class SkippedSchema(ma.Schema):
    entry_id = ma.fields.Integer()
    reason = ma.fields.String()


class MadeSchema(ma.Schema):
    entry_id = ma.fields.Integer()
    match_id = ma.fields.Integer()


class ApprovalSchema(ma.Schema):
    proposed = ma.fields.List(ma.fields.Nested(MadeSchema))
    skipped = ma.fields.List(ma.fields.Nested(SkippedSchema))


@blp.route("", methods=["POST"])
@allow(STAFF)
@blp.arguments(StartBatchSchema)
@blp.response(202, BatchRunSchema)
def start_batch(data):
    """Queue a batch run for the background worker; poll it with GET .../batches/{id}.

    A run of the same region still waiting or computing is answered instead of a second one."""
    return batch_runs.start_run(actor(), data.get("region"))


@blp.route("/<id:run_id>")
@allow(STAFF)
@blp.arguments(BatchPartArgsSchema, location="query")
@blp.response(200, BatchRunSchema)
def get_batch(args, run_id):
    """A batch run: its progress, then the people it would house against both upper bounds, the proposals
    for review and why each household left out is left out (`offset` and `limit` page both lists)."""
    return PagedRun(batch_runs.get_run(actor(), run_id), args["offset"], args["limit"])


@blp.route("/<id:run_id>/approve", methods=["POST"])
@allow(STAFF)
@blp.arguments(ApproveSchema)
@blp.response(200, ApprovalSchema)
def approve_batch(data, run_id):
    """Make the batch's proposals (all, or those of `entry_ids`) through the usual lifecycle.

    Each one takes its beds, expires and reveals contacts like any proposal; one that cannot be made any more
    (the entry already proposed, the beds gone) is skipped with the reason. Approving again makes nothing new."""
    run = batch_runs.get_run(actor(), run_id)
    return batch_runs.approve(actor(), run, data.get("entry_ids"))
