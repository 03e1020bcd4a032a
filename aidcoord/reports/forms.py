"""The dashboard's filters (a GET form: no CSRF token, nothing is changed)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from aidcoord.common.codes import region_choices


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

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end comes before the start."))
