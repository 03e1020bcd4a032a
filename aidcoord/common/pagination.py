"""Pagination of the API's lists: `page` and `page_size` (flask-smorest's names; `per_page` is the older
alias), and an X-Pagination header with flask-smorest's metadata on every paginated list.

The large, filtered lists (directory, needs, pledges, offers, job board, queues) answer in the envelope
{"items", "_meta", "_links"} (default page size DEFAULT_PAGE_SIZE); the shorter lists answer a plain array
paginated by flask-smorest's @blp.paginate (common.api.Blueprint: default and maximum page size 100)."""
import json
from dataclasses import dataclass

import marshmallow as ma
from flask import current_app, request, url_for
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import Page as ListPager  # @blp.paginate(ListPager): slices a view's list, counts it  # noqa: F401

from aidcoord.extensions import db

PAGINATION_HEADER = "X-Pagination"
MAX_PAGE = 100_000  # PageArgsSchema's bound; pages read from a query string by a view are clamped to it


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000),
                             metadata={"description": "The page to return, from 1; past the last page it is empty."})
    page_size = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100), metadata={
        "description": "Items per page, at most 100 (default 20)."})
    per_page = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100), metadata={
        "description": "The older name of page_size (page_size wins when both are sent).", "deprecated": True})

    @ma.post_load
    def one_page_size(self, data, **kwargs):
        """Views read `per_page`: page_size, else the alias."""
        page_size = data.pop("page_size", None)
        data["per_page"] = page_size or data.get("per_page")
        return data


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(query, page: int = 1, per_page: int | None = None) -> Page:
    """Run a select() for one page; pages past the end are simply empty (a page beyond MAX_PAGE, which the
    database's OFFSET could not hold, is the empty MAX_PAGE)."""
    page = max(1, min(page, MAX_PAGE))
    per_page = min(per_page or current_app.config["DEFAULT_PAGE_SIZE"], current_app.config["MAX_PAGE_SIZE"])
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    return Page(items=list(result.items), page=page, per_page=per_page, total=result.total or 0)


class PageMetaSchema(ma.Schema):
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total_pages = ma.fields.Integer()
    total_items = ma.fields.Integer()


class PageLinksSchema(ma.Schema):
    self = ma.fields.String()
    next = ma.fields.String(allow_none=True)
    prev = ma.fields.String(allow_none=True)


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope schema for a list of `item_schema` (named for the OpenAPI spec)."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "_meta": ma.fields.Nested(PageMetaSchema),
            "_links": ma.fields.Nested(PageLinksSchema),
        },
        name=item_schema.__name__.removesuffix("Schema") + "PageSchema",
    )


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

    metadata = SmorestBlueprint._make_pagination_metadata(page.page, page.per_page, page.total)
    return {
        "items": page.items,
        "_meta": {"page": page.page, "per_page": page.per_page, "total_pages": page.pages, "total_items": page.total},
        "_links": {
            "self": link(page.page),
            "next": link(page.page + 1) if page.has_next else None,
            "prev": link(page.page - 1) if page.has_prev else None,
        },
    }, {PAGINATION_HEADER: json.dumps(metadata)}
