"""The offers list carries no host's home address or notes: only the offer's own page does, for those allowed."""
from tests.factories import HousingOfferFactory, UserFactory


def test_the_offers_list_leaves_out_address_and_notes(app, api):
    host = UserFactory(roles=["host"])
    offer = HousingOfferFactory(host=host, created_by=host, address="7 Hidden Lane, Goris", notes="Dog at home")
    coordinator = UserFactory(roles=["coordinator"])
    for viewer in (coordinator, host):
        listed = api("GET", "/api/v1/housing/offers", viewer).get_json()["items"]
        assert [item["id"] for item in listed] == [offer.id]
        assert "address" not in listed[0] and "notes" not in listed[0]
        assert "7 Hidden Lane" not in str(listed) and "Dog at home" not in str(listed)
    detail = api("GET", f"/api/v1/housing/offers/{offer.id}", host).get_json()
    assert detail["address"] == "7 Hidden Lane, Goris" and detail["notes"] == "Dog at home"


def test_the_openapi_document_lists_offers_without_address_and_notes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    page = spec["paths"]["/api/v1/housing/offers"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = page["$ref"].rsplit("/", 1)[-1]
    item = spec["components"]["schemas"][name]["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]
    properties = spec["components"]["schemas"][item]["properties"]
    assert "region" in properties and "address" not in properties and "notes" not in properties
