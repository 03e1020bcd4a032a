"""What the dead-letter API answers: failed messages and jobs, without their recipients or contents."""
import marshmallow as ma


def _error_class(text: str | None) -> str | None:
    # A mail server's error may repeat the address: only the class of the error is listed.
    return text.split(":", 1)[0][:100] if text else None


class DeadMessageSchema(ma.Schema):
    id = ma.fields.Integer()
    channel = ma.fields.Function(lambda message: message.channel.value,
                                 metadata={"enum": ["email", "sms", "telegram"]})
    topic = ma.fields.String()
    attempts = ma.fields.Integer()
    error = ma.fields.Function(lambda message: _error_class(message.last_error), allow_none=True,
                               metadata={"description": "The class of the last error (never its text)"})
    created_at = ma.fields.DateTime()


class DeadJobSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    attempts = ma.fields.Integer()
    error = ma.fields.String(attribute="last_error", allow_none=True)
    created_at = ma.fields.DateTime()


class DeadLettersSchema(ma.Schema):
    messages = ma.fields.List(ma.fields.Nested(DeadMessageSchema))
    jobs = ma.fields.List(ma.fields.Nested(DeadJobSchema))
    last_heartbeat = ma.fields.DateTime(allow_none=True, metadata={
        "description": "When a running worker last said it was alive (null: none running)"})


class RetriedSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.Function(lambda row: row.state.value)
