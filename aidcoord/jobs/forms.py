"""Forms for the job pages; the jobs services check the values."""
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from aidcoord.common.codes import collation_key
from aidcoord.common.forms import ANY_REGION, FlaskForm, LanguageField, RegionField, RegionsField
from aidcoord.consent import forms as consent_forms
from aidcoord.consent.models import ConsentPurpose
from aidcoord.jobs.models import LANGUAGE_LEVELS, SECTOR_LABELS, SECTORS, ContractType, ReportReason, level_keyword

# The word for "native" is the reader's (the parser understands it and the English one).
LANGUAGES_HELP = _l("Codes with levels (%(levels)s), e.g. hy:%(native)s ru:B2 en:A2", native=_l("native"),
                    levels=LazyString(lambda: ", ".join(map(level_keyword, LANGUAGE_LEVELS))))


def _contract_choices():
    return [(kind.value, kind.label) for kind in ContractType]


def _sector_choices() -> list[tuple[str, str]]:
    """Sectors by name in the reader's order, "other" last."""
    named = sorted(((code, str(SECTOR_LABELS[code])) for code in SECTORS if code != "other"),
                   key=lambda pair: collation_key(pair[1]))
    return [*named, ("other", str(SECTOR_LABELS["other"]))]


class PositionsForm(FlaskForm):
    positions = IntegerField(_l("Positions"), validators=[DataRequired(), NumberRange(min=1, max=1000)])
    submit = SubmitField(_l("Change positions"))


class ListingForm(FlaskForm):
    organization_id = SelectField(_l("Post for"), coerce=str, validators=[Optional()])
    title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=lambda: _sector_choices())
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    region = RegionField(_l("Region"), validators=[Optional()])
    locality = StringField(_l("Town or district"), validators=[Optional(), Length(max=200)])
    remote = BooleanField(_l("Remote work"))
    positions = IntegerField(_l("Positions"), validators=[DataRequired(), NumberRange(min=1, max=1000)])
    languages = StringField(_l("Languages required"), validators=[Optional(), Length(max=200)],
                            description=LANGUAGES_HELP)
    skills = StringField(_l("Skills"), validators=[Optional(), Length(max=1000)], description=_l("Separated by commas"))
    contract_type = SelectField(_l("Contract"), choices=_contract_choices)
    salary_min = StringField(_l("Salary from"), validators=[Optional(), Length(max=30)])
    salary_max = StringField(_l("Salary up to"), validators=[Optional(), Length(max=30)])
    salary_currency = StringField(_l("Currency"), validators=[Optional(), Length(max=3)], description=_l("e.g. AMD"))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    closing_date = DateField(_l("Applications close on"), validators=[DataRequired()])
    submit = SubmitField(_l("Send for review"))

    FIELDS = ("title", "sector", "description", "region", "locality", "remote", "positions", "languages", "skills",
              "contract_type", "salary_min", "salary_max", "salary_currency", "start_date", "closing_date")

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    region = RegionField(_l("Region"), validators=[Optional()], blank=ANY_REGION)
    sector = SelectField(_l("Sector"), choices=lambda: [("", _l("Any")), *_sector_choices()],
                         validators=[Optional()])
    language = LanguageField(_l("Language"), validators=[Optional()])
    contract_type = SelectField(_l("Contract"), choices=lambda: [("", _l("Any")), *_contract_choices()],
                                validators=[Optional()])
    remote = SelectField(_l("Remote"), choices=[("", _l("Either")), ("yes", _l("Remote only")),
                                                ("no", _l("On site only"))], validators=[Optional()])


class ReportForm(FlaskForm):
    reason = SelectField(_l("What is wrong"), choices=lambda: [(r.value, r.label) for r in ReportReason])
    details = TextAreaField(_l("Details"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Report this listing"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class SeekerForm(FlaskForm):
    contact_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    contact_email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    household_id = IntegerField(_l("Household request number"), validators=[Optional(), NumberRange(min=1)],
                                description=_l("Optional: links the household's vulnerability to the queue place"))
    profession = StringField(_l("Profession"), validators=[Optional(), Length(max=200)])
    skills = StringField(_l("Skills"), validators=[Optional(), Length(max=1000)], description=_l("Separated by commas"))
    languages = StringField(_l("Languages"), validators=[Optional(), Length(max=200)], description=LANGUAGES_HELP)
    regions = RegionsField(_l("Regions where the person can work"), description=_l("None ticked means anywhere"))
    remote_ok = BooleanField(_l("Remote work is fine"))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    consent_to_share = BooleanField(_l("The person agrees to show this profile (never the contact) to employers"))
    consent_text_version = consent_forms.version_field(ConsentPurpose.SHARE_WITH_EMPLOYER)
    consent_language = consent_forms.language_field()
    consent_reason = consent_forms.reason_field()
    submit = SubmitField(_l("Save"))

    FIELDS = ("contact_name", "contact_phone", "contact_email", "profession", "skills", "languages", "regions",
              "remote_ok", "available_from", "consent_to_share")

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS} | consent_forms.answer_of(self)

    def fill_from(self, seeker) -> None:
        for name in self.FIELDS:
            getattr(self, name).data = getattr(seeker, name)
        self.skills.data = ", ".join(seeker.skills)
        self.regions.data = list(seeker.regions)
        self.languages.data = " ".join(f"{lang['code']}:{level_keyword(lang['level'])}" for lang in seeker.languages)
