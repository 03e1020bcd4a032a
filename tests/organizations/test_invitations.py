"""Membership by invitation: nobody becomes a member without accepting, and inviting never tells whether an
address has an account."""
from aidcoord.audit.models import AuditEvent
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from aidcoord.organizations import invitations
from aidcoord.organizations.models import Invitation, InvitationState, Membership
from aidcoord.organizations.permissions import is_member_of
from tests.factories import OrganizationFactory, UserFactory


def invite(api, member, organization, email, **kwargs):
    return api("POST", f"/api/v1/organizations/{organization.id}/members", member, json={"email": email}, **kwargs)


def test_inviting_answers_the_same_whether_or_not_the_address_has_an_account(app, api):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    UserFactory(email="registered@example.org")
    registered = invite(api, member, organization, "Registered@Example.org")
    unknown = invite(api, member, organization, "unknown@example.org")
    assert registered.status_code == unknown.status_code == 202
    assert set(registered.get_json()) == set(unknown.get_json()) == {"email", "state"}
    assert registered.get_json()["state"] == unknown.get_json()["state"] == "pending"
    # An invitation row and one queued e-mail each, the same either way.
    rows = db.session.query(Invitation).order_by(Invitation.id).all()
    assert [row.email for row in rows] == ["registered@example.org", "unknown@example.org"]
    messages = db.session.query(OutboxMessage).filter_by(topic="organization_invitation").order_by(OutboxMessage.id)
    assert [(m.email, m.recipient_id) for m in messages] == [("registered@example.org", None),
                                                            ("unknown@example.org", None)]
    assert organization.name in messages.first().subject and messages.first().locale == "en"


def test_an_invitation_is_written_in_the_inviters_language(app, api):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    response = invite(api, member, organization, "someone@example.org", headers={"Accept-Language": "ru"})
    assert response.status_code == 202
    message = db.session.query(OutboxMessage).filter_by(email="someone@example.org").one()
    assert message.locale == "ru"


def test_the_page_answers_the_same_whether_or_not_the_address_has_an_account(app, pages, client):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    UserFactory(email="registered@example.org")
    pages.login(member.email)
    flashes = []
    for email in ("registered@example.org", "unknown@example.org"):
        response = pages.post(f"/organizations/{organization.id}/members", data={"email": email})
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        flashes.append(page.replace(email, "ADDRESS"))
    assert "An invitation was sent to ADDRESS" in flashes[0]
    assert flashes[0].count("invitation was sent") == flashes[1].count("invitation was sent") == 1


def test_nobody_becomes_a_member_without_accepting(app, api):
    member, invited = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[member])
    assert invite(api, member, organization, invited.email).status_code == 202
    assert not is_member_of(invited, organization.id)
    # The invited account is not a caseworker of the organization yet: its members list is closed to it.
    assert api("GET", f"/api/v1/organizations/{organization.id}/members", invited).status_code == 403
    pending = api("GET", "/api/v1/me/invitations", invited).get_json()
    assert [(p["organization_id"], p["organization_name"], p["state"]) for p in pending] == [
        (organization.id, organization.name, "pending")]
    accepted = api("POST", f"/api/v1/me/invitations/{pending[0]['id']}/accept", invited)
    assert accepted.status_code == 200 and accepted.get_json()["user_id"] == invited.id
    assert is_member_of(invited, organization.id)
    assert api("GET", "/api/v1/me/invitations", invited).get_json() == []
    membership = db.session.get(Membership, (organization.id, invited.id))
    assert membership.added_by_id == member.id
    event = db.session.query(AuditEvent).filter_by(entity_type="organization", actor_id=invited.id).one()
    # Which invitation is a recorded field (named on the history page in the reader's language), not English text.
    assert event.changes["members_added"] == [invited.id] and "invitation_accepted" in event.changes
    assert event.reason is None


def test_a_declined_invitation_changes_nothing_and_cannot_be_accepted_later(app, api):
    member, invited = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[member])
    invitation = invitations.invite(member, organization, invited.email)
    assert api("POST", f"/api/v1/me/invitations/{invitation.id}/decline", invited).status_code == 200
    assert db.session.get(Invitation, invitation.id).state is InvitationState.DECLINED
    assert api("POST", f"/api/v1/me/invitations/{invitation.id}/accept", invited).status_code == 404
    assert not is_member_of(invited, organization.id)


def test_only_the_invited_account_may_answer(app, api):
    member, invited, stranger = UserFactory(), UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[member])
    invitation = invitations.invite(member, organization, invited.email)
    assert api("GET", "/api/v1/me/invitations", stranger).get_json() == []
    for answer in ("accept", "decline"):
        assert api("POST", f"/api/v1/me/invitations/{invitation.id}/{answer}", stranger).status_code == 404
        assert api("POST", f"/api/v1/me/invitations/{invitation.id}/{answer}", member).status_code == 404
    assert not is_member_of(stranger, organization.id)


def test_someone_who_registers_later_finds_the_invitation_on_the_account_page(app, api, pages, client):
    member = UserFactory(name="Lilit")
    organization = OrganizationFactory(members=[member], name="Goris Kitchen")
    invitations.invite(member, organization, "later@example.org")
    newcomer = UserFactory(email="later@example.org")
    pages.login(newcomer.email)
    page = client.get("/account").get_data(as_text=True)
    assert "Goris Kitchen invites you to join." in page
    invitation = db.session.query(Invitation).one()
    response = pages.post(f"/organizations/invitations/{invitation.id}/accept")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert is_member_of(newcomer, organization.id)
    assert "invites you to join" not in client.get("/account").get_data(as_text=True)


def test_inviting_twice_sends_one_email_and_outsiders_cannot_invite(app, api):
    member, outsider = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[member])
    for _ in range(2):
        assert invite(api, member, organization, "twice@example.org").status_code == 202
    assert db.session.query(OutboxMessage).filter_by(email="twice@example.org").count() == 1
    assert invite(api, outsider, organization, "x@example.org").status_code == 403
    assert invite(api, member, organization, member.email).status_code == 422  # already a member
    assert invite(api, member, organization, "not an address").status_code == 422
