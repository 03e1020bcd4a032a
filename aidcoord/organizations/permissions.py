"""Membership and verification: the record predicates every slice builds its checks on.

With `common.permissions` (signed in, staff, owner) these are the whole vocabulary: a slice's own check
(who may manage a need, see a household, answer for a listing) is one line combining them with what
its record says (its organization, its owner), never a query of its own.
"""
from sqlalchemy import exists, select

from aidcoord.common.permissions import Person, is_staff, owns, signed_in
from aidcoord.extensions import db
from aidcoord.organizations.models import Membership, Organization, VerificationState


def is_member_of(user: Person | None, organization_id: int | None) -> bool:
    """A current member of the organization (a removed member no longer is)."""
    return (signed_in(user) and organization_id is not None
            and db.session.get(Membership, (organization_id, user.id)) is not None)


def is_verified_member(user: Person | None) -> bool:
    """A member of at least one verified organization."""
    return signed_in(user) and bool(db.session.scalar(select(exists().where(
        Membership.user_id == user.id, Membership.organization_id == Organization.id,
        Organization.verification_state == VerificationState.VERIFIED))))


def acts_for(user: Person | None, organization_id: int | None) -> bool:
    """Members act for their own organization (verified or not); coordinators and admins for any."""
    return is_staff(user) or is_member_of(user, organization_id)


def may_see(user: Person | None, organization: Organization) -> bool:
    """Verified organizations are public; the others only to those who act for them."""
    return organization.is_verified or acts_for(user, organization.id)


def is_caseworker(user: Person | None) -> bool:
    """Who registers people for others (households, job seekers): staff and verified members."""
    return is_staff(user) or is_verified_member(user)


def manages(user: Person | None, *, owner_ids: tuple[int | None, ...] = (), organization_id: int | None = None) -> bool:
    """Staff, an owner of the record, or a member of the organization the record belongs to."""
    return is_staff(user) or any(owns(user, owner_id) for owner_id in owner_ids) or is_member_of(user, organization_id)
