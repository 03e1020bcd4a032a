"""Forms for the needs pages; values go to the needs service, which checks them."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from aidcoord.common.forms import ANY_REGION, FlaskForm, RegionField
from aidcoord.needs.models import NeedState, Unit, Urgency
from aidcoord.organizations.models import Sector


def _choices(enum_cls, blank=None):
    options = [(member.value, member.label) for member in enum_cls]
    return ([("", blank)] if blank else []) + options


class NeedForm(FlaskForm):
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[DataRequired()])
    sector = SelectField(_l("Sector"), choices=lambda: _choices(Sector), validators=[DataRequired()])
    item = StringField(_l("What is needed"), validators=[DataRequired(), Length(max=200)],
                       description=_l("e.g. baby formula, beds, hot meals, psychological first aid sessions"))
    quantity = StringField(_l("Quantity"), validators=[Optional(), Length(max=30)], render_kw={"inputmode": "decimal"})
    unit = SelectField(_l("Unit"), choices=lambda: _choices(Unit, _l("Cash need (use amount and currency)")),
                       validators=[Optional()])
    amount = StringField(_l("Cash amount"), validators=[Optional(), Length(max=30)], render_kw={"inputmode": "decimal"},
                         description=_l("Only for a cash need: the amount and its ISO 4217 currency."))
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3)], description=_l("e.g. AMD, EUR, USD"))
    region = RegionField(_l("Region"), validators=[DataRequired()])
    locality = StringField(_l("Town or village"), validators=[Optional(), Length(max=200)])
    urgency = SelectField(_l("Urgency"), choices=lambda: _choices(Urgency), validators=[DataRequired()])
    needed_by = DateField(_l("Needed by"), validators=[DataRequired()])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=5000)])
    external_ref = StringField(_l("Your reference"), validators=[Optional(), Length(max=100)],
                               description=_l("The id in your own spreadsheet, if any."))
    submit = SubmitField(_l("Save need"))

    FIELDS = ("sector", "item", "quantity", "unit", "amount", "currency", "region", "locality", "urgency",
              "needed_by", "description", "external_ref")

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class NeedFilterForm(FlaskForm):
    class Meta:
        csrf = False

    sector = SelectField(_l("Sector"), choices=lambda: _choices(Sector, _l("Any sector")), validators=[Optional()])
    urgency = SelectField(_l("Urgency"), choices=lambda: _choices(Urgency, _l("Any urgency")), validators=[Optional()])
    state = SelectField(_l("State"), choices=lambda: _choices(NeedState, _l("Any state")), validators=[Optional()])
    region = RegionField(_l("Region"), validators=[Optional()], blank=ANY_REGION)


class EndNeedForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[("closed", _l("Close: no longer needed")),
                                                  ("cancelled", _l("Cancel: posted in error"))])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("End this need"))
