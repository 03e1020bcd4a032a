"""API shape of audit events."""
import marshmallow as ma


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    occurred_at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.Function(lambda event: event.action.value)
    entity_type = ma.fields.String()
    entity_id = ma.fields.Integer()
    changes = ma.fields.Dict(metadata={"description": "field names (and non-personal values); a personal "
                                                      "field's value is \"(withheld)\""})
    reason = ma.fields.String(allow_none=True, metadata={"description": "for a view: the record it served, "
                                                                        "e.g. \"match 12\", or the purpose"})
    subject_type = ma.fields.String(allow_none=True, metadata={"description": "whose data was seen (views)"})
    subject_id = ma.fields.Integer(allow_none=True)
    purpose = ma.fields.String(allow_none=True, metadata={"description": "why it was seen (views): casework, "
                                                                         "match, application, delivery, roster, "
                                                                         "membership, safeguarding, vetting, export"})
    served_by_type = ma.fields.String(allow_none=True)
    served_by_id = ma.fields.Integer(allow_none=True)
    organization_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "the organization whose record it is (its members may read the event)"})
