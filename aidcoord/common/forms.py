"""Forms and helpers shared by the pages of several slices."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired

from aidcoord.errors import NotFound, PermissionDenied, ValidationFailed


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"),
                     validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])
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
    """Show why a service refused on the next page: its field messages, or its message. A refusal of
    the person (403) or a record hidden from them (404) is not a message on the page: it is raised,
    so that pages answer it as the API does."""
    from flask import flash

    if isinstance(error, (PermissionDenied, NotFound)):
        raise error
    details = " ".join(str(m) for messages in error.fields.values() for m in messages)
    flash(details or str(error.message), "error")


def show_service_errors(form, error: ValidationFailed) -> None:
    """Put a service's per-field messages on the form's fields (or the form itself)."""
    for field_name, messages in error.fields.items():
        field = getattr(form, field_name, None)
        if field is None:
            target = form.form_errors
        else:
            if isinstance(field.errors, tuple):  # a field that was never validated holds a tuple
                field.errors = list(field.errors)
            target = field.errors
        target.extend(str(message) for message in messages)
    if not error.fields:
        form.form_errors.append(str(error.message))
