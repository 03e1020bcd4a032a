"""Forms for the volunteer pages; the volunteers service checks the values."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from aidcoord.common.forms import ANY_REGION, CodesChecklist, FlaskForm, LanguagesField, RegionField, RegionsField
from aidcoord.volunteers.models import SKILLS, skill_name


class SkillsField(CodesChecklist):
    """Volunteer skills ticked by their names in the reader's language; the data is their codes."""

    name_of = staticmethod(skill_name)

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=lambda: [(code, skill_name(code)) for code in SKILLS],
                         validate_choice=False, **kwargs)


class ProfileForm(FlaskForm):
    skills = SkillsField(_l("Skills"))
    languages = LanguagesField(_l("Languages"))
    regions = RegionsField(_l("Regions where you can help"))
    availability = StringField(_l("When you are available"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save profile"))


class ShiftForm(FlaskForm):
    task = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=5000)])
    region = RegionField(_l("Region"), validators=[DataRequired()])
    locality = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts (UTC)"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (UTC)"), validators=[DataRequired()])
    slots = IntegerField(_l("Volunteers needed"), validators=[DataRequired(), NumberRange(min=1, max=1000)])
    required_skills = SkillsField(_l("Required skills"))
    required_languages = LanguagesField(_l("One of these languages"))
    requires_background_check = BooleanField(_l("Needs a cleared background check (e.g. childcare)"))
    submit = SubmitField(_l("Post shift"))

    FIELDS = ("task", "description", "region", "locality", "starts_at", "ends_at", "slots", "required_skills",
              "required_languages", "requires_background_check")

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class SlotsForm(FlaskForm):
    slots = IntegerField(_l("Volunteers needed"), validators=[DataRequired(), NumberRange(min=1, max=1000)])
    submit = SubmitField(_l("Change places"))


class ShiftFilterForm(FlaskForm):
    class Meta:
        csrf = False

    region = RegionField(_l("Region"), validators=[Optional()], blank=ANY_REGION)
    day = DateField(_l("Day"), validators=[Optional()])
    skill = SelectField(_l("Skill"), validators=[Optional()], validate_choice=False,
                        choices=lambda: [("", _l("Any skill")), *((code, skill_name(code)) for code in SKILLS)])


class AttendanceForm(FlaskForm):
    attended = BooleanField(_l("Came"))
    hours = StringField(_l("Hours"), validators=[Optional(), Length(max=10)])
    submit = SubmitField(_l("Record"))
