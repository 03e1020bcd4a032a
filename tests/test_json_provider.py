"""Responses are written by orjson (aidcoord.common.json_provider) and must say what Flask's own provider said."""
import dataclasses
import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext
from markupsafe import Markup


@dataclasses.dataclass
class Place:
    region: str
    beds: int


VALUES = {
    "text": "Ստեփանակերտ → Горис",  # Armenian and Russian: UTF-8, not ASCII escapes, and the same text once read
    "day": dt.date(2023, 9, 25),
    "moment": dt.datetime(2023, 9, 25, 14, 30, tzinfo=dt.UTC),
    "naive moment": dt.datetime(2023, 9, 25, 14, 30),  # noqa: DTZ001 - as Flask writes one
    "amount": Decimal("1250.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "place": Place("AM-SU", 4),
    "markup": Markup("<b>bold</b>"),
    "lazy": lazy_gettext("Private donor"),
    "numbers": {2: "two", 1: "one"},  # keys that are not strings
    "nested": [{"b": 1, "a": [None, True, 1.5]}],
    "large": 2**70,  # beyond orjson's 64 bits: the standard library writes it
}


@pytest.mark.parametrize("name", list(VALUES))
def test_each_value_is_written_as_flasks_provider_wrote_it(app, name):
    value = {name: VALUES[name]}
    with app.test_request_context():
        ours = app.json.dumps(value)
        flasks = DefaultJSONProvider(app).dumps(value)
        assert json.loads(ours) == json.loads(flasks)
        body = app.json.response(value).get_data()
        assert json.loads(body) == json.loads(flasks) and body.endswith(b"\n")


def test_a_response_is_compact_utf8_with_sorted_keys(app):
    with app.test_request_context():
        response = app.json.response({"b": "Գ", "a": 1})
    assert response.content_type == "application/json; charset=utf-8"
    assert response.get_data() == '{"a":1,"b":"Գ"}\n'.encode()


def test_what_cannot_be_written_is_refused_as_before(app):
    with app.test_request_context(), pytest.raises(TypeError):
        app.json.dumps({"x": object()})


def test_debug_mode_indents_for_people(app):
    app.debug = True
    try:
        with app.test_request_context():
            assert app.json.response({"a": [1]}).get_data() == b'{\n  "a": [\n    1\n  ]\n}\n'
    finally:
        app.debug = False
