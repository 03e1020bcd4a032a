""""Today" is the deployment's date (Asia/Yerevan, UTC+4), not the server's (UTC): between midnight and 04:00 in
Yerevan a UTC server still lives on the day before."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from aidcoord.common.types import today
from aidcoord.needs.models import Unit
from config import ConfigError
from tests.conftest import make_app
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

# 21:00 UTC on 10 March is 01:00 on 11 March in Yerevan.
ONE_AM_IN_YEREVAN = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)


@time_machine.travel(ONE_AM_IN_YEREVAN, tick=True)
def test_a_delivery_recorded_at_1am_in_yerevan_is_accepted_for_that_yerevan_date(api):
    assert date.today() == date(2026, 3, 10)  # noqa: DTZ011 - the server's own date (UTC): still the day before
    donor, member = UserFactory(roles=["donor"]), UserFactory()
    need = NeedFactory(organization=OrganizationFactory(members=[member]), quantity=Decimal(10), unit=Unit.BEDS)
    pledge = api("POST", "/api/v1/pledges", donor, json={"contribution": "in_kind", "quantity": "4", "unit": "beds",
                                                         "need_id": need.id}).get_json()
    deliveries = f"/api/v1/pledges/{pledge['id']}/deliveries"
    recorded = api("POST", deliveries, member, json={"delivered_on": "2026-03-11", "quantity": "3"})
    assert recorded.status_code == 201, recorded.get_json()
    tomorrow = api("POST", deliveries, member, json={"delivered_on": "2026-03-12", "quantity": "1"})
    assert tomorrow.status_code == 422 and "delivered_on" in tomorrow.get_json()["error"]["fields"]


@time_machine.travel(ONE_AM_IN_YEREVAN, tick=True)
def test_today_is_the_deployment_zones_date_inside_and_outside_the_app(app):
    assert today() == date(2026, 3, 11)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"  # a deployment in another zone (AIDCOORD_TIMEZONE=UTC)
    assert today() == date(2026, 3, 10)


@time_machine.travel(ONE_AM_IN_YEREVAN, tick=True)
def test_times_are_shown_in_the_deployments_zone(app):
    from flask_babel import format_datetime
    with app.test_request_context():
        assert format_datetime(ONE_AM_IN_YEREVAN, "HH:mm") == "01:00"


def test_aidcoord_timezone_sets_the_zone(monkeypatch, database_url):
    monkeypatch.setenv("AIDCOORD_TIMEZONE", "Europe/Kyiv")
    assert make_app(database_url).config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Kyiv"


def test_an_unknown_zone_stops_the_app_from_starting(monkeypatch, database_url):
    monkeypatch.setenv("AIDCOORD_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ConfigError, match="AIDCOORD_TIMEZONE"):
        make_app(database_url)
