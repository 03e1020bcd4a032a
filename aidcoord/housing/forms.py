"""Forms for the housing pages; the housing services check the values."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from aidcoord.common.forms import FlaskForm, LanguagesField, RegionField, RegionsField
from aidcoord.consent import forms as consent_forms
from aidcoord.consent.models import ConsentPurpose
from aidcoord.housing import household_fields


class OfferForm(FlaskForm):
    region = RegionField(_l("Region"), validators=[DataRequired()])
    locality = StringField(_l("Town or village"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Full address"), validators=[DataRequired(), Length(max=500)],
                          description=_l("Shown to a household only after you accept it."))
    beds = IntegerField(_l("Beds"), validators=[DataRequired(), NumberRange(min=1, max=500)])
    rooms = IntegerField(_l("Rooms"), validators=[Optional(), NumberRange(min=0, max=500)])
    whole_dwelling = BooleanField(_l("The whole dwelling (one household)"))
    available_from = DateField(_l("Available from"), validators=[DataRequired()])
    available_until = DateField(_l("Available until"), validators=[Optional()])
    max_stay_days = IntegerField(_l("Longest stay, in days"), validators=[Optional(), NumberRange(min=1, max=3650)])
    rent_amount = StringField(_l("Rent per month (empty: free)"), validators=[Optional(), Length(max=30)])
    rent_currency = StringField(_l("Rent currency"), validators=[Optional(), Length(max=3)])
    utilities_included = BooleanField(_l("Utilities included"))
    meals_included = BooleanField(_l("Meals included"))
    step_free = BooleanField(_l("Step-free access"))
    pets_accepted = BooleanField(_l("Pets welcome"))
    children_welcome = BooleanField(_l("Children welcome"), default=True)
    languages = LanguagesField(_l("Languages spoken"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    external_ref = StringField(_l("Your reference"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save offer"))

    FIELDS = ("region", "locality", "address", "beds", "rooms", "whole_dwelling", "available_from", "available_until",
              "max_stay_days", "rent_amount", "rent_currency", "utilities_included", "meals_included", "step_free",
              "pets_accepted", "children_welcome", "languages", "notes", "external_ref")

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class VetForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("verified", _l("Verified")), ("rejected", _l("Rejected"))])
    note = StringField(_l("How was it checked, or why rejected?"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record decision"))


class HouseholdForm(FlaskForm):
    contact_name = StringField(_l("Name of the head of household"), validators=[DataRequired(), Length(max=200)])
    contact_phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=40)])
    adults = IntegerField(_l("Adults"), validators=[DataRequired(), NumberRange(min=1, max=30)], default=1)
    children = IntegerField(_l("Children"), validators=[Optional(), NumberRange(min=0, max=30)], default=0)
    children_under_5 = IntegerField(_l("of whom under 5"), validators=[Optional(), NumberRange(min=0, max=30)],
                                    default=0)
    over_65 = IntegerField(_l("People over 65"), validators=[Optional(), NumberRange(min=0, max=30)], default=0)
    disabled = IntegerField(_l("People with disabilities"), validators=[Optional(), NumberRange(min=0, max=30)],
                            default=0)
    single_caregiver = BooleanField(_l("One adult caring for the children alone"))
    medical_needs = BooleanField(_l("Medical needs"))
    medical_note = TextAreaField(_l("Medical note (private)"), validators=[Optional(), Length(max=5000)])
    pets = BooleanField(_l("Has pets"))
    step_free_needed = BooleanField(_l("Needs step-free access"))
    preferred_regions = RegionsField(_l("Preferred regions"), description=_l("None ticked means anywhere"))
    region_required = BooleanField(_l("Must stay in these regions"))
    needed_from = DateField(_l("Needed from"), validators=[Optional()])
    stay_days = IntegerField(_l("Expected stay, in days"), validators=[Optional(), NumberRange(min=1, max=3650)])
    languages = LanguagesField(_l("Languages"))
    consent_to_share = BooleanField(
        _l("The household agrees to share these details (not name or phone) with a proposed host"))
    consent_text_version = consent_forms.version_field(ConsentPurpose.SHARE_WITH_HOST)
    consent_language = consent_forms.language_field()
    consent_reason = consent_forms.reason_field()
    external_ref = StringField(_l("Reference in your registration list"), validators=[Optional(), Length(max=100)])
    arrival_place = StringField(_l("Where they arrived or stay now (town, reception centre)"),
                                validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Register household"))

    FIELDS = household_fields.INPUT_FIELDS

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS} | consent_forms.answer_of(self)


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Confirm"))


class WelfareForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[("well", _l("All well")), ("concern", _l("A concern")),
                                                   ("unreachable", _l("Could not reach them"))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record check-in"))


class IncidentForm(FlaskForm):
    description = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField(_l("Report an incident"))


class ReviewForm(FlaskForm):
    note = StringField(_l("Decision"), validators=[DataRequired(), Length(max=2000)])
    end_placement = BooleanField(_l("End the placement"))
    suspend_host = BooleanField(_l("Suspend the host (no proposals anywhere until lifted)"))
    submit = SubmitField(_l("Record review"))


class PriorityForm(FlaskForm):
    points = IntegerField(_l("Raise by (points)"), validators=[DataRequired(), NumberRange(min=1, max=100)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Raise priority"))


class BatchRunForm(FlaskForm):
    """Start a batch run: the whole queue, or one region's offers and the households who may live there."""

    region = RegionField(_l("Region"), blank=_l("All regions"))
    submit = SubmitField(_l("Compute batch proposals"))
