"""One pagination envelope for every API list: {"items", "_meta", "_links"}."""
from dataclasses import dataclass

import marshmallow as ma
from flask import current_app, request, url_for

from aidcoord.extensions import db


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=100))


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
    """Run a select() for one page; pages past the end are simply empty."""
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


def envelope(page: Page) -> dict:
    """The API body for a page (dumped by page_schema), with links that keep the current filters."""
    endpoint = request.endpoint
    if endpoint is None:
        raise RuntimeError("envelope() answers a routed request")

    def link(number):
        args = {**(request.view_args or {}), **request.args.to_dict(), "page": number, "per_page": page.per_page}
        return url_for(endpoint, **args)

    return {
        "items": page.items,
        "_meta": {"page": page.page, "per_page": page.per_page, "total_pages": page.pages, "total_items": page.total},
        "_links": {
            "self": link(page.page),
            "next": link(page.page + 1) if page.has_next else None,
            "prev": link(page.page - 1) if page.has_prev else None,
        },
    }
