"""Pagination of the API's lists: `page` and `page_size` (flask-smorest's names; `per_page` is the older
alias), and an X-Pagination header with flask-smorest's metadata on every paginated list.

The large, filtered lists (directory, needs, pledges, offers, job board, queues) answer in the envelope
{"items", "_meta", "_links"} (default page size DEFAULT_PAGE_SIZE); the shorter lists answer a plain array
paginated by flask-smorest's @blp.paginate (common.api.Blueprint: default and maximum page size 100).

Counting every matching row on every page read costs more than the page itself on large tables, so an envelope's
total is exact when it is cheap to know (at most EXACT_COUNT_UP_TO rows match, the page is the last one, or the
database is not PostgreSQL) or when the client asks with `count=exact`; otherwise it is PostgreSQL's planner
estimate (kept a minute per process for the same query: see _planned_rows), never below the rows counted, and
`_meta.total_is_estimate` and X-Pagination's `estimated` say so."""
import json
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, has_request_context, request, url_for
from flask_smorest import Page as ListPager  # @blp.paginate(ListPager): slices a view's list, counts it  # noqa: F401
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import lazyload
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.sql.visitors import InternalTraversal

from aidcoord.common.dumping import CompiledDumpSchema
from aidcoord.extensions import db

PAGINATION_HEADER = "X-Pagination"
MAX_PAGE = 100_000  # PageArgsSchema's bound; pages read from a query string by a view are clamped to it
EXACT_COUNT_UP_TO = 1_000  # counting this many rows costs less than a millisecond; above it, an estimate
COUNT_DESCRIPTION = (
    "`exact`: count every matching item for the total. Without it the total is exact up to 1,000 items and on the "
    "last page; above that it may be the database's estimate (`_meta.total_is_estimate`, X-Pagination `estimated`).")


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000),
                             metadata={"description": "The page to return, from 1; past the last page it is empty."})
    page_size = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100), metadata={
        "description": "Items per page, at most 100 (default 20)."})
    per_page = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100), metadata={
        "description": "The older name of page_size (page_size wins when both are sent).", "deprecated": True})
    count = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["exact"]),
                             metadata={"description": COUNT_DESCRIPTION})

    @ma.post_load
    def one_page_size(self, data, **kwargs):
        """Views read `per_page`: page_size, else the alias (`count` is read by paginate from the request)."""
        data.pop("count", None)
        page_size = data.pop("page_size", None)
        data["per_page"] = page_size or data.get("per_page")
        return data


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int
    total_is_estimate: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(query, page: int = 1, per_page: int | None = None, params: Mapping[str, Any] | None = None) -> Page:
    """Run a select() for one page; pages past the end are simply empty (a page beyond MAX_PAGE, which the
    database's OFFSET could not hold, is the empty MAX_PAGE). The total follows the module's rule.

    `params` are the values of the select's own bindparams. A list whose select is built once per shape of its
    filters, with the filters' values as bindparams (see needs.services._needs_statement), and given here again and
    again, costs no statement building on a page read: the page's statements derived from it are kept with it, and
    SQLAlchemy keeps a statement's cache key with the statement (building and keying it was a fifth of a list
    request's time)."""
    page = max(1, min(page, MAX_PAGE))
    per_page = min(per_page or current_app.config["DEFAULT_PAGE_SIZE"], current_app.config["MAX_PAGE_SIZE"])
    before = (page - 1) * per_page
    exact_asked = has_request_context() and request.args.get("count") == "exact"
    bounded = not exact_asked and db.session.get_bind().dialect.name == "postgresql"
    statements = _page_statements(query)
    # One row more than the page tells whether another page follows: if none does, the total is known.
    values = {**(params or {}), _LIMIT: per_page + 1, _OFFSET: before, _COUNTED_UP_TO: EXACT_COUNT_UP_TO + 1}
    counted: int | None = None
    if bounded:
        # The count up to EXACT_COUNT_UP_TO + 1 rides along as a column of the page's statement (run once, an
        # InitPlan): one statement and one round trip fewer for a page with more after it.
        rows_counted = db.session.execute(statements.page_with_count, values).unique().all()
        rows = [row[0] for row in rows_counted]
        counted = rows_counted[0][1] if rows_counted else None
    else:
        rows = list(db.session.execute(statements.page, values).unique().scalars())
    items = rows[:per_page]
    if len(rows) <= per_page and (items or page == 1):
        return Page(items=items, page=page, per_page=per_page, total=before + len(items))
    if not bounded:
        return Page(items=items, page=page, per_page=per_page, total=_count(query, params))
    if counted is None:  # a page past the end: no row carried the count
        counted = _count(query.limit(EXACT_COUNT_UP_TO + 1), params)
    if counted <= EXACT_COUNT_UP_TO:
        return Page(items=items, page=page, per_page=per_page, total=counted)
    planned = _planned_rows(query, params)
    # Never below what was read; past the end, never as many as the rows skipped (fewer match).
    total = max(planned, counted, before + len(rows)) if rows else max(counted, min(planned, before))
    return Page(items=items, page=page, per_page=per_page, total=total, total_is_estimate=True)


# The names of the page's own bindparams (SQLAlchemy would send its LIMITs and OFFSET as parameters too).
_LIMIT, _OFFSET, _COUNTED_UP_TO = "page_limit", "page_offset", "page_counted_up_to"


@dataclass(frozen=True)
class _PageStatements:
    page: Any  # the select, one page of it: LIMIT and OFFSET as bindparams
    page_with_count: Any  # the same, with the bounded count as a last column


_derived: "weakref.WeakKeyDictionary[Any, _PageStatements]" = weakref.WeakKeyDictionary()


