"""Forms and helpers shared by the pages of several slices."""
from datetime import date
from decimal import Decimal
from typing import Any

import flask_wtf
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from aidcoord.common.codes import collation_key, language_name, region_choices, subdivision_name
from aidcoord.common.form_messages import FORM_TRANSLATIONS
from aidcoord.common.strict_input import EARLIEST_YEAR, INTEGER_RANGE, LATEST_YEAR, MAX_DECIMAL
from aidcoord.errors import DomainError, NotFound, PermissionDenied


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form, whose WTForms messages are in the reader's language: WTForms' own catalog where it has
    one (Russian), ours where it has none (Armenian). Every page form derives from this one.

    Its numbers and dates keep the API's limits (common.strict_input): integers within a 32-bit column,
    decimals finite and below 10^15, dates between 1900 and 2100, so that 1e999999 or the year 9999 is a
    message on the field, not an overflow in a service."""

    class Meta(flask_wtf.FlaskForm.Meta):
        def get_translations(self, form):
            return FORM_TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            message = _out_of_bounds(field)
            if message is not None:
                field.errors = [*field.errors, message]
                valid = False
        return valid


def _out_of_bounds(field) -> str | None:
    """The API's message for a number or date no column holds (None when the field is empty or fine)."""
    data = field.data
    if isinstance(field, IntegerField) and isinstance(data, int):
        low, high = INTEGER_RANGE
        if not low <= data <= high:
            return _("Must be between %(low)d and %(high)d.", low=low, high=high)
    elif isinstance(field, DecimalField) and isinstance(data, Decimal):
        if not data.is_finite() or abs(data) >= MAX_DECIMAL:
            return _("Must be a number below 10^15.")
    elif isinstance(field, (DateField, DateTimeField)) and isinstance(data, date) \
            and not EARLIEST_YEAR <= data.year <= LATEST_YEAR:
        return _("Must be between the years %(first)d and %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR)
    return None


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"),
                     validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])
    submit = SubmitField(_l("Check the file"))

    def text(self) -> str | None:
        """The uploaded file as text (common.csv_import.decode_upload), or None with a message on the field."""
        from aidcoord.common.csv_import import UndecodableFile, decode_upload

        try:
            return decode_upload(self.file.data.read())
        except UndecodableFile as error:
            self.file.errors.extend(str(message) for message in error.fields["file"])
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


def show_service_errors(form, error: DomainError) -> None:
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


def field_labels(form_class) -> dict[str, Any]:
    """{field name: its label} of a form class, for pages that name fields outside the form (a history)."""
    labels = {}
    for name in dir(form_class):
        unbound: Any = getattr(form_class, name, None)
        if getattr(unbound, "_formfield", False):
            label = unbound.kwargs.get("label", unbound.args[0] if unbound.args else None)
            if label is not None:
                labels[name] = label
    return labels


CHOOSE_A_REGION = _l("Choose a region")
ANY_REGION = _l("Any region")


def _deployment_regions() -> list[tuple[str, str]]:
    """The deployment country's regions (DEPLOYMENT_COUNTRY, Armenia by default), by name in the reader's order."""
    from flask import current_app

    return region_choices(current_app.config.get("DEPLOYMENT_COUNTRY", "AM"))


class RegionField(SelectField):
    """One region chosen by its name in the reader's language; the value is its ISO 3166-2 code (as in the API
    and the exports). The services check the code, so a stored region of another country stays choosable."""

    def __init__(self, label=None, validators=None, blank=CHOOSE_A_REGION, **kwargs):
        super().__init__(label, validators, choices=lambda: [("", blank), *_deployment_regions()],
                         validate_choice=False, **kwargs)

    def iter_choices(self):
        known = {choice[0] for choice in self.choices or ()}
        if self.data and self.data not in known:
            self.choices = [*(self.choices or ()), (self.data, subdivision_name(self.data))]
        return super().iter_choices()


class CodesChecklist(SelectMultipleField):
    """Checkboxes named in the reader's language whose data is a list of codes; codes stored earlier that are
    no longer offered stay ticked, and "AM-ER AM-SU" sent in one value (by a script or an older page) counts
    as the codes it lists."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    @staticmethod
    def name_of(code: str) -> str:
        return code

    def process_formdata(self, valuelist):
        super().process_formdata([code for value in valuelist for code in value.replace(",", " ").split()])

    def iter_choices(self):
        data: Any = self.data
        if isinstance(data, str):  # a view filled it from a stored "AM-ER AM-SU" string
            self.data = data.replace(",", " ").split()
        known = {choice[0] for choice in self.choices or ()}
        extra = [(code, self.name_of(code)) for code in self.data or () if code not in known]
        if extra:
            self.choices = [*(self.choices or ()), *extra]
        return super().iter_choices()


class RegionsField(CodesChecklist):
    """Several regions of the deployment country; the data is a list of ISO 3166-2 codes."""

    name_of = staticmethod(subdivision_name)

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=_deployment_regions, validate_choice=False, **kwargs)


# Languages offered as checkboxes (config SPOKEN_LANGUAGES): those of the region and of people who arrive.
SPOKEN_LANGUAGES = ("hy", "ru", "en", "fa", "ar", "uk", "az", "ka", "tr", "ku", "fr", "de", "es")
ANY_LANGUAGE = _l("Any language")


def _spoken_languages() -> list[tuple[str, str]]:
    """(ISO 639-1 code, name in the reader's language), sorted for the reader."""
    from flask import current_app

    codes = current_app.config.get("SPOKEN_LANGUAGES", SPOKEN_LANGUAGES)
    return sorted(((code, language_name(code)) for code in codes), key=lambda pair: collation_key(pair[1]))


class LanguageField(SelectField):
    """One language chosen by its name in the reader's language; the value is its ISO 639-1 code."""

    def __init__(self, label=None, validators=None, blank=ANY_LANGUAGE, **kwargs):
        super().__init__(label, validators, choices=lambda: [("", blank), *_spoken_languages()],
                         validate_choice=False, **kwargs)


class LanguagesField(CodesChecklist):
    """Several languages; the data is a list of ISO 639-1 codes."""

    name_of = staticmethod(language_name)

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=_spoken_languages, validate_choice=False, **kwargs)
