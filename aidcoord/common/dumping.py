"""Dumping the large lists' pages without marshmallow's per-value machinery, to the same output.

The marshmallow schema stays the one contract (and the OpenAPI description): `compile_dump` reads its fields once
and returns a function that, for each object, reads every field's attribute and hands it to that field's own
`_serialize`, as `Schema.dump` does. What it leaves out is what a dump repeats for every value of every item:
the accessor chain (`Field.serialize` -> `get_value` -> the schema's `get_attribute` -> marshmallow's
`utils.get_value`), the `data_key` lookups, and a nested schema's `dump` per item. That was a third of a list
request's CPU. Lists, nested schemas and lists of nested schemas are compiled too; a schema with dump hooks, or
with its own accessor, is dumped by marshmallow itself. tests/test_list_dumps.py compares both on every
list endpoint."""
from collections.abc import Callable, Mapping
from typing import Any

import marshmallow as ma
from marshmallow.utils import get_value as generic_value

Dumper = Callable[[Any], Any]
_PLAIN_ACCESSORS = frozenset({"Schema.get_attribute", "ReadSchema.get_attribute"})


def compile_dump(schema: ma.Schema) -> Dumper:
    """A function giving what `schema.dump(obj)` gives, for one object (or a list when the schema is `many`)."""
    if schema._hooks[ma.decorators.PRE_DUMP] or schema._hooks[ma.decorators.POST_DUMP] or \
            type(schema).get_attribute.__qualname__ not in _PLAIN_ACCESSORS:
        return lambda obj: ma.Schema.dump(schema, obj)
    plan = [_field_plan(name, field) for name, field in schema.dump_fields.items()]
    dict_class = schema.dict_class
    missing = ma.missing

    def dump_one(obj: Any) -> Any:
        # marshmallow reads a mapping, or anything indexable (a SQLAlchemy Row), by key first; an object by getattr.
        indexable = isinstance(obj, Mapping) or hasattr(type(obj), "__getitem__")
        loaded = _loaded_columns(obj)
        result = dict_class()
        for key, attribute, reads_attribute, serialize, default, unchanged in plan:
            if not reads_attribute:
                value = None
            elif indexable or "." in attribute:
                value = generic_value(obj, attribute, missing)
            else:
                value = loaded.get(attribute, _NOT_LOADED)
                if value is _NOT_LOADED:
                    value = getattr(obj, attribute, missing)
            if value is missing:
                value = default() if callable(default) else default
                if value is missing:
                    continue
            result[key] = value if type(value) is unchanged else serialize(value, attribute, obj)
        return result

    if schema.many:
        return lambda objs: None if objs is None else [dump_one(obj) for obj in objs]
    return dump_one


_NOT_LOADED = object()
_NOTHING: dict[str, Any] = {}


def _loaded_columns(obj: Any) -> dict[str, Any]:
    """An ORM instance's loaded attributes, which its own __dict__ holds by their names: read there, a value skips
    SQLAlchemy's attribute descriptor (a Python call for each value of each item, a tenth of a page's dump). Anything
    else (a property, an attribute not loaded, which the descriptor then loads) is read by getattr."""
    own = getattr(obj, "__dict__", _NOTHING)
    return own if "_sa_instance_state" in own else _NOTHING


def _field_plan(name: str, field: ma.fields.Field) -> tuple[str, str, bool, Callable, Any, type | None]:
    key = field.data_key if field.data_key is not None else name
    attribute = field.attribute if field.attribute is not None else name
    return (key, attribute, field._CHECK_ATTRIBUTE, _serializer(field), field.dump_default,
            _dumped_as_is(field))


def _dumped_as_is(field: ma.fields.Field) -> type | None:
    """The type of value this field dumps unchanged (a str by String, an int by Integer, a bool by Boolean):
    such a value skips the field's call. None for other fields."""
    if type(field) is ma.fields.String:
        return str
    if type(field) is ma.fields.Integer and not field.as_string:
        return int
    if type(field) is ma.fields.Boolean:
        return bool
    return None


def _serializer(field: ma.fields.Field) -> Callable[[Any, str, Any], Any]:
    """The field's `_serialize`, with nested schemas (alone or in a list) compiled."""
    if type(field) is ma.fields.Nested and isinstance(field.schema, ma.Schema):
        nested = compile_dump(field.schema)
        many = field.schema.many or field.many
        if many and not field.schema.many:
            one = nested
            nested = lambda objs: [one(obj) for obj in objs]  # noqa: E731 - the list form of the one above
        return lambda value, attr, obj: None if value is None else nested(value)
    if type(field) is ma.fields.List:
        inner = _serializer(field.inner)
        return lambda value, attr, obj: None if value is None else [inner(each, attr, obj) for each in value]
    if (type(field) is ma.fields.DateTime or type(field) is ma.fields.Date) and \
            (field.format or field.DEFAULT_FORMAT) == "iso":
        # What the field's _serialize ends in (dt.date.isoformat or dt.datetime.isoformat), without the format
        # lookups on the way: a list's dates and times were a fifth of its dump.
        iso = field.SERIALIZATION_FUNCS["iso"]
        return lambda value, attr, obj: None if value is None else iso(value)
    return field._serialize


class CompiledDumpSchema(ma.Schema):
    """A schema whose `dump` of one object runs the compiled plan (see the module's docstring); `dump(many=...)`
    and every other use (loading, the OpenAPI document) are marshmallow's own."""

    def dump(self, obj: Any, *, many: bool | None = None):
        if many is not None and bool(many) != self.many:
            return super().dump(obj, many=many)
        dumper = self.__dict__.get("_compiled_dump")
        if dumper is None:
            dumper = self.__dict__["_compiled_dump"] = compile_dump(self)
        return dumper(obj)
