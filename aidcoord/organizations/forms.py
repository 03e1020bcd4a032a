"""Forms for the organization pages."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from aidcoord.accounts.forms import CheckboxListField
from aidcoord.common.codes import country_choices
from aidcoord.common.forms import ANY_REGION, FlaskForm, RegionField, RegionsField, field_labels
from aidcoord.organizations.models import OrganizationKind, Sector


def _kind_choices():
    return [(kind.value, kind.label) for kind in OrganizationKind]


def _sector_choices():
    return [(sector.value, sector.label) for sector in Sector]


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_kind_choices, validators=[DataRequired()])
    country = SelectField(_l("Country of registration"), validators=[DataRequired()])
    regions = RegionsField(_l("Regions served"))
    sectors = CheckboxListField(_l("Sectors"), choices=_sector_choices, validators=[DataRequired()])
    description = TextAreaField(_l("What you do"), validators=[Optional(), Length(max=5000)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=500)])
    contact_email = EmailField(_l("Public contact email"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Public contact phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose a country")), *country_choices()]

    def service_data(self) -> dict:
        """The fields as the service takes them."""
        data = {name: getattr(self, name).data for name in (
            "name", "kind", "country", "sectors", "description", "website", "contact_email", "contact_phone")}
        data["regions"] = list(self.regions.data or [])
        return data


# What an organization's history calls each field it records (aidcoord.organizations.services and invitations):
# the edit form's labels, and words for what the form does not hold.
HISTORY_LABELS = {
    **field_labels(OrganizationForm),
    "verification_state": _l("Verification"),
    "members_added": _l("Members added"),
    "members_removed": _l("Members removed"),
    "invitation_sent": _l("Invitation sent"),
    "invitation_accepted": _l("Invitation accepted"),
    "invitation_declined": _l("Invitation declined"),
}
HISTORY_LABELS.pop("submit", None)


def history_label(field_name: str) -> str:
    """A recorded field by its label in the reader's language (the name itself if it has none)."""
    return str(HISTORY_LABELS.get(field_name, field_name))


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=lambda: [("", _l("Any sector")), *_sector_choices()],
                         validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=lambda: [("", _l("Any kind")), *_kind_choices()], validators=[Optional()])
    region = RegionField(_l("Region"), validators=[Optional()], blank=ANY_REGION)
    verified = SelectField(
        _l("Verification"),
        choices=[("", _l("Verified")), ("false", _l("Awaiting review or rejected"))],
        validators=[Optional()],
    )


class VerifyForm(FlaskForm):
    note = StringField(_l("How was it checked?"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Verify"))


class RejectForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reject"))


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Email of the person to invite"), validators=[DataRequired(), Length(max=254)],
                       description=_l("They become a member when they accept the invitation."))
    submit = SubmitField(_l("Invite"))