def _page_statements(query) -> _PageStatements:
    """The page statements of `query`, built once for as long as the query lives (a list's prebuilt select lives
    as long as the process; a select built for one request goes with it). The count rides along as a scalar
    subquery: the rows `query` matches, up to EXACT_COUNT_UP_TO + 1, never correlated to the page's statement."""
    found = _derived.get(query)
    if found is None:
        page = query.limit(sa.bindparam(_LIMIT)).offset(sa.bindparam(_OFFSET))
        counted = query.options(lazyload("*")).order_by(None).limit(sa.bindparam(_COUNTED_UP_TO)).subquery()
        bounded_count = sa.select(sa.func.count()).select_from(counted).correlate(None).scalar_subquery()
        found = _derived[query] = _PageStatements(page, page.add_columns(bounded_count))
    return found


def _count(query, params: Mapping[str, Any] | None = None) -> int:
    counted = query.options(lazyload("*")).order_by(None).subquery()
    return db.session.execute(sa.select(sa.func.count()).select_from(counted), params).scalar_one()


class _PlannedRows(Executable, ClauseElement):
    """EXPLAIN (FORMAT JSON) of a select(): the planner's row estimate, without running it (PostgreSQL)."""

    inherit_cache = True  # compiled once per shape of the select it wraps (compiling an ORM select costs ~1 ms)
    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - SQLAlchemy's

    def __init__(self, statement):
        self.statement = statement

    @property
    def _all_selected_columns(self):
        # Read by SQLAlchemy when it reuses the cached compilation, which carries the wrapped select's columns.
        return self.statement._all_selected_columns


@compiles(_PlannedRows, "postgresql")
def _explain(element, compiler, **kwargs):
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kwargs)


PLANNED_ROWS_KEPT_SECONDS = 60.0  # the estimate comes from statistics that change with ANALYZE, not with each row
_PLANNED_ROWS_KEPT = 512  # statements (with their values) per process, then the oldest go
_PLANNED_ROWS = "aidcoord_planned_rows"


def _planned_rows(query, params: Mapping[str, Any] | None = None) -> int:
    """The planner's estimate of `query`'s rows, kept a minute per app and process for the same statement and
    values: a large list read page after page asks EXPLAIN once, not on every page (a statement, a round trip and
    a plan fewer per request)."""
    key = query._generate_cache_key()
    if key is None:  # a statement SQLAlchemy cannot key: asked every time
        return _explained_rows(query, params)
    kept = current_app.extensions.setdefault(_PLANNED_ROWS, {})
    values = (key.key, tuple(repr(bound.effective_value) for bound in key.bindparams),
              tuple(sorted((name, repr(value)) for name, value in (params or {}).items())))
    now = time.monotonic()
    found = kept.get(values)
    if found is not None and now - found[1] < PLANNED_ROWS_KEPT_SECONDS:
        return found[0]
    if len(kept) >= _PLANNED_ROWS_KEPT:
        kept.clear()
    planned = kept[values] = (_explained_rows(query, params), now)
    return planned[0]


def _explained_rows(query, params: Mapping[str, Any] | None = None) -> int:
    plan = db.session.execute(_PlannedRows(query.order_by(None)), params).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class PageMetaSchema(ma.Schema):
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total_pages = ma.fields.Integer()
    total_items = ma.fields.Integer()
    total_is_estimate = ma.fields.Boolean(metadata={
        "description": "Present (true) when total_items is the database's estimate; see the `count` parameter."})


class PageLinksSchema(ma.Schema):
    self = ma.fields.String()
    next = ma.fields.String(allow_none=True)
    prev = ma.fields.String(allow_none=True)


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope schema for a list of `item_schema` (named for the OpenAPI spec); its dump is compiled
    (common.dumping)."""
    return CompiledDumpSchema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "_meta": ma.fields.Nested(PageMetaSchema),
            "_links": ma.fields.Nested(PageLinksSchema),
        },
        name=item_schema.__name__.removesuffix("Schema") + "PageSchema",
    )


def pagination_metadata(page: Page) -> dict:
    """flask-smorest's X-Pagination fields (Blueprint._make_pagination_metadata), without dumping them through a
    schema made for each request."""
    if page.total == 0:
        return {"total": 0, "total_pages": 0}
    last = -(-page.total // page.per_page)
    metadata = {"total": page.total, "total_pages": last, "first_page": 1, "last_page": last}
    if page.page <= last:
        metadata["page"] = page.page
        if page.page > 1:
            metadata["previous_page"] = page.page - 1
        if page.page < last:
            metadata["next_page"] = page.page + 1
    return metadata


def envelope(page: Page) -> tuple[dict, dict]:
    """The API body for a page (dumped by page_schema), with links that keep the current filters, and the
    X-Pagination header flask-smorest's paginated lists send."""
    endpoint = request.endpoint
    if endpoint is None:
        raise RuntimeError("envelope() answers a routed request")

    def link(number):
        args = {**(request.view_args or {}), **request.args.to_dict(), "page": number, "page_size": page.per_page}
        args.pop("per_page", None)
        return url_for(endpoint, **args)

    metadata = pagination_metadata(page)
    meta = {"page": page.page, "per_page": page.per_page, "total_pages": page.pages, "total_items": page.total}
    if page.total_is_estimate:
        meta["total_is_estimate"] = metadata["estimated"] = True
    return {
        "items": page.items,
        "_meta": meta,
        "_links": {
            "self": link(page.page),
            "next": link(page.page + 1) if page.has_next else None,
            "prev": link(page.page - 1) if page.has_prev else None,
        },
    }, {PAGINATION_HEADER: json.dumps(metadata)}
