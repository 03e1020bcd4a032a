"""The large lists' compiled dump (common.dumping) gives what marshmallow's dump of the same schema gives: on
every list endpoint answering a page envelope (seeded as tests/test_no_n_plus_one.py seeds them), and on a
schema using each feature the plan handles itself (data_key, attribute, defaults, missing values, functions,
nested schemas and lists of them, objects and mappings)."""
import datetime as dt
from decimal import Decimal
from enum import IntEnum

import marshmallow as ma
import pytest

from aidcoord.accounts.services import create_api_token
from aidcoord.common.dumping import CompiledDumpSchema, compile_dump
from tests.test_no_n_plus_one import SEEDERS, SMALL, World


@pytest.mark.parametrize("path", sorted(SEEDERS))
def test_a_list_page_is_the_same_whichever_dump_writes_it(app, client, path, monkeypatch):
    world = World()
    _token, plain = create_api_token(world.coordinator, "dumps")
    url = path.format(**SEEDERS[path](world, SMALL)) + "?page_size=7"
    headers = {"Authorization": f"Bearer {plain}"}
    compiled = client.get(url, headers=headers)
    assert compiled.status_code == 200, compiled.get_json()
    monkeypatch.setattr(CompiledDumpSchema, "dump", ma.Schema.dump)
    by_marshmallow = client.get(url, headers=headers)
    assert compiled.get_data() == by_marshmallow.get_data()
    assert compiled.headers.get("X-Pagination") == by_marshmallow.headers.get("X-Pagination")


class Level(IntEnum):
    HIGH = 2


class PartSchema(ma.Schema):
    code = ma.fields.String()
    level = ma.fields.Integer()


class Thing:
    def __init__(self, **values):
        self.__dict__.update(values)


class ThingSchema(ma.Schema):
    id = ma.fields.Integer()
    level = ma.fields.Integer()  # an IntEnum is dumped as a plain int
    name = ma.fields.String(data_key="title")
    owner_id = ma.fields.Integer(attribute="owned_by", allow_none=True)
    absent = ma.fields.String()  # no such attribute: left out
    defaulted = ma.fields.String(dump_default="none given")
    flag = ma.fields.Boolean()
    amount = ma.fields.Decimal(as_string=True, allow_none=True)
    day = ma.fields.Date()
    at = ma.fields.DateTime()
    moment = ma.fields.Date()  # a date and time dumped as its day
    written_at = ma.fields.DateTime(format="%d/%m/%Y %H:%M")  # not ISO: the field's own formatting
    ended = ma.fields.DateTime(allow_none=True)
    shout = ma.fields.Function(lambda thing: str(thing.name).upper())
    tags = ma.fields.List(ma.fields.String())
    parts = ma.fields.List(ma.fields.Nested(PartSchema))
    main_part = ma.fields.Nested(PartSchema, allow_none=True)
    more_parts = ma.fields.Nested(PartSchema, many=True)
    raw = ma.fields.Raw()


def things():
    part = {"code": "hy", "level": Level.HIGH}
    return [Thing(id=1, level=Level.HIGH, name="Bed", owned_by=None, flag=1, amount=Decimal("2.50"),
                  day=dt.date(2027, 1, 5), at=dt.datetime(2027, 1, 5, 9, 30, tzinfo=dt.UTC), ended=None, tags=["a"],
                  moment=dt.datetime(2027, 1, 5, 23, 59, tzinfo=dt.UTC), written_at=dt.datetime(2027, 1, 5, 8, 0),  # noqa: DTZ001
                  parts=[part, Thing(code="ru", level=1)], main_part=None, more_parts=[part], raw={"x": [1]}),
            Thing(id=True, level=3, name=5, owned_by=7, flag=False, amount=None, day=dt.date(2027, 2, 1),
                  at=dt.datetime(2027, 2, 1),  # noqa: DTZ001
                  ended=dt.datetime(2027, 2, 2, 1, 2, 3, 4, tzinfo=dt.UTC), tags=None, parts=[],
                  main_part=Thing(code="en", level=0),
                  more_parts=[],
                  raw=None, defaulted="given")]


def test_the_plan_dumps_as_marshmallow_does():
    schema = ThingSchema()
    for thing in things():
        assert compile_dump(schema)(thing) == ma.Schema.dump(schema, thing)
    many = ThingSchema(many=True)
    assert compile_dump(many)(things()) == ma.Schema.dump(many, things())


def test_a_mapping_is_read_by_key():
    schema = PartSchema()
    assert compile_dump(schema)({"code": "hy"}) == {"code": "hy"}


def test_a_schema_with_dump_hooks_is_dumped_by_marshmallow():
    class Hooked(PartSchema):
        @ma.post_dump
        def shout(self, data, **kwargs):
            return {**data, "code": data["code"].upper()}

    assert compile_dump(Hooked())({"code": "hy", "level": 1}) == {"code": "HY", "level": 1}


def test_an_orm_record_dumps_its_loaded_values_and_loads_the_expired_ones(app):
    """The plan reads a loaded column from the record's own dict; an expired one is loaded as marshmallow would."""
    import sqlalchemy as sa

    from aidcoord.extensions import db
    from aidcoord.housing.models import HousingOffer
    from aidcoord.housing.schemas import OfferListItemSchema
    from tests.factories import HousingOfferFactory

    offer = HousingOfferFactory(beds=4, locality="Goris")
    db.session.commit()
    dump = compile_dump(OfferListItemSchema())
    assert dump(offer) == OfferListItemSchema().dump(offer) and dump(offer)["locality"] == "Goris"
    db.session.execute(sa.update(HousingOffer).values(locality="Sisian", beds=6), execution_options={
        "synchronize_session": False})
    assert dump(offer)["locality"] == "Goris"  # loaded: the record's own value, as marshmallow reads it
    db.session.expire(offer, ["locality"])
    assert dump(offer)["locality"] == "Sisian" and dump(offer)["beds"] == 4
    assert dump(offer) == OfferListItemSchema().dump(offer)
