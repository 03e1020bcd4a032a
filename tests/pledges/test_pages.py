"""The needs and pledges pages carry out what they offer. (Which pages answer whom is in the permission
table, tests/permissions/.)"""
from decimal import Decimal

import pytest

from aidcoord.common.types import today
from aidcoord.pledges import services as pledges
from aidcoord.pledges.models import PledgeState
from tests.factories import NeedFactory, OrganizationFactory, UserFactory


@pytest.fixture
def world(app):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    need = NeedFactory(organization=organization)
    donor = UserFactory(roles=["donor"])
    pledge, _ = pledges.make_pledge(donor, {"contribution": "in_kind", "quantity": "3", "unit": "beds",
                                            "need_id": need.id})
    return {"member": member, "organization": organization, "need": need, "pledge": pledge, "donor": donor}


def test_pledge_delivery_and_rates_through_the_pages(world, pages, client):
    pages.login(world["donor"].email)
    response = pages.post(f"/pledges/new?need_id={world['need'].id}", data={
        "need_id": world["need"].id, "contribution": "in_kind", "quantity": "kg", "unit": "beds",
        "donor_organization_id": 0})
    assert response.status_code == 422 and "Enter a number" in response.get_data(as_text=True)
    response = pages.post(f"/pledges/new?need_id={world['need'].id}", data={
        "need_id": world["need"].id, "contribution": "in_kind", "quantity": "7", "unit": "beds",
        "donor_organization_id": 0})
    assert response.status_code == 302
    pledge_url = response.headers["Location"]
    pages.post("/logout")
    pages.login(world["member"].email)
    page = client.get(pledge_url).get_data(as_text=True)
    assert world["donor"].email in page  # the receiving organization sees who to call
    pages.post(pledge_url + "/deliveries", data={"delivered_on": today().isoformat(), "quantity": "4"})
    pledge_id = int(pledge_url.rsplit("/", 1)[1])
    assert pledges.get_pledge(None, pledge_id).delivered == Decimal(4)
    pages.post(pledge_url + "/deliveries", data={"delivered_on": today().isoformat(), "quantity": "9"})
    assert pledges.get_pledge(None, pledge_id).delivered == Decimal(4)
    pages.post(pledge_url + "/deliveries", data={"delivered_on": today().isoformat(), "quantity": "3"})
    assert pledges.get_pledge(None, pledge_id).state is PledgeState.DELIVERED

    rate = {"currency": "EUR", "rate": "1.1", "valid_on": "2026-01-01"}
    assert pages.post("/exchange-rates", data=rate).status_code == 403
    pages.post("/logout")
    pages.login(UserFactory(roles=["coordinator"]).email)
    assert pages.post("/exchange-rates", data={"currency": "EUR", "rate": "1.1",
                                               "valid_on": today().isoformat()}).status_code == 302
    assert "1.1" in client.get("/exchange-rates").get_data(as_text=True)


@pytest.mark.parametrize("language, words", [("ru", "доставка началась"), ("hy", "առաքումը սկսվել է"),
                                             ("en", "delivery started")])
def test_the_reason_the_system_recorded_is_read_in_the_readers_language(world, client, language, words):
    pledges.record_delivery(world["member"], world["pledge"], {"delivered_on": today(), "quantity": "1"})
    page = client.get(f"/pledges/{world['pledge'].id}", headers={"Accept-Language": language})
    assert page.status_code == 200 and words in page.get_data(as_text=True)
