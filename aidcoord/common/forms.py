"""Forms and helpers shared by the pages of several slices."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired

from aidcoord.errors import ValidationFailed


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])
    submit = SubmitField(_l("Check the file"))

    def text(self) -> str | None:
        """The uploaded file as text, or None (with a message on the field) if it is not UTF-8."""
        try:
            return self.file.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.file.errors.append(_("Save the file as CSV with UTF-8 encoding."))
            return None


class ImportConfirmForm(FlaskForm):
    """Carries the checked file back for the all-or-nothing write."""

    csv_text = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))


def flash_error(error) -> None:
    """Show a service's refusal on the next page: its field messages, or its message."""
    from flask import flash

    details = " ".join(str(m) for messages in error.fields.values() for m in messages)
    flash(details or str(error.message), "error")


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
