"""flask-smorest Blueprint whose JSON numbers become Decimals, never floats, and whose OpenAPI document is
derived, in one place, from what each endpoint declares (see `Blueprint` below)."""
from collections.abc import Callable
from http import HTTPStatus
from typing import ClassVar

import marshmallow as ma
from flask import request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_qualified_name
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

from aidcoord.common.permissions import SIGNED_IN, rule_of
from aidcoord.common.schemas import ErrorSchema
from aidcoord.common.strict_input import INTEGER_RANGE, bound_fields, load_json
from aidcoord.errors import ValidationFailed
from aidcoord.extensions import limiter


class DecimalJSONParser(FlaskParser):
    """Parse request bodies with parse_float=Decimal: 0.1 stays exactly 0.1, within common.strict_input's
    limits (depth, NaN, number and date ranges) for every schema it loads.
    (webargs turns a JSONDecodeError raised here into its 400 'Invalid JSON body'.)"""

    # One instance per schema class and process: webargs would build one per request, copying every field
    # (about a fifth of a millisecond); loading keeps no state in a schema (none of ours reads a context).
    _schemas: ClassVar[dict[type[ma.Schema], ma.Schema]] = {}

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = bound_fields(argmap())
            return schema
        return bound_fields(super()._get_schema(argmap, req))

    def parse(self, argmap, req=None, *, location=None, **kwargs):
        if location == "json" and isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            argmap = argmap()  # webargs would make one per request as well
        if location == "json" and isinstance(argmap, ma.Schema):
            json_types_only(argmap)
        return super().parse(argmap, req, location=location, **kwargs)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            # A body in another type would otherwise be read as {} and the operation run on it. (A form body
            # may already have been read by the CSRF check: its length still tells.)
            if req.content_length or req.get_data(cache=True):
                raise UnsupportedMediaType()
            return core.missing
        raw = req.get_data(cache=True)
        # Not valid UTF-8: the UnicodeDecodeError goes to webargs, which answers 400 'Invalid JSON body'.
        # (A JSONDecodeError whose doc is "" would be read by webargs as "no body", i.e. {}: the operation ran.)
        return load_json(raw.decode("utf-8"))


def json_types_only(schema: ma.Schema) -> None:
    """In a JSON body a boolean is true or false and an integer a JSON integer, as the document says: not
    0/1, "yes", "5" or true, which marshmallow would otherwise take (query strings keep their text forms)."""
    for field in schema.fields.values():
        _json_type_only(field)


def _json_type_only(field: ma.fields.Field) -> None:
    if isinstance(field, ma.fields.Boolean):
        _only(field, lambda value: isinstance(value, bool))
    elif isinstance(field, ma.fields.Integer):
        _only(field, lambda value: isinstance(value, int) and not isinstance(value, bool))
    elif isinstance(field, ma.fields.Nested) and isinstance(field.schema, ma.Schema):
        json_types_only(field.schema)
    elif isinstance(field, ma.fields.List):
        _json_type_only(field.inner)


def _only(field: ma.fields.Field, is_json_type: Callable[[object], bool]) -> None:
    """Refuse values of another JSON type before the field converts them (1 == True in Python's sets)."""
    if getattr(field, "_json_type_only", False):
        return
    convert = field._deserialize

    def deserialize(value, attr, data, **kwargs):
        if not is_json_type(value):
            raise field.make_error("invalid")
        return convert(value, attr, data, **kwargs)

    field._deserialize = deserialize  # type: ignore[method-assign]
    field._json_type_only = True  # type: ignore[attr-defined]


# ---- the OpenAPI document --------------------------------------------------------------------------
#
# Every operation gets an operationId (blueprint and endpoint names), its summary and description (the view's
# docstring: first line, then the rest), its security (from the @allow rule: public operations none), and
# every error status it can answer, each with the body of aidcoord/errors.py. What only an endpoint knows it
# adds itself: @blp.alt_response(409, description=...) (its body is filled in here), @blp.doc(...), or an
# `example` class attribute on its input schema (the request example).

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
BEARER = "bearerAuth"
WRITE_METHODS = ("post", "put", "patch", "delete")


def decimal2properties(self, field, **kwargs) -> dict:
    """apispec attribute function. Decimals dumped as strings are strings with a pattern; those read from a
    request are such a string or a JSON number (DecimalJSONParser keeps the number exact)."""
    if not isinstance(field, ma.fields.Decimal):
        return {}
    string = {"type": "string", "pattern": DECIMAL_PATTERN}
    if field.as_string:
        return string
    ret = kwargs.get("ret", {})
    ret.pop("type", None)  # anyOf says it; OpenAPI 3.0 has no list of types
    ret.pop("format", None)
    return {"anyOf": [string, {"type": "number"}]}


