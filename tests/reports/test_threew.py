"""3W: who does what where, counted from needs, pledges, housing offers and shifts; the map of 11 regions;
the HXL export libhxl reads."""
import io
import re
from datetime import timedelta

import hxl
import pytest

from aidcoord.common.types import utcnow
from aidcoord.needs.models import NeedState, Unit
from aidcoord.organizations.models import Sector, VerificationState
from aidcoord.pledges import services as pledges
from aidcoord.reports import regions_map, threew
from aidcoord.volunteers import services as volunteers
from tests.factories import HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory


@pytest.fixture
def world(app):
    member = UserFactory()
    hayordi = OrganizationFactory(name="Hayordi", members=[member])
    donor = OrganizationFactory(name="Aid Abroad", members=[member])
    NeedFactory(organization=hayordi, sector=Sector.SHELTER, region="AM-SU")
    NeedFactory(organization=hayordi, sector=Sector.SHELTER, region="AM-SU")
    food = NeedFactory(organization=hayordi, sector=Sector.FOOD_SECURITY, region="AM-ER", item="food",
                       unit=Unit.PARCELS)
    NeedFactory(organization=hayordi, sector=Sector.HEALTH, region="AM-ER", state=NeedState.CANCELLED)
    NeedFactory(organization=OrganizationFactory(verification_state=VerificationState.PENDING), region="AM-SU")
    pledges.make_pledge(member, {"contribution": "in_kind", "quantity": "10", "unit": "parcels", "item": "food",
                                 "need_id": food.id, "donor_organization_id": donor.id})
    pledges.make_pledge(UserFactory(roles=["donor"]), {"contribution": "in_kind", "quantity": "5", "unit": "parcels",
                                                       "item": "food", "need_id": food.id})  # a person: never in the 3W
    HousingOfferFactory(host=None, organization=hayordi, created_by=member, region="AM-LO", beds=6)
    HousingOfferFactory(region="AM-LO", beds=3)  # a private host
    start = utcnow() + timedelta(days=2)
    volunteers.post_shift(member, donor, {"task": "Sorting", "region": "AM-SH", "starts_at": start.isoformat(),
                                          "ends_at": (start + timedelta(hours=3)).isoformat(), "slots": 4})
    return {"member": member, "hayordi": hayordi, "donor": donor}


def as_tuples(rows):
    return {(r.organization, r.sector.value if r.sector else None, r.region, r.activity, r.count, r.capacity)
            for r in rows}


def test_each_organization_is_counted_by_sector_region_and_activity(world):
    assert as_tuples(threew.who_does_what_where()) == {
        ("Hayordi", "shelter", "AM-SU", "needs", 2, None),
        ("Hayordi", "food_security", "AM-ER", "needs", 1, None),
        ("Aid Abroad", "food_security", "AM-ER", "pledges", 1, None),
        ("Hayordi", "shelter", "AM-LO", "housing_offers", 1, 6),
        ("Aid Abroad", None, "AM-SH", "volunteer_shifts", 1, 4),
    }


def test_filters_narrow_the_rows(world, api):
    member, hayordi = world["member"], world["hayordi"]
    by_region = api("GET", "/api/v1/3w?region=AM-ER", member).get_json()
    assert {(i["organization"], i["activity"]) for i in by_region["rows"]} == {("Hayordi", "needs"),
                                                                              ("Aid Abroad", "pledges")}
    assert by_region["regions"]["AM-ER"] == {"needs": 1, "pledges": 1, "beds": 0, "shifts": 0, "organizations": 2}
    shelter = api("GET", "/api/v1/3w?sector=shelter", member).get_json()["rows"]
    assert {(i["region"], i["activity"]) for i in shelter} == {("AM-SU", "needs"), ("AM-LO", "housing_offers")}
    mine = api("GET", f"/api/v1/3w?organization_id={hayordi.id}", member).get_json()["rows"]
    assert {i["organization"] for i in mine} == {"Hayordi"}
    assert api("GET", "/api/v1/3w?sector=sheep", member).status_code == 422
    assert api("GET", "/api/v1/3w").status_code == 401


def test_the_export_is_hxl_that_libhxl_reads(world, api):
    response = api("GET", "/api/v1/3w/export.csv", world["member"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    source = hxl.data(io.BytesIO(response.data))
    assert {"#org", "#sector", "#adm1", "#activity", "#indicator"} <= {column.tag for column in source.columns}
    rows = list(source)
    yerevan = [row for row in rows if row.get("#adm1+code") == "AM-ER"]
    assert {(row.get("#org+name"), row.get("#activity"), row.get("#adm1+name")) for row in yerevan} == {
        ("Hayordi", "needs", "Yerevan"), ("Aid Abroad", "pledges", "Yerevan")}
    assert sum(int(row.get("#indicator+num+count")) for row in rows) == 6


def test_the_map_draws_eleven_regions_by_code_and_a_click_filters_the_table(world, pages):
    pages.login(world["member"].email)
    page = pages.client.get("/3w?measure=needs").get_data(as_text=True)
    codes = re.findall(r'<path id="region-(AM-[A-Z]{2})" data-iso="\1"', page)
    assert sorted(codes) == sorted(regions_map.codes()) and len(codes) == 11
    assert "© OpenStreetMap contributors" in page and "<script" not in page
    # Syunik has the most open needs (2): the darkest class; a region without any is white.
    assert re.search(r'id="region-AM-SU"[^>]*fill="#253494"', page)
    assert re.search(r'id="region-AM-VD"[^>]*fill="#ffffff"', page)
    assert re.search(r'id="region-AM-SU"[^>]*><title>[^<]+: 2 \(Open needs\)</title>', page)
    link = re.search(r'<a href="([^"]*region=AM-LO[^"]*)"', page).group(1).replace("&amp;", "&")
    filtered = pages.client.get(link).get_data(as_text=True)
    table = filtered[filtered.index('id="threew-table"'):]
    assert re.findall(r'<tr data-region="([^"]+)"', table) == ["AM-LO"]


def test_the_projected_outline_is_computed_once():
    assert regions_map.outline() is regions_map.outline()
    assert regions_map.outline().width == regions_map.WIDTH
