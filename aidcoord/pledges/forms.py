"""Forms for pledges, deliveries and exchange rates; the pledges service checks the values."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from aidcoord.common.forms import FlaskForm
from aidcoord.common.web import MAX_DATABASE_ID
from aidcoord.needs.models import Unit
from aidcoord.organizations import services as organizations
from aidcoord.pledges.models import Contribution

MYSELF = 0


class PledgeForm(FlaskForm):
    need_id = HiddenField()
    contribution = SelectField(_l("I pledge"), choices=lambda: [(c.value, c.label) for c in Contribution])
    amount = StringField(_l("Amount"), validators=[Optional(), Length(max=30)], render_kw={"inputmode": "decimal"})
    currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3)], description=_l("e.g. EUR, USD, AMD"))
    quantity = StringField(_l("Quantity"), validators=[Optional(), Length(max=30)], render_kw={"inputmode": "decimal"})
    unit = SelectField(_l("Unit"), choices=lambda: [("", _l("No unit"))] + [(u.value, u.label) for u in Unit],
                       validators=[Optional()])
    item = StringField(_l("What"), validators=[Optional(), Length(max=200)])
    donor_organization_id = SelectField(_l("Pledging as"), coerce=int, validators=[Optional()], choices=[])
    recipient_organization_id = SelectField(_l("For organization"), coerce=int, validators=[Optional()], choices=[])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Pledge"))

    def set_donor_choices(self, user) -> None:
        self.donor_organization_id.choices = [(MYSELF, _l("Myself"))] + [
            (org.id, org.name) for org in organizations.organizations_of(user) if org.is_verified]
        self.recipient_organization_id.choices = [(MYSELF, _l("The response as a whole"))] + [
            (org.id, org.name) for org in organizations.all_verified()]

    def service_data(self) -> dict:
        data = {name: getattr(self, name).data for name in ("contribution", "amount", "currency", "quantity", "unit",
                                                             "item", "note")}
        need_id = (self.need_id.data or "").strip()
        data["need_id"] = _need_id(need_id)
        data["donor_organization_id"] = self.donor_organization_id.data or None
        data["recipient_organization_id"] = (None if data["need_id"] is not None
                                              else (self.recipient_organization_id.data or None))
        return data


class DeliveryForm(FlaskForm):
    delivered_on = DateField(_l("Arrived on"), validators=[DataRequired()])
    amount = StringField(_l("Amount received"), validators=[Optional(), Length(max=30)],
                         render_kw={"inputmode": "decimal"})
    quantity = StringField(_l("Quantity received"), validators=[Optional(), Length(max=30)],
                           render_kw={"inputmode": "decimal"})
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])
    final = BooleanField(_l("This completes the pledge"))
    submit = SubmitField(_l("Confirm delivery"))


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Cancel pledge"))


class RateForm(FlaskForm):
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)])
    rate = StringField(_l("Rate"), validators=[DataRequired(), Length(max=30)], render_kw={"inputmode": "decimal"})
    valid_on = DateField(_l("Valid on"), validators=[DataRequired()])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=500)],
                         description=_l("e.g. Central Bank of Armenia, published rate"))
    submit = SubmitField(_l("Record rate"))


def _need_id(value: str) -> int | None:
    """None when empty; ASCII digits only ("１".isdigit() too); an id no column holds, or not a number, is 0,
    which no need has: "No such need." rather than a pledge to no need."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        return 0
    return int(value) if len(value) <= len(str(MAX_DATABASE_ID)) and int(value) <= MAX_DATABASE_ID else 0
