"""Helpers joining WTForms to the service layer's errors."""
from aidcoord.errors import ValidationFailed


def show_service_errors(form, error: ValidationFailed) -> None:
    """Put a service's per-field messages on the form's fields (or the form itself)."""
    for field_name, messages in error.fields.items():
        field = getattr(form, field_name, None)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            field.errors = list(target)
            target = field.errors
        target.extend(str(message) for message in messages)
    if not error.fields:
        form.form_errors.append(str(error.message))
