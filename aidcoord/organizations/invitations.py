"""Membership by invitation: a member (or staff) invites an e-mail address; the account holding that address
accepts or declines; only then is it a member. The inviter's answer is the same whether or not the address
has an account, so the form cannot be used to find out who is registered.

Registration does not prove that a person reads the address they give, so an account with the invited address is
not enough to answer: the e-mail carries a secret single-use link, and answering needs that secret AND a signed-in
account with that address. Only the secret's hash is stored."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.accounts.models import Role, RoleGrant, User
from aidcoord.accounts.services import normalize_email
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common.permissions import is_staff
from aidcoord.common.sql import seconds_until_allowed
from aidcoord.common.types import utcnow
from aidcoord.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.notifications.services import notify_address
from aidcoord.organizations.models import Invitation, InvitationState, Membership, Organization
from aidcoord.organizations.permissions import acts_for

ENTITY = "organization"
# An invitation not answered within this time lapses: an address may change hands.
INVITATION_VALID = timedelta(days=30)


class TooManyInvitations(DomainError):
    status, code = 429, "too_many_invitations"

    def __init__(self, message, retry_after: int):
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after))}


def _check_may_send(actor: User, organization: Organization) -> None:
    """Each invitation e-mails the organization's name to any address: an unchecked organization could use us to
    send spam or phishing. So members invite only once a coordinator has verified it, and at most
    INVITATIONS_PER_ORGANIZATION_PER_DAY in any 24 hours. Staff are trusted with neither limit."""
    if is_staff(actor):
        return
    if not organization.is_verified:
        raise PermissionDenied(_l("Members can invite others once a coordinator has verified the organization."))
    limit = current_app.config["INVITATIONS_PER_ORGANIZATION_PER_DAY"]
    wait = seconds_until_allowed(Invitation.created_at, Invitation.organization_id == organization.id, limit=limit)
    if wait is not None:
        raise TooManyInvitations(_l(
            "This organization has sent %(n)d invitations in the last 24 hours, the most it may. Try again "
            "tomorrow, or ask a coordinator.", n=limit), wait)


def _digest(token: str) -> str:
    # Whatever a caller sends (even a lone surrogate) only fails to match: it never raises.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_for(token: str) -> str:
    return f"/organizations/invitations/{token}"


def _open(query):
    """Only invitations still waiting for an answer, and not lapsed."""
    lapsed_before = utcnow() - INVITATION_VALID
    return query.where(Invitation.state == InvitationState.PENDING, Invitation.created_at >= lapsed_before)


def invite(actor: User, organization: Organization, email: str) -> Invitation:
    """Invite an address to join; an e-mail is queued to it. Inviting an address already invited answers the same
    and queues nothing new. Nobody becomes a member here."""
    if not acts_for(actor, organization.id):
        raise PermissionDenied()
    email = normalize_email(email)
    # The members and their addresses are on the organization's page already: saying so reveals nothing new.
    if db.session.scalar(select(Membership.user_id).join(User, User.id == Membership.user_id).where(
            Membership.organization_id == organization.id, User.email == email)) is not None:
        message = _l("This person is already a member.")
        raise ValidationFailed(message, {"email": [message]})
    invitation = db.session.scalar(_open(select(Invitation).where(
        Invitation.organization_id == organization.id, Invitation.email == email)).limit(1))
    if invitation is not None:
        return invitation
    _check_may_send(actor, organization)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(organization_id=organization.id, email=email, invited_by_id=actor.id,
                            token_hash=_digest(token))
    db.session.add(invitation)
    db.session.flush()
    # Written the same way whether or not the address has an account: the outbox row is the same either way.
    notify_address(email, "organization_invitation",
                   _l("You are invited to join %(organization)s on aidcoord", organization=organization.name),
                   _l("%(name)s invited you to join %(organization)s on aidcoord. Open the link in this e-mail, "
                      "log in (or register with this e-mail address) and accept or decline the invitation. Do not "
                      "share the link. If you do not know them, decline it or do nothing: nothing changes unless "
                      "you accept.", name=actor.name, organization=organization.name), link_for(token))
    audit.record(actor, AuditAction.UPDATE, ENTITY, organization.id, {"invitation_sent": [None, invitation.id]})
    db.session.commit()
    return invitation


def pending_for(user: User) -> list[Invitation]:
    """Invitations waiting for this account's answer (sent to its address, not lapsed), newest first."""
    query = _open(select(Invitation).where(Invitation.email == user.email))
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def pending_of(organization: Organization) -> list[Invitation]:
    """The organization's invitations still waiting for an answer (for those who act for it)."""
    query = _open(select(Invitation).where(Invitation.organization_id == organization.id))
    return list(db.session.scalars(query.order_by(Invitation.created_at)))


def shown_pending_of(viewer: User, organization: Organization) -> list[Invitation]:
    """pending_of() for a page or the API: each invited address seen is recorded."""
    pending = pending_of(organization)
    audit.record_personal_data_views(viewer, "organization_invitation", [invitation.id for invitation in pending],
                                     ["email"], ServedBy(Purpose.MEMBERSHIP, ENTITY, organization.id),
                                     organization_id=organization.id)
    return pending


def _own_pending(user: User, token: str, invitation_id: int | None = None) -> Invitation:
    """The open invitation whose link holds `token`, if it was sent to this account's address (and, when given, has
    this id). A wrong or missing secret, someone else's, an answered or a lapsed invitation: all the same answer."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _digest(token or "")))
    if (invitation is None or not token or invitation.email != user.email
            or (invitation_id is not None and invitation.id != invitation_id)
            or invitation.state is not InvitationState.PENDING
            or invitation.created_at < utcnow() - INVITATION_VALID):
        raise NotFound(_l("No such invitation."))
    return invitation


def for_link(user: User, token: str) -> Invitation:
    """The invitation the e-mailed link opens, for the account it was sent to."""
    return _own_pending(user, token)


def _answered(invitation: Invitation, user: User, state: InvitationState) -> None:
    # Single use: the secret is forgotten once answered.
    invitation.state, invitation.answered_by_id, invitation.answered_at = state, user.id, utcnow()
    invitation.token_hash = None


def accept(user: User, token: str, invitation_id: int | None = None) -> Membership:
    """The invited account accepts, holding the e-mailed secret: from now on it is a member (and holds the
    organization-member role)."""
    invitation = _own_pending(user, token, invitation_id)
    _answered(invitation, user, InvitationState.ACCEPTED)
    membership = db.session.get(Membership, (invitation.organization_id, user.id))
    if membership is None:
        membership = Membership(organization_id=invitation.organization_id, user_id=user.id,
                                added_by_id=invitation.invited_by_id)
        db.session.add(membership)
        if Role.ORG_MEMBER not in user.roles:
            user.role_grants.append(RoleGrant(role=Role.ORG_MEMBER))
    audit.record(user, AuditAction.UPDATE, ENTITY, invitation.organization_id,
                 {"members_added": [user.id], "invitation_accepted": [None, invitation.id]})
    db.session.commit()
    return membership


def decline(user: User, token: str, invitation_id: int | None = None) -> Invitation:
    """The invited account declines (with the e-mailed secret, so nobody else can turn it down); nothing else
    changes."""
    invitation = _own_pending(user, token, invitation_id)
    _answered(invitation, user, InvitationState.DECLINED)
    audit.record(user, AuditAction.UPDATE, ENTITY, invitation.organization_id,
                 {"invitation_declined": [None, invitation.id]})
    db.session.commit()
    return invitation
