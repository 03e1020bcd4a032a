"""API shapes shared by every kind of match."""
import marshmallow as ma


class MatchStepSchema(ma.Schema):
    """One step of a match: to which state, who, when, why."""

    state = ma.fields.Function(lambda step: step.state.value)
    actor_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.DateTime()
