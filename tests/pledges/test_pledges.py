"""Pledges: the rules for what may be pledged, the lifecycle to delivery, and coverage."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.needs.models import Unit
from aidcoord.pledges.models import Delivery, Pledge
from tests.conftest import PINNED_TODAY, pinned_clock
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

# Deliveries may not be dated in the future, and rates are valid from a date: every test runs on one known day.
pytestmark = pinned_clock
TODAY = PINNED_TODAY.isoformat()


@pytest.fixture
def donor():
    return UserFactory(roles=["donor"])


@pytest.fixture
def ngo_member():
    return UserFactory()


@pytest.fixture
def ngo(ngo_member):
    return OrganizationFactory(members=[ngo_member])


@pytest.fixture
def beds_need(ngo):
    return NeedFactory(organization=ngo, quantity=Decimal(100), unit=Unit.BEDS)


@pytest.fixture
def cash_need(ngo):
    return NeedFactory(organization=ngo, quantity=None, unit=None, amount_minor=1_000_000_00, currency="AMD",
                       item="rent support")


def pledge_beds(api, donor, need, quantity="40", **extra):
    return api("POST", "/api/v1/pledges", donor, json={"contribution": "in_kind", "quantity": quantity, "unit": "beds",
                                                         "need_id": need.id, **extra})


def test_in_kind_pledge_must_use_the_needs_unit(api, donor, beds_need):
    response = api("POST", "/api/v1/pledges", donor, json={"contribution": "in_kind", "quantity": "3", "unit": "kg",
                                                           "need_id": beds_need.id})
    assert response.status_code == 422
    assert "counted in beds" in response.get_json()["error"]["fields"]["unit"][0]
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 0


@pytest.mark.parametrize("body, field", [
    ({"contribution": "money", "amount": "0", "currency": "EUR"}, "amount"),
    ({"contribution": "money", "amount": "-5", "currency": "EUR"}, "amount"),
    ({"contribution": "money", "amount": "5", "currency": "EURO"}, "currency"),
    ({"contribution": "money", "amount": "5", "currency": "QQQ"}, "currency"),
    ({"contribution": "money", "currency": "EUR"}, "amount"),
    ({"contribution": "money", "amount": "5.555", "currency": "USD"}, "amount"),
    ({"contribution": "in_kind", "quantity": "0", "unit": "kg"}, "quantity"),
    ({"contribution": "in_kind", "quantity": "5"}, "unit"),
    ({"contribution": "in_kind", "quantity": "5", "unit": "kg", "amount": "3", "currency": "EUR"}, "amount"),
    ({"contribution": "barter"}, "contribution"),
    ({"contribution": "money", "amount": "5", "currency": "EUR", "note": "x" * 6000}, "note"),
    ({"contribution": "money", "amount": "5", "currency": "EUR", "recipient_organization_id": 999999},
     "recipient_organization_id"),
    ({"contribution": "money", "amount": "5", "currency": "EUR", "need_id": 999999}, "need_id"),
])
def test_bad_pledges_are_refused_by_field_and_write_nothing(api, donor, body, field):
    response = api("POST", "/api/v1/pledges", donor, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 0


def test_money_against_cash_need_counts_through_the_named_exchange_rate(api, donor, cash_need):
    coordinator = UserFactory(roles=["coordinator"])
    api("POST", "/api/v1/exchange-rates", coordinator, json={"currency": "AMD", "rate": "0.0025", "valid_on": TODAY})
    api("POST", "/api/v1/exchange-rates", coordinator, json={"currency": "EUR", "rate": "1.08", "valid_on": TODAY})
    response = api("POST", "/api/v1/pledges", donor, json={"contribution": "money", "amount": "1000", "currency": "EUR",
                                                           "need_id": cash_need.id})
    assert response.status_code == 201
    coverage = api("GET", f"/api/v1/needs/{cash_need.id}").get_json()["coverage"]
    # 1000 EUR * 1.08 / 0.0025 = 432,000 AMD of 1,000,000
    assert coverage["pledged"] == "432000.00" and coverage["percent_pledged"] == "43"
    assert {r["currency"] for r in coverage["rates_used"]} == {"EUR", "AMD"}
    assert api("GET", f"/api/v1/needs/{cash_need.id}").get_json()["state"] == "partially_covered"


def test_money_without_a_rate_is_shown_as_unconverted_not_guessed(api, donor, cash_need):
    api("POST", "/api/v1/pledges", donor, json={"contribution": "money", "amount": "10", "currency": "CAD",
                                                 "need_id": cash_need.id})
    coverage = api("GET", f"/api/v1/needs/{cash_need.id}").get_json()["coverage"]
    assert coverage["pledged"] == "0" and coverage["unconverted"] == ["CAD"]


def test_money_against_an_in_kind_need_is_refused_with_a_clear_message(api, donor, beds_need):
    response = api("POST", "/api/v1/pledges", donor, json={"contribution": "money", "amount": "10", "currency": "EUR",
                                                           "need_id": beds_need.id})
    assert response.status_code == 422 and "not money" in response.get_json()["error"]["fields"]["contribution"][0]


def test_lifecycle_from_pledge_to_delivery_with_partial_deliveries(api, donor, ngo_member, beds_need):
    pledge_id = pledge_beds(api, donor, beds_need, "40").get_json()["id"]
    assert api("GET", f"/api/v1/needs/{beds_need.id}").get_json()["state"] == "partially_covered"
    assert api("POST", f"/api/v1/pledges/{pledge_id}/commit", donor).get_json()["state"] == "committed"
    deliveries = f"/api/v1/pledges/{pledge_id}/deliveries"
    first = api("POST", deliveries, ngo_member, json={"delivered_on": TODAY, "quantity": "15"})
    assert first.status_code == 201
    pledge = api("GET", f"/api/v1/pledges/{pledge_id}").get_json()
    assert (pledge["state"], pledge["delivered"], pledge["remaining"]) == ("committed", "15", "25")
    over = api("POST", deliveries, ngo_member, json={"delivered_on": TODAY, "quantity": "26"})
    assert over.status_code == 409 and "remains" in over.get_json()["error"]["message"]
    api("POST", f"/api/v1/pledges/{pledge_id}/deliveries", ngo_member, json={"delivered_on": TODAY, "quantity": "25"})
    pledge = api("GET", f"/api/v1/pledges/{pledge_id}").get_json()
    assert pledge["state"] == "delivered"
    assert [(t["from_state"], t["to_state"]) for t in pledge["transitions"]] == [
        (None, "pledged"), ("pledged", "committed"), ("committed", "delivered")]
    assert all(t["actor_id"] is None for t in pledge["transitions"])  # anonymous: who acted is not shown
    own = api("GET", f"/api/v1/pledges/{pledge_id}", donor).get_json()
    assert all(t["actor_id"] for t in own["transitions"])
    coverage = api("GET", f"/api/v1/needs/{beds_need.id}").get_json()["coverage"]
    figures = (coverage["requested"], coverage["pledged"], coverage["committed"], coverage["delivered"])
    assert figures == ("100", "40", "40", "40")


def test_the_delivered_counter_always_equals_the_deliveries(api, donor, ngo_member, beds_need):
    pledge_id = pledge_beds(api, donor, beds_need, "10").get_json()["id"]
    for quantity in ("2.5", "3", "4.5", "1"):
        api("POST", f"/api/v1/pledges/{pledge_id}/deliveries", ngo_member,
            json={"delivered_on": TODAY, "quantity": quantity})
    pledge = db.session.get(Pledge, pledge_id)
    assert pledge.delivered == sum(d.quantity for d in db.session.scalars(select(Delivery))) == Decimal(10)


def test_over_pledging_is_allowed_and_shown(api, donor, beds_need):
    pledge_beds(api, donor, beds_need, "80")
    pledge_beds(api, UserFactory(roles=["donor"]), beds_need, "50")
    need = api("GET", f"/api/v1/needs/{beds_need.id}").get_json()
    assert need["state"] == "covered" and need["coverage"]["over_pledged"] is True
    assert need["coverage"]["percent_pledged"] == "130"


@pytest.mark.parametrize("body, field", [
    ({"delivered_on": (PINNED_TODAY + timedelta(days=1)).isoformat(), "quantity": "1"}, "delivered_on"),
    ({"delivered_on": TODAY, "quantity": "0"}, "quantity"),
    ({"delivered_on": TODAY}, "quantity"),
])
def test_bad_deliveries_are_refused(api, donor, ngo_member, beds_need, body, field):
    pledge_id = pledge_beds(api, donor, beds_need).get_json()["id"]
    response = api("POST", f"/api/v1/pledges/{pledge_id}/deliveries", ngo_member, json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_cancelling_needs_a_reason_and_frees_the_coverage(api, donor, beds_need):
    pledge_id = pledge_beds(api, donor, beds_need).get_json()["id"]
    assert api("POST", f"/api/v1/pledges/{pledge_id}/cancel", donor, json={"reason": ""}).status_code == 422
    response = api("POST", f"/api/v1/pledges/{pledge_id}/cancel", donor, json={"reason": "Truck unavailable"})
    assert response.get_json()["state"] == "cancelled"
    assert api("GET", f"/api/v1/needs/{beds_need.id}").get_json()["state"] == "open"
    assert response.get_json()["transitions"][-1]["reason"] == "Truck unavailable"


def test_the_same_idempotency_key_records_the_pledge_once(api, client, donor, beds_need):
    from aidcoord.accounts.services import create_api_token

    _token, plain = create_api_token(donor, "flaky phone")
    headers = {"Authorization": f"Bearer {plain}", "Idempotency-Key": "pledge-7f3a"}
    body = {"contribution": "in_kind", "quantity": "5", "unit": "beds", "need_id": beds_need.id}
    first = client.post("/api/v1/pledges", json=body, headers=headers)
    second = client.post("/api/v1/pledges", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1


def test_pledging_on_behalf_of_an_organization_needs_membership(api, beds_need):
    government_official = UserFactory()
    government = OrganizationFactory(name="Ministry", kind="government", members=[government_official])
    body = {"contribution": "money", "amount": "1000000", "currency": "EUR", "donor_organization_id": government.id}
    assert api("POST", "/api/v1/pledges", government_official, json=body).get_json()["donor"] == "Ministry"
    outsider = UserFactory(roles=["donor"])
    response = api("POST", "/api/v1/pledges", outsider, json=body)
    assert response.status_code == 422 and "donor_organization_id" in response.get_json()["error"]["fields"]


def test_the_list_names_each_donor_and_receiving_organization_as_the_pledge_does(api, client, beds_need, cash_need,
                                                                                 ngo, donor):
    """The API's list reads the donor's name and the receiving organization's id as columns of the pledge's row,
    not from the records: they must say what the pledge's own properties say, for every kind of donor and target."""
    official = UserFactory()
    ministry = OrganizationFactory(name="Ministry", kind="government", members=[official])
    shelter = OrganizationFactory(name="Shelter")
    made = [api("POST", "/api/v1/pledges", user, json=body).get_json()["id"] for user, body in [
        (donor, {"contribution": "in_kind", "quantity": "5", "unit": "beds", "need_id": beds_need.id}),
        (official, {"contribution": "money", "amount": "10", "currency": "EUR", "donor_organization_id": ministry.id,
                    "recipient_organization_id": shelter.id}),
        (official, {"contribution": "money", "amount": "20", "currency": "EUR", "donor_organization_id": ministry.id,
                    "need_id": cash_need.id}),
        (donor, {"contribution": "money", "amount": "30", "currency": "EUR"}),  # to the response as a whole
    ]]
    expected = {pledge.id: (pledge.donor_name, pledge.receiving_organization_id)
                for pledge in db.session.scalars(select(Pledge).where(Pledge.id.in_(made)))}
    assert expected == {made[0]: ("Private donor", ngo.id), made[1]: ("Ministry", shelter.id),
                        made[2]: ("Ministry", ngo.id), made[3]: ("Private donor", None)}
    coordinator = UserFactory(roles=["coordinator"])

    def listed(url):
        items = api("GET", url, coordinator).get_json()["items"]
        return {item["id"]: (item["donor"], item["recipient_organization_id"]) for item in items}

    assert listed("/api/v1/pledges") == expected
    assert listed(f"/api/v1/pledges?organization_id={ngo.id}") == {made[0]: expected[made[0]],
                                                                   made[2]: expected[made[2]]}
    assert listed("/api/v1/pledges?page_size=1&page=2") == {made[2]: expected[made[2]]}  # newest first
    page = client.get("/pledges").get_data(as_text=True)
    assert page.count("Private donor") == 2 and page.count("Ministry") == 2 and "→ Shelter" in page


