"""API shape of audit events."""
import marshmallow as ma


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    occurred_at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.Function(lambda event: event.action.value)
    entity_type = ma.fields.String()
    entity_id = ma.fields.Integer()
    changes = ma.fields.Dict()
    reason = ma.fields.String(allow_none=True)