def bounds2properties(self, field, **kwargs) -> dict:
    """apispec attribute function. An integer read from a request (a body field, ?page=) is refused outside a
    32-bit INTEGER unless it declares its own range (strict_input.bound_fields): the document says so."""
    if not isinstance(field, ma.fields.Integer) or field.dump_only:
        return {}
    ret = kwargs.get("ret", {})
    low, high = INTEGER_RANGE
    return {"minimum": max(ret.get("minimum", low), low), "maximum": min(ret.get("maximum", high), high)}


RETRY_AFTER_HEADER = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}


def _schema_instance(schema):
    return schema() if isinstance(schema, type) else schema


def _required(schema) -> bool:
    partial = schema.partial or ()
    return any(field.required and partial is not True and name not in partial
               for name, field in schema.fields.items())


def arguments_of(doc_info: dict, method: str) -> dict:
    """What the endpoint reads (plain data), taken before flask-smorest turns its arguments into the document."""
    parameters = [parameter for parameter in (doc_info.get("arguments") or {}).get("parameters") or []
                  if isinstance(parameter, dict)]
    body = [_schema_instance(p["schema"]) for p in parameters if p.get("in") in ("json", "form", "files")]
    query = [_schema_instance(p["schema"]) for p in parameters if p.get("in") == "query"]
    query_names = {field.data_key or name for schema in query for name, field in schema.fields.items()}
    if "pagination" in doc_info:
        query_names |= {"page", "page_size"}
    # Ids in a write's body or query name records to act on (a missing one is a 404); a list's only filter it.
    acted_on = body + query if method in WRITE_METHODS else body
    manual_body = ((doc_info.get("manual_doc") or {}).get("requestBody") or {}).get("content") or {}
    return {
        "query": sorted(query_names),
        "body": bool(body),
        "csv_body": "text/csv" in manual_body,  # common.csv_import reads it, and refuses other types
        "body_ids": any(name.endswith("_id") for schema in acted_on for name in schema.fields),
        # webargs reads a missing JSON body as {}: a body whose fields are all optional may be left out.
        "body_required": any(_required(schema) for schema in body),
    }


def error_statuses(policy: dict, method: str) -> dict[int, str]:
    """Each error status the operation can answer, with why (the descriptions are the document's)."""
    write = method in WRITE_METHODS
    statuses = {}
    if write or policy["query"] or policy["has_id"]:
        statuses[400] = ("The request could not be read: a NUL character in it, a body that is not valid JSON, "
                         "or a call riding on a browser session without its CSRF token (X-CSRFToken).")
    # A public operation still reads a bearer token when one is sent: an invalid one is refused, not ignored.
    statuses[401] = ("No valid bearer token (or browser session) was sent." if policy["needs_login"] else
                     "An invalid, expired or revoked bearer token was sent; send none to call it anonymously.")
    if policy["needs_login"]:
        if policy["rule_refuses"]:
            statuses[403] = f"Only for: {policy['rule']}."
        elif write or policy["has_id"]:
            statuses[403] = "You may not act on this record (e.g. you are not a member of its organization)."
    if policy["has_id"] or policy["body_ids"]:
        statuses[404] = "A record named in the path or the request does not exist, or is not visible to you."
    if write:
        statuses[409] = "The record's current state does not allow this (e.g. already closed, or taken meanwhile)."
        statuses[413] = "The request body is larger than the server accepts."
    if policy["body"]:
        statuses[415] = "A body was sent with a content type other than application/json."
    if policy["csv_body"]:
        statuses[415] = "The body was sent as JSON, a form or another type that is not CSV (send text/csv)."
    if write or policy["query"]:
        statuses[422] = "Some fields are invalid, or a rule refused the request; `fields` says which."
    if policy["limited"]:
        statuses[429] = "Too many requests from this address; wait and try again (see Retry-After)."
    statuses[503] = "The service is briefly unavailable (e.g. its database); nothing was saved. Try again later."
    return statuses


