"""API shapes for reported arrivals."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.schemas import text


class ArrivalInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reported_at": "2023-09-28T08:00", "cumulative_arrivals": 65036,
                               "source": "https://armenpress.am/eng/news/1120698.html"}

    reported_at = text(30, required=True, metadata={
        "description": "Local day (YYYY-MM-DD) or day and time (YYYY-MM-DDTHH:MM) in the deployment's zone"})
    cumulative_arrivals = ma.fields.Integer(required=True, strict=True,
                                            validate=ma.validate.Range(min=0, max=100_000_000))
    source = text(500, required=True, min_length=1, metadata={"description": "Where the figure was published"})


class ArrivalSchema(ma.Schema):
    id = ma.fields.Integer()
    reported_at = ma.fields.String(metadata={"description": "YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time"})
    reported_on = ma.fields.Date()
    cumulative_arrivals = ma.fields.Integer()
    source = ma.fields.String()


class ArrivalArgsSchema(ma.Schema):
    start = ma.fields.Date(load_default=None, metadata={"description": "First day (local), inclusive"})
    end = ma.fields.Date(load_default=None, metadata={"description": "Last day (local), inclusive"})


class ArrivalImportArgsSchema(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=False)


class ArrivalImportResultSchema(ma.Schema):
    valid = ma.fields.Boolean()
    created = ma.fields.List(ma.fields.Integer())
    errors = ma.fields.Dict(metadata={"description": "{'row N': {column: [messages]}, 'file': [messages]}"})
