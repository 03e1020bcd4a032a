"""A shift roster shows what a shift lead needs: names, states, hours; the e-mail only while the volunteer is
signed up (to reach someone who is due), never in the CSV, which leaves aidcoord (docs/personal-data.md)."""
import io
from decimal import Decimal

import hxl

from aidcoord.extensions import db
from aidcoord.volunteers import services
from tests.factories import OrganizationFactory, UserFactory
from tests.volunteers.test_volunteers import shift_data, volunteer


def test_the_roster_shows_the_e_mail_only_while_signed_up_and_the_csv_never(api, pages, client):
    organizer = UserFactory()
    organization = OrganizationFactory(members=[organizer])
    shift = services.post_shift(organizer, organization, shift_data(slots=3))
    due, came = volunteer(), volunteer()
    services.sign_up(due, shift)
    services.mark_attendance(organizer, services.sign_up(came, shift), True, Decimal("3.5"))
    db.session.commit()

    roster = api("GET", f"/api/v1/volunteers/shifts/{shift.id}/roster", organizer).get_json()
    assert {entry["volunteer_name"]: entry["volunteer_email"] for entry in roster} == {due.name: due.email,
                                                                                       came.name: None}
    pages.login(organizer.email)
    page = client.get(f"/volunteers/shifts/{shift.id}").get_data(as_text=True)
    assert due.email in page and came.name in page and came.email not in page

    response = api("GET", f"/api/v1/volunteers/shifts/{shift.id}/roster.csv", organizer)
    text = response.get_data(as_text=True)
    assert due.email not in text and came.email not in text
    rows = list(hxl.data(io.BytesIO(response.data)))
    assert [(row.get("#contact+name"), row.get("#status"), row.get("#indicator+num+hours")) for row in rows] == [
        (due.name, "accepted", None), (came.name, "placed", "3.5")]
    assert {row.get("#activity+name") for row in rows} == {shift.task}