def policy_of(view_func, path: str) -> dict:
    """What the document says of an endpoint's rule and limits: plain data (flask-smorest deep-copies it)."""
    rule = rule_of(view_func) or SIGNED_IN  # a route without a rule fails tests/test_permission_policy.py
    return {"needs_login": rule.needs_login, "rule": rule.name,
            "rule_refuses": rule.needs_login and rule is not SIGNED_IN, "has_id": "<" in path,
            # Flask-Limiter's record of decorated views (the abuse limits): their callers may get a 429.
            "limited": get_qualified_name(view_func) in limiter._marked_for_limiting}


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = DecimalJSONParser()
    PAGINATION_ARGUMENTS_PARSER = DecimalJSONParser()  # ?page= within strict_input's limits too
    # Lists paginated by @blp.paginate(ListPager) were whole lists before: a page of 100 keeps short ones whole.
    DEFAULT_PAGINATION_PARAMETERS: ClassVar[dict[str, int]] = {"page": 1, "page_size": 100, "max_page_size": 100}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_policy_doc)  # last: it completes what the others wrote
        self._query_names: dict[tuple[str, str], set[str]] = {}
        self.before_request(self._refuse_unknown_query_parameters)

    def _refuse_unknown_query_parameters(self) -> None:
        """A query parameter the operation does not declare is refused (422), never silently ignored: a
        misspelt filter would otherwise answer the whole list."""
        endpoint = (request.endpoint or "").rpartition(".")[2]
        known = self._query_names.get((endpoint, request.method))
        if known is None:  # HEAD, OPTIONS: Flask answers those itself
            return
        unknown = sorted(set(request.args) - known)
        if unknown:
            message = _l("Unknown parameter.")
            raise ValidationFailed(_l("Some fields are invalid."), {name: [message] for name in unknown})

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
        endpoint = self._endpoints[-1]
        for method, doc_info in self._docs[endpoint].items():
            if method != "parameters":
                # Content types other than JSON (CSV exports), read now: flask-smorest consumes them later.
                declared = (doc_info.get("response") or {}).get("responses", {})
                other_types = {status: entry["content_type"] for status, entries in declared.items()
                               for entry in (entries if isinstance(entries, list) else [entries])
                               if isinstance(entry, dict) and entry.get("content_type")}
                doc_info["aidcoord"] = {"endpoint": endpoint, "content_types": other_types,
                                        **arguments_of(doc_info, method), **policy_of(view_func, rule)}
                self._query_names[(endpoint, method.upper())] = set(doc_info["aidcoord"]["query"])

    def _document_pagination_metadata(self, spec, resp_doc):
        """X-Pagination is JSON text: documented with `content` (a header's `schema` would say it is an object)."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = "X-Pagination"

    def _prepare_policy_doc(self, doc, doc_info, *, api, spec, method, **kwargs):
        _register_components(api, spec)
        policy = doc_info["aidcoord"]
        doc["operationId"] = f"{self.name.removesuffix('_api')}_{policy['endpoint']}"
        doc["security"] = [{BEARER: []}] if policy["needs_login"] else []
        docstring = doc_info["docstring"]
        who = ("Anyone may call it, signed in or not." if not policy["needs_login"]
               else f"Who may call it: {policy['rule']} (send a bearer token).")
        docstring["description"] = "\n\n".join(part for part in (docstring.get("description"), who) if part)
        responses = doc.setdefault("responses", {})
        responses.pop("default", None)  # every status is listed instead
        for status, description in error_statuses(policy, method).items():
            if not isinstance(responses.get(status), dict):  # absent, or flask-smorest's named response
                responses[status] = _error_response(description)
        for status, response in list(responses.items()):
            if not isinstance(response, dict):  # a flask-smorest named response: its body is not ours
                response = responses[status] = _error_response(HTTPStatus(int(status)).phrase)
            if int(status) >= 400 and "content" not in response:  # an alt_response with only a description
                response["content"] = _error_response("")["content"]
            elif "content" not in response and status in policy["content_types"]:  # a CSV export
                response["content"] = {policy["content_types"][status]: {"schema": {"type": "string"}}}
            elif int(status) < 300 and isinstance(response, dict):
                _document_envelope_header(self, spec, response)
            if int(status) == 429:
                response.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER_HEADER)
        if "requestBody" in doc and not policy["body_required"]:
            doc["requestBody"]["required"] = False
        _add_request_example(doc)
        return doc


PAGINATION_HEADER_DOC = {
    "description": "The page's place in the list, as JSON (flask-smorest's pagination metadata): total, "
                   "total_pages, first_page, last_page, page, previous_page, next_page.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}},
}


def _document_envelope_header(blueprint: Blueprint, spec, response: dict) -> None:
    """Lists in the {"items", "_meta", "_links"} envelope also send X-Pagination (common.pagination)."""
    schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
    name = schema.__name__ if isinstance(schema, type) else type(schema).__name__
    if name.endswith("PageSchema"):
        blueprint._document_pagination_metadata(spec, response)


def _add_request_example(doc: dict) -> None:
    """The input schema's `example` (a class attribute) as the request body's example."""
    for media in ((doc.get("requestBody") or {}).get("content") or {}).values():
        schema = media.get("schema")
        example = getattr(schema, "example", None)
        if "example" not in media and isinstance(example, dict):
            media["example"] = example


def _register_components(api, spec) -> None:
    """Once per document: the error body, and decimals as strings."""
    if getattr(spec, "_aidcoord_components", False):
        return
    spec._aidcoord_components = True
    api.ma_plugin.converter.add_attribute_function(decimal2properties)
    api.ma_plugin.converter.add_attribute_function(bounds2properties)
    # flask-smorest's own "Error" ({code, status, message, errors}) is not what errors.py sends: ours replaces it.
    spec.components.schemas.pop("Error", None)
    spec.components.schema("Error", schema=ErrorSchema)
    # X-Pagination's JSON is flask-smorest's PaginationMetadata schema, which it registers itself.
    spec.components.header("X-Pagination", PAGINATION_HEADER_DOC)
