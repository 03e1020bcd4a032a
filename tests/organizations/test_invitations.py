"""Membership by invitation: nobody becomes a member without accepting, inviting never tells whether an
address has an account, and answering needs the secret e-mailed to the address (registering it is not enough)."""
from aidcoord.audit.models import AuditEvent
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from aidcoord.organizations import invitations
from aidcoord.organizations.models import Invitation, InvitationState, Membership, VerificationState
from aidcoord.organizations.permissions import is_member_of
from tests.factories import OrganizationFactory, UserFactory


def invite(api, member, organization, email, **kwargs):
    return api("POST", f"/api/v1/organizations/{organization.id}/members", member, json={"email": email}, **kwargs)


def token_sent_to(email):
    """The secret of the link in the invitation e-mail queued to `email` (what only its mailbox's reader sees)."""
    link = db.session.query(OutboxMessage).filter_by(email=email, topic="organization_invitation").one().link
    assert link.startswith("/organizations/invitations/")
    return link.rsplit("/", 1)[1]


def answer(api, user, invitation_id, what, token):
    return api("POST", f"/api/v1/me/invitations/{invitation_id}/{what}", user, json={"token": token})


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
    accepted = answer(api, invited, pending[0]["id"], "accept", token_sent_to(invited.email))
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
    token = token_sent_to(invited.email)
    assert answer(api, invited, invitation.id, "decline", token).status_code == 200
    assert db.session.get(Invitation, invitation.id).state is InvitationState.DECLINED
    assert answer(api, invited, invitation.id, "accept", token).status_code == 404
    assert not is_member_of(invited, organization.id)


def test_only_the_invited_account_may_answer(app, api):
    member, invited, stranger = UserFactory(), UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[member])
    invitation = invitations.invite(member, organization, invited.email)
    token = token_sent_to(invited.email)
    assert api("GET", "/api/v1/me/invitations", stranger).get_json() == []
    for what in ("accept", "decline"):
        # Even holding the secret (a forwarded e-mail), another account cannot answer.
        assert answer(api, stranger, invitation.id, what, token).status_code == 404
        assert answer(api, member, invitation.id, what, token).status_code == 404
    assert not is_member_of(stranger, organization.id)


def test_someone_who_registers_later_finds_the_invitation_on_the_account_page(app, api, pages, client):
    member = UserFactory(name="Lilit")
    organization = OrganizationFactory(members=[member], name="Goris Kitchen")
    invitations.invite(member, organization, "later@example.org")
    newcomer = UserFactory(email="later@example.org")
    pages.login(newcomer.email)
    page = client.get("/account").get_data(as_text=True)
    # Listed, but answered only through the e-mailed link.
    assert "Goris Kitchen invites you to join." in page and "Open the link in the invitation e-mail" in page
    assert "/accept" not in page
    link = f"/organizations/invitations/{token_sent_to('later@example.org')}"
    page = client.get(link)
    assert page.status_code == 200 and "Goris Kitchen invites you to join." in page.get_data(as_text=True)
    response = pages.post(f"{link}/accept")
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


def test_registering_the_invited_address_is_not_enough_to_join(app, api, pages, client):
    """The probe's take-over: someone registers an invited address they do not read. Without the e-mailed secret
    they can see the invitation exists but neither accept nor decline it, by API or page."""
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    assert invite(api, member, organization, "newstaff@example.org").status_code == 202
    squatter = UserFactory(email="newstaff@example.org")
    invitation_id = api("GET", "/api/v1/me/invitations", squatter).get_json()[0]["id"]
    for what in ("accept", "decline"):
        assert api("POST", f"/api/v1/me/invitations/{invitation_id}/{what}", squatter).status_code == 422
        assert answer(api, squatter, invitation_id, what, "guessed").status_code == 404
        assert answer(api, squatter, invitation_id, what, "").status_code == 422
    pages.login(squatter.email)
    assert client.get("/organizations/invitations/guessed").status_code == 404
    assert pages.post("/organizations/invitations/guessed/accept").status_code == 404
    assert not is_member_of(squatter, organization.id)
    assert db.session.get(Invitation, invitation_id).state is InvitationState.PENDING


def test_the_secret_is_stored_only_as_a_hash_and_works_once(app, api):
    member, invited = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[member])
    invitation = invitations.invite(member, organization, invited.email)
    token = token_sent_to(invited.email)
    assert len(token) >= 40 and token not in (invitation.token_hash or "")
    assert answer(api, invited, invitation.id, "accept", token).status_code == 200
    assert db.session.get(Invitation, invitation.id).token_hash is None
    assert answer(api, invited, invitation.id, "decline", token).status_code == 404
    # The secret names its invitation: another invitation's id with it is not found.
    other = OrganizationFactory(members=[member])
    second = invitations.invite(member, other, invited.email)
    assert answer(api, invited, second.id + 1000, "accept", token_sent_to_second(invited.email)).status_code == 404
    assert answer(api, invited, second.id, "accept", token_sent_to_second(invited.email)).status_code == 200


def token_sent_to_second(email):
    messages = db.session.query(OutboxMessage).filter_by(email=email, topic="organization_invitation")
    return messages.order_by(OutboxMessage.id.desc()).first().link.rsplit("/", 1)[1]


def test_the_link_asks_an_anonymous_visitor_to_log_in(app, client):
    member = UserFactory()
    invitations.invite(member, OrganizationFactory(members=[member]), "someone@example.org")
    response = client.get(f"/organizations/invitations/{token_sent_to('someone@example.org')}")
    assert response.status_code == 302 and "login" in response.headers["Location"]


def test_members_of_an_organization_not_yet_verified_cannot_send_invitations(app, api):
    """An unchecked organization could otherwise e-mail its chosen name to any address (spam, phishing)."""
    member, coordinator = UserFactory(), UserFactory(roles=["coordinator"])
    organization = OrganizationFactory(members=[member], verification_state=VerificationState.PENDING)
    response = invite(api, member, organization, "target@example.org")
    assert response.status_code == 403 and "verified" in response.get_json()["error"]["message"]
    assert db.session.query(OutboxMessage).count() == 0
    assert invite(api, coordinator, organization, "target@example.org").status_code == 202


def test_an_organization_sends_at_most_the_daily_number_of_invitations(app, api, pages, client):
    app.config["INVITATIONS_PER_ORGANIZATION_PER_DAY"] = 3
    member, coordinator = UserFactory(), UserFactory(roles=["coordinator"])
    organization = OrganizationFactory(members=[member])
    for n in range(3):
        assert invite(api, member, organization, f"person{n}@example.org").status_code == 202
    refused = invite(api, member, organization, "person3@example.org")
    assert refused.status_code == 429 and "3 invitations in the last 24 hours" in refused.get_json()["error"]["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    # Asking again for an address already invited sends nothing and is not refused; staff are not limited.
    assert invite(api, member, organization, "person0@example.org").status_code == 202
    assert invite(api, coordinator, organization, "person4@example.org").status_code == 202
    pages.login(member.email)
    response = pages.post(f"/organizations/{organization.id}/members", data={"email": "person5@example.org"})
    assert response.status_code == 302
    assert "invitations in the last 24 hours" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.query(OutboxMessage).filter_by(topic="organization_invitation").count() == 4


def test_the_page_of_an_organization_not_yet_verified_offers_no_invitation_form(app, pages, client):
    member = UserFactory()
    organization = OrganizationFactory(members=[member], verification_state=VerificationState.PENDING)
    pages.login(member.email)
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "once a coordinator has verified the organization" in page
    assert f'action="/organizations/{organization.id}/members"' not in page
