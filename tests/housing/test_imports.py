"""CSV imports of housing offers and household requests: all or nothing, errors by row and column."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.housing.models import Household, HousingOffer
from aidcoord.worker.services import run_worker
from tests.conftest import Browserless
from tests.factories import OrganizationFactory, UserFactory

SOON = (today() + timedelta(days=2)).isoformat()
OFFERS = ("external_ref,region,locality,address,beds,whole_dwelling,available_from,languages,pets_accepted\n"
          f"H-1,AM-SU,Goris,1 Main St,4,no,{SOON},hy ru,yes\n"
          f"H-2,AM-VD,Yeghegnadzor,2 Main St,2,yes,{SOON},hy,no\n")
BAD_OFFERS = ("external_ref,region,locality,address,beds,whole_dwelling,available_from,languages,pets_accepted\n"
              f"H-1,AM-SU,Goris,1 Main St,4,no,{SOON},hy ru,yes\n"
              f"H-2,AM-QQ,Yeghegnadzor,,0,yes,soon,xx,no\n")
HOUSEHOLDS = ("external_ref,contact_name,contact_phone,adults,children,children_under_5,preferred_regions,"
              "consent_to_share\n"
              "R-1,Ani Petrosyan,+37491000001,2,2,1,AM-SU,yes\n"
              "R-2,Ani Petrosian,+37491000002,2,2,0,,yes\n"
              "R-3,Levon Grigoryan,+37491000003,1,0,0,AM-ER AM-KT,no\n")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def member(app):
    return UserFactory()


@pytest.fixture
def organization(member):
    return OrganizationFactory(members=[member])


def test_offers_import_keeps_references_and_starts_unverified(app, member, organization, tmp_path):
    path = tmp_path / "hosts.csv"
    path.write_text(OFFERS)
    runner = app.test_cli_runner()
    args = ["housing", "import-offers", "--organization", organization.id, "--as", member.email, str(path)]
    assert "2 rows are valid" in runner.invoke(args=args).output and count(HousingOffer) == 0
    assert runner.invoke(args=[*args, "--commit"]).exit_code == 0
    offers = db.session.scalars(select(HousingOffer).order_by(HousingOffer.id)).all()
    assert [o.external_ref for o in offers] == ["H-1", "H-2"]
    assert offers[0].languages == ["hy", "ru"] and offers[0].pets_accepted and offers[1].whole_dwelling
    assert all(o.organization_id == organization.id and o.vetting_state.value == "unverified" for o in offers)


def test_a_bad_offers_file_writes_nothing_and_names_each_problem(app, member, organization, tmp_path):
    path = tmp_path / "hosts.csv"
    path.write_text(BAD_OFFERS)
    result = app.test_cli_runner().invoke(args=["housing", "import-offers", "--organization", organization.id,
                                                "--as", member.email, "--commit", str(path)])
    assert result.exit_code != 0
    for column in ("region", "address", "beds", "available_from", "languages"):
        assert f"row 3, {column}" in result.output
    assert "row 2" not in result.output and count(HousingOffer) == 0


def test_households_import_through_the_page_queues_everyone_and_flags_duplicates(app, pages):
    coordinator = UserFactory(roles=["coordinator"])
    pages.login(coordinator.email)
    page = pages.post("/housing/import/households", data={"file": (io.BytesIO(HOUSEHOLDS.encode()), "list.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "3 rows are ready" in page and count(Household) == 0
    confirmed = pages.post("/housing/import/households/confirm", data={"csv_text": HOUSEHOLDS})
    assert confirmed.status_code == 302 and "/housing/imports/" in confirmed.headers["Location"]
    waiting = pages.client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Waiting for a worker" in waiting and 'http-equiv="refresh"' in waiting and count(Household) == 0
    assert run_worker(burst=True) == 1
    done = pages.client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "3 households were registered" in done and 'http-equiv="refresh"' not in done
    rows = {h.external_ref: h for h in db.session.scalars(select(Household))}
    assert rows["R-2"].possible_duplicate_of_id == rows["R-1"].id  # similar name, same size, same file
    assert rows["R-3"].preferred_regions == ["AM-ER", "AM-KT"] and not rows["R-3"].consent_to_share


def test_a_list_refused_by_the_worker_shows_every_problem_on_its_page_and_registers_nobody(app, pages):
    """The page checks the file before it is queued; a check that only the import makes (the daily limit, a
    right lost meanwhile) or a file changed on its way is reported on the import's page, by row and column."""
    coordinator = UserFactory(roles=["coordinator"])
    pages.login(coordinator.email)
    bad = HOUSEHOLDS + "R-9,,12,0,0,AM-QQ,yes\n"
    confirmed = pages.post("/housing/import/households/confirm", data={"csv_text": bad})
    assert confirmed.status_code == 302
    assert run_worker(burst=True) == 1
    page = pages.client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Nothing was imported" in page and "Row 5" in page and "contact_name" in page
    assert count(Household) == 0


def test_an_import_page_is_not_found_for_someone_else(app, pages):
    coordinator, caseworker = UserFactory(roles=["coordinator"]), UserFactory()
    OrganizationFactory(members=[caseworker])
    pages.login(coordinator.email)
    location = pages.post("/housing/import/households/confirm", data={"csv_text": HOUSEHOLDS}).headers["Location"]
    other = Browserless(app.test_client())
    other.login(caseworker.email)
    assert other.client.get(location).status_code == 404
    assert pages.client.get(location).status_code == 200


def test_people_who_may_not_register_households_cannot_import_them(app, pages):
    pages.login(UserFactory(roles=["host"]).email)
    response = pages.post("/housing/import/households", data={"file": (io.BytesIO(HOUSEHOLDS.encode()), "l.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 403 and count(Household) == 0


def test_exports_echo_external_references_and_never_contact_details(app, api, member, organization, tmp_path):
    import hxl

    path = tmp_path / "hosts.csv"
    path.write_text(OFFERS)
    app.test_cli_runner().invoke(args=["housing", "import-offers", "--organization", organization.id,
                                       "--as", member.email, "--commit", str(path)])
    coordinator = UserFactory(roles=["coordinator"])
    path.write_text(HOUSEHOLDS)
    app.test_cli_runner().invoke(args=["housing", "import-households", "--as", coordinator.email, "--commit",
                                       str(path)])
    offers = list(hxl.data(io.BytesIO(api("GET", "/api/v1/housing/offers/export.csv", member).data)))
    assert [row.get("#meta+ref") for row in offers] == ["H-2", "H-1"]
    queue_csv = api("GET", "/api/v1/housing/queue/export.csv", coordinator)
    rows = list(hxl.data(io.BytesIO(queue_csv.data)))
    assert [row.get("#meta+ref") for row in rows] == ["R-1", "R-2", "R-3"]  # priority order
    assert "Petrosyan" not in queue_csv.get_data(as_text=True) and "+3749" not in queue_csv.get_data(as_text=True)
    assert api("GET", "/api/v1/housing/queue/export.csv", member).status_code == 403
