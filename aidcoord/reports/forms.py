"""The dashboard's filters (a GET form: no CSRF token, nothing is changed)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from aidcoord.common.codes import region_choices
from aidcoord.common.strict_input import EARLIEST_YEAR, LATEST_YEAR


class DashboardFilterForm(FlaskForm):
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()], validate_choice=True)
    rates_on = DateField(_l("Exchange rates as of"), validators=[Optional()],
                         description=_l("Empty: the last day of the period, or today"))
    submit = SubmitField(_l("Show"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = [("", _l("All regions")), *region_choices("AM")]

    def validate(self, extra_validators=None):
        """Dates within the years the app handles (a year 9999 would overflow the period's arithmetic)."""
        valid = super().validate(extra_validators)
        for field in (self.start, self.end, self.rates_on):
            if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
                field.errors = [*field.errors, _l("Must be between the years %(first)d and %(last)d.",
                                                  first=EARLIEST_YEAR, last=LATEST_YEAR)]
                valid = False
        return valid

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end comes before the start."))
