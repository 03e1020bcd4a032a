"""A household's fields are declared once (housing.household_fields); the model, the API schemas, the
form, the CSV import and the queue export agree with that declaration."""
from aidcoord.housing import household_fields as fields
from aidcoord.housing.exports import QUEUE_COLUMNS
from aidcoord.housing.forms import HouseholdForm
from aidcoord.housing.imports import HOUSEHOLD_COLUMNS, HOUSEHOLD_REQUIRED
from aidcoord.housing.models import Household
from aidcoord.housing.schemas import HouseholdInputSchema, HouseholdSchema, HouseholdSummarySchema

# Fields of the input schema that are about the registration, not the household.
REGISTRATION_OPTIONS = {"organization_id", "for_self", "consent_text_version", "consent_language", "consent_reason"}


def test_every_declared_field_is_a_column_of_the_model():
    columns = set(Household.__table__.columns.keys())
    assert set(fields.BY_NAME) <= columns


def test_the_api_input_schema_takes_exactly_the_declared_input_fields():
    declared = HouseholdInputSchema().fields
    assert set(declared) - REGISTRATION_OPTIONS - {"size"} == set(fields.INPUT_FIELDS)
    assert {name for name, field in declared.items() if field.required} == set(fields.REQUIRED_FIELDS)


def test_the_form_has_a_field_for_each_declared_input():
    form_fields = {name for name in vars(HouseholdForm) if not name.startswith("_")}
    assert set(fields.INPUT_FIELDS) <= form_fields
    assert set(HouseholdForm.FIELDS) == set(fields.INPUT_FIELDS)


def test_the_csv_import_takes_the_declared_columns():
    assert HOUSEHOLD_COLUMNS == fields.INPUT_FIELDS and HOUSEHOLD_REQUIRED == fields.REQUIRED_FIELDS


def test_what_a_host_sees_before_accepting_is_declared_and_holds_no_personal_field():
    assert set(HouseholdSummarySchema().fields) - {"id"} == set(fields.SHOWN_TO_HOST)
    assert not set(fields.SHOWN_TO_HOST) & set(fields.PERSONAL_FIELDS)


def test_no_personal_field_is_in_the_household_body_or_the_queue_export():
    assert not set(HouseholdSchema().fields) & set(fields.PERSONAL_FIELDS)
    assert not {name for name, _tag, _value in QUEUE_COLUMNS} & set(fields.PERSONAL_FIELDS)