def test_a_user_without_donor_role_cannot_pledge_personally(api, beds_need):
    assert pledge_beds(api, UserFactory(roles=["host"]), beds_need).status_code == 403


def test_rates_are_kept_by_coordinators_only_and_validated(api):
    body = {"currency": "EUR", "rate": "1.08", "valid_on": TODAY}
    assert api("POST", "/api/v1/exchange-rates", UserFactory(roles=["donor"]), json=body).status_code == 403
    coordinator = UserFactory(roles=["coordinator"])
    assert api("POST", "/api/v1/exchange-rates", coordinator, json=body).status_code == 201
    assert api("POST", "/api/v1/exchange-rates", coordinator, json=body).status_code == 422  # same day twice
    assert api("POST", "/api/v1/exchange-rates", coordinator, json={**body, "currency": "USD"}).status_code == 422
    assert api("POST", "/api/v1/exchange-rates", coordinator, json={**body, "rate": "-1"}).status_code == 422
    assert api("GET", "/api/v1/exchange-rates").get_json()[0]["rate"] == "1.08"


def test_seeded_2023_money_totals_are_exact_per_currency(app, api):
    app.test_cli_runner().invoke(args=["seed-demo"])
    totals = api("GET", "/api/v1/pledges/totals").get_json()
    assert {currency: amounts["pledged"] for currency, amounts in totals["money"].items()} == {
        "EUR": "33500000.00", "USD": "15550000.00", "CAD": "2500000.00"}
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 25
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 25


