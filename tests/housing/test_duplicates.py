"""Possible duplicates across phone formats, scripts and word order, found by index; merged or dismissed
through the API and the household page."""
import pytest
from sqlalchemy import select

from aidcoord.extensions import db
from aidcoord.housing import duplicates, households, imports
from aidcoord.housing.models import DuplicateDismissal, Household, HouseholdNameToken
from aidcoord.matching import queue
from aidcoord.matching.models import EntryState, QueueKind
from tests.housing.conftest import FAMILY


def test_national_and_international_phone_formats_are_one_phone(app):
    assert duplicates.phone_key("099 12 34 56") == "+37499123456"
    assert duplicates.phone_key("+37499123456") == "+37499123456"
    assert duplicates.phone_key("+374 99 123456") == "+37499123456"
    assert duplicates.phone_key("+7 912 345-67-89") == "+79123456789"


def test_a_name_in_any_script_or_order_has_one_key(app):
    keys = {duplicates.name_key(name) for name in ("Армен Саргсян", "Արմեն Սարգսյան", "Armen Sargsyan",
                                                   "Sargsyan Armen", "SARGSYAN  armen")}
    assert len(keys) == 1
    assert duplicates.name_key("Нарине Акопян") == duplicates.name_key("Նարինե Հակոբյան")


@pytest.mark.parametrize("phone", ["099 12 34 56", "+37499123456", "+374 99 123456"])
def test_the_same_phone_in_any_format_is_a_possible_duplicate(register, phone):
    earlier = register(contact_phone="099 12 34 56", contact_name="Lilit Avetisyan")
    later = register(contact_phone=phone, contact_name="Someone Else", adults=1, children=0, children_under_5=0)
    assert later.possible_duplicate_of_id == earlier.id
    [(other, reasons)] = duplicates.possible_duplicates(later)
    assert other.id == earlier.id and [reason.code for reason in reasons] == ["same_phone"]


@pytest.mark.parametrize("name", ["Армен Саргсян", "Արմեն Սարգսյան", "Sargsyan Armen"])
def test_the_same_name_in_another_script_or_order_is_a_possible_duplicate(register, name):
    earlier = register(contact_name="Armen Sargsyan", contact_phone="+374 91 000001")
    later = register(contact_name=name, contact_phone="+374 93 000002")
    assert later.possible_duplicate_of_id == earlier.id
    [(_other, [reason])] = duplicates.possible_duplicates(later)
    assert reason.code == "similar_name" and reason.score == 100


def test_different_people_are_not_flagged(register):
    register(contact_name="Armen Sargsyan", contact_phone="+374 91 000001")
    assert register(contact_name="Armen Petrosyan", contact_phone="+374 91 000002").possible_duplicate_of_id is None
    # the same name in a household of another size is another family
    assert register(contact_name="Armen Sargsyan", contact_phone="+374 91 000003", adults=1, children=0,
                    children_under_5=0).possible_duplicate_of_id is None


def test_keys_are_stored_on_the_household_and_its_words_indexed(register):
    household = register(contact_name="Армен Саргсян", contact_phone="099 12 34 56")
    assert (household.phone_key, household.name_key) == ("+37499123456", "armen sarksian")
    tokens = db.session.scalars(db.select(HouseholdNameToken.token).where(
        HouseholdNameToken.household_id == household.id))
    assert sorted(tokens) == ["armen sar", "sarksian arm"]


def test_an_import_flags_rows_like_open_requests_and_like_each_other(coordinator, register):
    earlier = register(contact_name="Armen Sargsyan", contact_phone="+374 91 000001")
    text = ("external_ref,contact_name,contact_phone,adults,children,children_under_5\n"
            "R-1,Саргсян Армен,+374 93 000002,2,2,1\n"
            "R-2,Gayane Hovhannisyan,099 12 34 56,1,0,0\n"
            "R-3,Гаяне Оганнисян,+37499123456,1,0,0\n"
            "R-4,Tigran Mkrtchyan,+374 77 555555,1,0,0\n")
    ids = imports.import_households(coordinator, text)
    rows = {household.external_ref: household
            for household in db.session.scalars(select(Household).where(Household.id.in_(ids)))}
    assert rows["R-1"].possible_duplicate_of_id == earlier.id
    assert rows["R-2"].possible_duplicate_of_id is None
    assert rows["R-3"].possible_duplicate_of_id == rows["R-2"].id
    assert rows["R-4"].possible_duplicate_of_id is None


