import marshmallow as ma


class WebhookAnswerSchema(ma.Schema):
    ok = ma.fields.Boolean(required=True)
    duplicate = ma.fields.Boolean(required=True, metadata={"description": "The update was received before."})
