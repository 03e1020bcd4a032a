"""The queue's endpoints, written once and added to each kind's blueprints (API and pages).

A kind describes what its queue shows (`QueueApi` / `QueuePages`): the query arguments and their
filter, the shapes of an entry, and the page templates; the browse / take / show / release endpoints
and their rule (coordinators and admins) are the same for every kind. Entries are loaded by kind: an
entry of another kind's queue is not found.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from aidcoord.accounts.forms import ConfirmForm
from aidcoord.common.forms import flash_error
from aidcoord.common.pagination import envelope
from aidcoord.common.permissions import STAFF, actor, allow
from aidcoord.errors import DomainError
from aidcoord.matching import overdue, queue
from aidcoord.matching.models import QueueEntry, QueueKind

MAX_PAGE = 100_000


def _no_filter(args: dict) -> None:
    return None


@dataclass
class QueueApi:
    kind: QueueKind
    args_schema: Any  # query arguments: page, per_page and the kind's filters
    page_schema: Any  # a page of entries
    entry_schema: Any  # one taken or shown entry
    # The entries' bodies: `show_all` fills in a page (one query), `show_one` one entry.
    show_all: Callable[[list[QueueEntry]], None]
    show_one: Callable[[QueueEntry], Any]
    restrict: Callable[[dict], Any] = _no_filter  # args -> restrict(query) for queue.browse / take_next


def add_queue_api(blp: Any, spec: QueueApi) -> None:
    """GET /queue, POST /queue/take, GET /queue/<id>, POST /queue/<id>/release on `blp`."""

    @blp.route("/queue")
    @allow(STAFF)
    @blp.arguments(spec.args_schema, location="query")
    @blp.response(200, spec.page_schema)
    def browse_queue(args):
        """The open queue in order: priority, then time of joining. No contact details."""
        overdue.expire_before_reading()
        page = queue.browse(actor(), spec.kind, spec.restrict(args), args["page"], args["per_page"])
        spec.show_all(page.items)
        return envelope(page)

    @blp.route("/queue/take", methods=["POST"])
    @allow(STAFF)
    @blp.arguments(spec.args_schema, location="query")
    @blp.response(200, spec.entry_schema)
    @blp.alt_response(204, description="The queue is empty.")
    def take_next(args):
        """Lease the top entry (matching the filters) for QUEUE_LEASE_MINUTES; no other coordinator gets
        it meanwhile."""
        overdue.expire_before_reading()
        entry = queue.take_next(actor(), spec.kind, spec.restrict(args))
        if entry is None:
            return Response(status=204)
        return spec.show_one(entry)

    @blp.route("/queue/<id:entry_id>")
    @allow(STAFF)
    @blp.response(200, spec.entry_schema)
    def leased_entry(entry_id):
        """One entry of this queue, with what a coordinator needs to match it."""
        return spec.show_one(queue.get_entry(spec.kind, entry_id))

    @blp.route("/queue/<id:entry_id>/release", methods=["POST"])
    @allow(STAFF)
    @blp.response(204)
    def release(entry_id):
        """Give the entry you hold back to the queue, in its original place."""
        queue.release(actor(), queue.get_entry(spec.kind, entry_id))


@dataclass
class QueuePages:
    kind: QueueKind
    queue_template: str
    entry_template: str
    rows: Callable[[list[QueueEntry]], list]  # (entry, subject) pairs for a page, in one query
    entry_context: Callable[[QueueEntry], dict]  # what the entry page shows besides the entry
    extra_context: Callable[[], dict] = field(default=dict)


def add_queue_pages(bp: Blueprint, spec: QueuePages) -> None:
    """/queue, /queue/take, /queue/<id>, /queue/<id>/release on `bp`."""
    name = bp.name

    @bp.route("/queue")
    @allow(STAFF)
    def queue_page():
        overdue.expire_before_reading()
        page_number = max(1, min(request.args.get("page", 1, type=int) or 1, MAX_PAGE))
        page = queue.browse(actor(), spec.kind, None, page_number)
        return render_template(spec.queue_template, page=page, rows=spec.rows(page.items),
                               confirm_form=ConfirmForm(), **spec.extra_context())

    @bp.route("/queue/take", methods=["POST"])
    @allow(STAFF)
    def take_next():
        if not ConfirmForm().validate_on_submit():
            return redirect(url_for(f"{name}.queue_page"))
        overdue.expire_before_reading()
        entry = queue.take_next(actor(), spec.kind)
        if entry is None:
            flash(_("Nobody is waiting."), "success")
            return redirect(url_for(f"{name}.queue_page"))
        return redirect(url_for(f"{name}.entry_page", entry_id=entry.id))

    @bp.route("/queue/<id:entry_id>")
    @allow(STAFF)
    def entry_page(entry_id):
        entry = queue.get_entry(spec.kind, entry_id)
        return render_template(spec.entry_template, entry=entry, holds=queue.holds_lease(actor(), entry),
                               confirm_form=ConfirmForm(), **spec.entry_context(entry))

    @bp.route("/queue/<id:entry_id>/release", methods=["POST"])
    @allow(STAFF)
    def release(entry_id):
        entry = queue.get_entry(spec.kind, entry_id)
        if ConfirmForm().validate_on_submit():
            try:
                queue.release(actor(), entry)
            except DomainError as error:
                flash_error(error)
            else:
                flash(_("The request is back in the queue, in its place."), "success")
        return redirect(url_for(f"{name}.queue_page"))