def test_converted_total_names_its_rates(app, api):
    app.test_cli_runner().invoke(args=["seed-demo"])
    coordinator = UserFactory(roles=["coordinator"])
    for currency, rate in (("EUR", "1.06"), ("CAD", "0.74")):
        api("POST", "/api/v1/exchange-rates", coordinator, json={"currency": currency, "rate": rate, "valid_on": TODAY})
    totals = api("GET", "/api/v1/pledges/totals").get_json()
    # 33.5M * 1.06 + 15.55M + 2.5M * 0.74 = 35,510,000 + 15,550,000 + 1,850,000
    assert totals["converted"]["pledged"] == "52910000.00" and totals["unconverted"] == []
    assert {r["currency"] for r in totals["rates_used"]} == {"EUR", "CAD"}


def test_money_round_trips_exactly_through_the_database(app):
    from aidcoord.common.money import from_minor_units, to_minor_units

    for amount, currency in (("0.01", "EUR"), ("12345678901.23", "USD"), ("1500", "JPY"), ("0.001", "KWD"),
                             ("999999999999.99", "EUR")):
        need = NeedFactory(quantity=None, unit=None, amount_minor=to_minor_units(Decimal(amount), currency),
                           currency=currency)
        db.session.expire_all()
        assert db.session.get(type(need), need.id).amount == Decimal(amount)
        assert from_minor_units(to_minor_units(Decimal(amount), currency), currency) == Decimal(amount)
