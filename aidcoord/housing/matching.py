"""Housing as a kind of match: households take beds in offers."""
from sqlalchemy import case, not_, select, update

from aidcoord.accounts.models import User
from aidcoord.extensions import db
from aidcoord.housing import engine
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.housing.offers import host_is_suspended
from aidcoord.matching.kinds import register
from aidcoord.matching.models import QueueKind
from aidcoord.organizations.models import Membership
from aidcoord.errors import NotFound


class HousingKind:
    def subject(self, subject_id: int) -> Household:
        return db.session.get(Household, subject_id)

    def people(self, household: Household) -> int:
        return household.size

    def offer(self, offer_id: int) -> HousingOffer:
        offer = db.session.get(HousingOffer, offer_id)
        if offer is None:
            raise NotFound()
        return offer

    def violations(self, household, offer) -> list:
        return engine.violations(household, offer)

    def reserve(self, offer_id: int, people: int) -> int | None:
        """One conditional UPDATE: enough free beds (all of them for a whole dwelling), verified,
        host not suspended. The CHECK free_beds >= 0 backs it up in the database."""
        held = case((HousingOffer.whole_dwelling.is_(True), HousingOffer.beds), else_=people)
        result = db.session.execute(
            update(HousingOffer)
            .where(HousingOffer.id == offer_id, HousingOffer.vetting_state == VettingState.VERIFIED,
                   HousingOffer.free_beds >= people,
                   (HousingOffer.whole_dwelling.is_(False)) | (HousingOffer.free_beds == HousingOffer.beds),
                   (HousingOffer.host_id.is_(None)) | not_(host_is_suspended(HousingOffer.host_id)))
            .values(free_beds=HousingOffer.free_beds - held)
            .returning(HousingOffer.beds, HousingOffer.whole_dwelling),
            execution_options={"synchronize_session": False})
        row = result.first()
        if row is None:
            return None
        return row.beds if row.whole_dwelling else people

    def release(self, offer_id: int, held: int) -> None:
        db.session.execute(update(HousingOffer).where(HousingOffer.id == offer_id)
                           .values(free_beds=HousingOffer.free_beds + held),
                           execution_options={"synchronize_session": False})

    def answerers(self, offer: HousingOffer) -> list[User]:
        if offer.host is not None:
            return [offer.host]
        members = select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == offer.organization_id)
        return list(db.session.scalars(members))

    def offer_ids_answered_by(self, user: User) -> list[int]:
        member_of = select(Membership.organization_id).where(Membership.user_id == user.id)
        query = select(HousingOffer.id).where((HousingOffer.host_id == user.id) |
                                              HousingOffer.organization_id.in_(member_of))
        return list(db.session.scalars(query))

    def subject_users(self, household: Household) -> list[User]:
        return [db.session.get(User, household.user_id)] if household.user_id else []

    def after_move_in(self, match) -> None:
        from datetime import date

        from aidcoord.housing.safeguarding import schedule_checks

        schedule_checks(match, date.today())

    def link(self, match) -> str:
        return f"/housing/matches/{match.id}"  # a path, not url_for: the CLI has no request


register(QueueKind.HOUSING, HousingKind())


def household_of(entry) -> Household:
    return db.session.get(Household, entry.subject_id)


def with_households(entries) -> list[tuple]:
    """(entry, household) pairs for a page of the queue, in one query."""
    ids = [entry.subject_id for entry in entries]
    by_id = {h.id: h for h in db.session.scalars(select(Household).where(Household.id.in_(ids)))} if ids else {}
    return [(entry, by_id[entry.subject_id]) for entry in entries]


def propose_offer(coordinator: User, entry, offer_id: int):
    """Propose with the engine's score and reasons attached, for the host and the record."""
    from aidcoord.matching import services as matches

    household = household_of(entry)
    offer = HousingKind().offer(offer_id)
    fit = engine.preference_score(household, offer)
    return matches.propose(coordinator, entry, offer_id, score=fit.score, reasons=fit.reasons)