def test_merge_and_dismiss_through_the_api(api, coordinator, register):
    earlier = register(contact_name="Armen Sargsyan", contact_phone="+374 91 000001")
    same_phone = register(contact_name="Ani Grigoryan", contact_phone="091 000 001", adults=1, children=0,
                          children_under_5=0)
    similar = register(contact_name="Sargsyan Armen", contact_phone="+374 93 000002")
    listed = api("GET", f"/api/v1/housing/households/{similar.id}/duplicates", coordinator).get_json()
    assert listed == {"duplicates": [{"household_id": earlier.id, "reasons": [
        {"code": "similar_name", "score": 100, "label": "similar name 100 %"}]}]}

    dismissed = api("POST", f"/api/v1/housing/households/{same_phone.id}/duplicate", coordinator,
                    json={"merge": False, "other_id": earlier.id})
    assert dismissed.status_code == 200 and dismissed.get_json()["possible_duplicate_of_id"] is None
    assert db.session.scalar(db.select(DuplicateDismissal.id)) is not None
    # not shown again for that pair, from either side
    assert api("GET", f"/api/v1/housing/households/{same_phone.id}/duplicates", coordinator).get_json() == {
        "duplicates": []}
    assert [item["household_id"] for item in api("GET", f"/api/v1/housing/households/{earlier.id}/duplicates",
                                                 coordinator).get_json()["duplicates"]] == [similar.id]

    merged = api("POST", f"/api/v1/housing/households/{similar.id}/duplicate", coordinator, json={"merge": True})
    assert merged.status_code == 200
    assert db.session.get(Household, similar.id).merged_into_id == earlier.id
    assert queue.entry_for(QueueKind.HOUSING, similar.id).state is EntryState.CLOSED
    assert api("GET", f"/api/v1/housing/households/{earlier.id}/duplicates", coordinator).get_json() == {
        "duplicates": []}
    again = api("POST", f"/api/v1/housing/households/{earlier.id}/duplicate", coordinator,
                json={"merge": True, "other_id": similar.id})
    assert again.status_code == 409  # the other request is closed


def test_merge_and_dismiss_on_the_household_page(pages, client, coordinator, register):
    earlier = register(contact_name="Armen Sargsyan", contact_phone="+374 91 000001")
    later = register(contact_name="Արմեն Սարգսյան", contact_phone="099 12 34 56")
    third = register(contact_name="Armen Sargsian", contact_phone="+374 91 000001")
    pages.login(coordinator.email)
    page = client.get(f"/housing/households/{third.id}").get_data(as_text=True)
    assert "same phone" in page and "similar name 100 %" in page
    assert f"/housing/households/{earlier.id}" in page and f"/housing/households/{later.id}" in page
    pages.post(f"/housing/households/{third.id}/keep_apart?other={later.id}")
    page = client.get(f"/housing/households/{third.id}").get_data(as_text=True)
    assert f"/housing/households/{later.id}\"" not in page
    pages.post(f"/housing/households/{third.id}/merge?other={earlier.id}")
    assert households.get_household(coordinator, third.id).merged_into_id == earlier.id


def test_a_caseworker_reviews_duplicates_among_its_organizations_households_only(api, register):
    from tests.factories import OrganizationFactory, UserFactory

    caseworker, other_caseworker = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[caseworker])
    other_organization = OrganizationFactory(members=[other_caseworker])
    ours = households.register_household(caseworker, {**FAMILY, "contact_name": "Armen Sargsyan"},
                                         organization_id=organization.id)
    theirs = households.register_household(other_caseworker, {**FAMILY, "contact_name": "Sargsyan Armen"},
                                           organization_id=other_organization.id)
    ours_again = households.register_household(caseworker, {**FAMILY, "contact_name": "Армен Саргсян"},
                                               organization_id=organization.id)
    listed = api("GET", f"/api/v1/housing/households/{ours_again.id}/duplicates", caseworker).get_json()
    assert [item["household_id"] for item in listed["duplicates"]] == [ours.id]  # not the other organization's
    refused = api("POST", f"/api/v1/housing/households/{ours_again.id}/duplicate", caseworker,
                  json={"merge": True, "other_id": theirs.id})
    assert refused.status_code == 404
    merged = api("POST", f"/api/v1/housing/households/{ours_again.id}/duplicate", caseworker,
                 json={"merge": True, "other_id": ours.id})
    assert merged.status_code == 200 and db.session.get(Household, ours_again.id).merged_into_id == ours.id


def test_registering_a_phone_or_name_does_not_tell_who_else_is_registered(api, register):
    """The flag names another person's case: only someone who may review both sees it (found by an attacker probe:
    a caseworker of another organization, or a person registering themselves, learnt the other case's id)."""
    from tests.factories import OrganizationFactory, UserFactory

    registered = register(contact_name="Narine Hakobyan")  # a coordinator's registration
    other_caseworker, newcomer = UserFactory(), UserFactory()
    other_organization = OrganizationFactory(members=[other_caseworker])
    family = {**FAMILY, "languages": ["hy", "ru"], "preferred_regions": ["AM-SU"]}  # lists, as JSON has them
    by_other_organization = api("POST", "/api/v1/housing/households", other_caseworker, json={
        **family, "contact_name": "Someone Else", "organization_id": other_organization.id}).get_json()
    by_themselves = api("POST", "/api/v1/housing/households", newcomer, json={
        **family, "contact_phone": "+374 93 000000", "for_self": True}).get_json()
    for answer in (by_other_organization, by_themselves):
        assert "id" in answer, answer
        assert answer["possible_duplicate_of_id"] is None
        assert db.session.get(Household, answer["id"]).possible_duplicate_of_id == registered.id  # still flagged
    coordinator = UserFactory(roles=["coordinator"])
    seen = api("GET", f"/api/v1/housing/households/{by_themselves['id']}", coordinator).get_json()
    assert seen["possible_duplicate_of_id"] == registered.id
    own_export = api("GET", "/api/v1/me/data?format=json", newcomer).get_json()
    assert own_export["sections"]["households"]
    assert all("possible_duplicate_of_id" not in row for row in own_export["sections"]["households"])
