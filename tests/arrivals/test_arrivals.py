"""Reported arrivals: recorded by coordinators, imported from the shared CSV, read per day."""
from datetime import date

import pytest

from aidcoord.arrivals import imports, services
from aidcoord.errors import PermissionDenied, ValidationFailed
from aidcoord.seed import DEMO_DATA
from tests.conftest import pinned_clock
from tests.factories import UserFactory

pytestmark = pinned_clock
CSV = (DEMO_DATA / "arrivals-2023.csv").read_text(encoding="utf-8")


def test_the_2023_file_imports_and_reaches_100520_on_2_october(app):
    coordinator = UserFactory(roles=["coordinator"])
    created = imports.import_arrivals(coordinator, CSV)
    assert len(created) == 24
    days = services.daily_series()
    assert days[0].day == date(2023, 9, 24) and days[0].arrived == 377
    assert (days[-1].day, days[-1].cumulative) == (date(2023, 10, 2), 100_520)
    assert sum(day.arrived for day in days) == 100_520
    assert services.total_as_of(date(2023, 9, 28)) == 76_407
    # a day's arrivals are the difference from the day before, whichever order its counts came in
    assert {day.day: day.arrived for day in days}[date(2023, 9, 26)] == 28_120 - 6_650


def test_a_period_counts_its_first_day_from_the_day_before(app):
    imports.import_arrivals(UserFactory(roles=["coordinator"]), CSV)
    days = services.daily_series(date(2023, 9, 27), date(2023, 9, 27))
    assert [(day.cumulative, day.arrived) for day in days] == [(53_629, 53_629 - 28_120)]


def test_loading_the_file_again_adds_nothing_and_importing_it_again_is_refused(app):
    coordinator = UserFactory(roles=["coordinator"])
    imports.import_arrivals(coordinator, CSV)
    assert imports.import_arrivals(coordinator, CSV, skip_recorded=True) == []
    with pytest.raises(imports.ImportRejected) as refused:
        imports.import_arrivals(coordinator, CSV)
    assert refused.value.preview.error_count == 24


def test_only_coordinators_record_arrivals(app):
    with pytest.raises(PermissionDenied):
        services.record_report(UserFactory(), {"reported_at": "2023-09-25", "cumulative_arrivals": 1,
                                               "source": "x"})


@pytest.mark.parametrize("data, field", [
    ({"reported_at": "2023-09-25T25:00", "cumulative_arrivals": 5, "source": "x"}, "reported_at"),
    ({"reported_at": "2999-01-01", "cumulative_arrivals": 5, "source": "x"}, "reported_at"),
    ({"reported_at": "2023-09-25", "cumulative_arrivals": -1, "source": "x"}, "cumulative_arrivals"),
    ({"reported_at": "2023-09-25", "cumulative_arrivals": 5, "source": ""}, "source"),
])
def test_invalid_reports_are_refused_by_field(app, data, field):
    with pytest.raises(ValidationFailed) as refused:
        services.record_report(UserFactory(roles=["coordinator"]), data)
    assert field in refused.value.fields


def test_the_api_records_and_lists_arrivals(app, api):
    coordinator = UserFactory(roles=["coordinator"])
    response = api("POST", "/api/v1/arrivals", coordinator, json={
        "reported_at": "2023-09-28T08:00", "cumulative_arrivals": 65036, "source": "https://armenpress.am/"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reported_at"] == "2023-09-28T08:00"
    assert api("GET", "/api/v1/arrivals").get_json()[0]["cumulative_arrivals"] == 65036
    imported = api("POST", "/api/v1/arrivals/import", coordinator, data=CSV.encode(),
                   headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200 and len(imported.get_json()["created"]) == 24


def test_the_page_shows_the_days_and_the_form_to_coordinators(app, pages):
    coordinator = UserFactory(roles=["coordinator"])
    imports.import_arrivals(coordinator, CSV)
    pages.login(coordinator.email)
    page = pages.client.get("/arrivals").get_data(as_text=True)
    assert "100,520" in page and 'name="cumulative_arrivals"' in page
    response = pages.post("/arrivals", {"reported_at": "2023-10-03", "cumulative_arrivals": "100600",
                                        "source": "UNHCR"})
    assert response.status_code == 302
    assert services.total_as_of() == 100_600
