"""factory_boy factories for the models; rows are committed, as services would leave them."""
from datetime import timedelta
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from aidcoord.accounts.models import Role, RoleGrant, User
from aidcoord.accounts.passwords import hash_password
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.housing.models import HousingOffer, VettingState
from aidcoord.needs.models import Need, NeedState, Unit, Urgency
from aidcoord.organizations.models import (
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRegion,
    OrganizationSector,
    Sector,
    VerificationState,
)

PASSWORD = "correct horse battery"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))

    @factory.post_generation
    def roles(user, create, roles, **kwargs):
        user.role_grants = [RoleGrant(role=Role(role)) for role in (roles or [])]
        db.session.commit()


class OrganizationFactory(BaseFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Relief Group {n}")
    name_key = factory.LazyAttribute(lambda org: org.name.casefold())
    kind = OrganizationKind.NGO
    country = "AM"
    description = "Helps people who arrive."
    verification_state = VerificationState.VERIFIED

    @factory.post_generation
    def sectors(org, create, sectors, **kwargs):
        org.sector_rows = [OrganizationSector(sector=Sector(s)) for s in (sectors or ["shelter"])]
        db.session.commit()

    @factory.post_generation
    def regions(org, create, regions, **kwargs):
        org.region_rows = [OrganizationRegion(code=code) for code in (regions or [])]
        db.session.commit()

    @factory.post_generation
    def members(org, create, members, **kwargs):
        for user in members or []:
            org.memberships.append(Membership(user=user))
            if Role.ORG_MEMBER not in user.roles:
                user.role_grants.append(RoleGrant(role=Role.ORG_MEMBER))
        db.session.commit()


class NeedFactory(BaseFactory):
    class Meta:
        model = Need

    organization = factory.SubFactory(OrganizationFactory)
    sector = Sector.SHELTER
    item = "beds"
    quantity = Decimal("100")
    unit = Unit.BEDS
    region = "AM-SU"
    locality = "Goris"
    urgency = Urgency.HIGH
    needed_by = factory.LazyFunction(lambda: today() + timedelta(days=7))
    state = NeedState.OPEN
    created_by = factory.SubFactory(UserFactory)


class HousingOfferFactory(BaseFactory):
    class Meta:
        model = HousingOffer

    host = factory.SubFactory(UserFactory, roles=["host"])
    region = "AM-SU"
    locality = "Goris"
    address = factory.Sequence(lambda n: f"{n} Mesrop Mashtots St, Goris")
    beds = 4
    free_beds = factory.LazyAttribute(lambda offer: offer.beds)
    rooms = 2
    available_from = factory.LazyFunction(today)
    vetting_state = VettingState.VERIFIED
    languages = factory.LazyFunction(lambda: ["hy", "ru"])
    created_by = factory.SelfAttribute("host")
