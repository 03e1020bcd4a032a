"""A household's fields, declared once. The model's columns, the API input schema, the page form, the
CSV import and the exports are derived from or checked against this list (tests/housing/
test_household_fields.py), so a new field is added here first and the checks say where else it goes.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class HouseholdField:
    name: str
    kind: str  # text, phone, count, flag, regions, languages, date, days, or derived (computed, never input)
    required: bool = False
    # Contact or protection data: never in lists or exports; every view is recorded.
    personal: bool = False
    # In what a proposed host sees before accepting (no name, phone or medical note).
    shown_to_host: bool = False


FIELDS = (
    HouseholdField("external_ref", "text"),
    HouseholdField("contact_name", "text", required=True, personal=True),
    HouseholdField("contact_phone", "phone", required=True, personal=True),
    HouseholdField("size", "derived", shown_to_host=True),
    HouseholdField("adults", "count", required=True, shown_to_host=True),
    HouseholdField("children", "count", shown_to_host=True),
    HouseholdField("children_under_5", "count", shown_to_host=True),
    HouseholdField("over_65", "count", shown_to_host=True),
    HouseholdField("disabled", "count", shown_to_host=True),
    HouseholdField("single_caregiver", "flag"),
    HouseholdField("medical_needs", "flag", shown_to_host=True),
    HouseholdField("medical_note", "text", personal=True),
    HouseholdField("pets", "flag", shown_to_host=True),
    HouseholdField("step_free_needed", "flag", shown_to_host=True),
    HouseholdField("preferred_regions", "regions"),
    HouseholdField("region_required", "flag"),
    # Where the household arrived or stays now (a town, a crossing point, a reception centre): not who they are.
    HouseholdField("arrival_place", "text"),
    HouseholdField("needed_from", "date", shown_to_host=True),
    HouseholdField("stay_days", "days", shown_to_host=True),
    HouseholdField("languages", "languages", shown_to_host=True),
    HouseholdField("consent_to_share", "flag"),
)

BY_NAME = {field.name: field for field in FIELDS}
INPUT_FIELDS = tuple(field.name for field in FIELDS if field.kind != "derived")
REQUIRED_FIELDS = tuple(field.name for field in FIELDS if field.required)
PERSONAL_FIELDS = tuple(field.name for field in FIELDS if field.personal)
SHOWN_TO_HOST = tuple(field.name for field in FIELDS if field.shown_to_host)
COUNTS = tuple(field.name for field in FIELDS if field.kind == "count")
FLAGS = tuple(field.name for field in FIELDS if field.kind == "flag")
