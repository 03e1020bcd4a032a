"""API shapes for a person's own data and erasure requests."""
import marshmallow as ma


class DataArgsSchema(ma.Schema):
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(["json", "csv"]), metadata={
        "description": "json (sections of records) or csv (one line per value: section, record_id, field, value)"})


class MyDataSchema(ma.Schema):
    sections = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Dict()), metadata={
        "description": "Section (account, households, job_seekers, volunteer_profiles, housing_offers, pledges, "
                       "sign_ups, consent_records, erasure_requests) -> its records, every field by name"})


class ErasureRequestSchema(ma.Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    state = ma.fields.Function(lambda request: request.state.value, metadata={
        "description": "waiting (see blocked_by) or done (the data was anonymised and the account closed)"})
    blocked_by = ma.fields.List(ma.fields.String(), metadata={
        "description": "Why it waits: active_placement, active_match, active_referral, upcoming_shift"})
    requested_at = ma.fields.DateTime()
    completed_at = ma.fields.DateTime(allow_none=True)
