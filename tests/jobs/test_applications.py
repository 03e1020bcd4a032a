"""Seekers, the jobs queue, referrals, applications and hires: the lifecycle, places in the queue,
positions that never go negative, and who sees a seeker's contact."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.common.types import today
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.jobs import applications, engine, listings, seekers
from aidcoord.jobs.models import JobListing, ListingState
from aidcoord.matching import queue
from aidcoord.matching.models import EntryState, Match, MatchState, QueueKind
from aidcoord.matching.services import CapacityExceeded
from aidcoord.notifications.models import OutboxMessage
from tests.factories import OrganizationFactory, UserFactory
from tests.jobs.conftest import listing_data, seeker_data


def contact_views(seeker) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.VIEW_PERSONAL_DATA, AuditEvent.entity_type == "job_seeker",
        AuditEvent.entity_id == seeker.id)).all()


def hires(listing) -> int:
    return db.session.scalar(select(func.count()).select_from(Match).where(
        Match.kind == QueueKind.JOBS, Match.offer_id == listing.id, Match.state == MatchState.PLACED))


def test_seeker_profiles_check_their_fields(seeker_user):
    with pytest.raises(ValidationFailed) as refused:
        seekers.save_own_profile(seeker_user, seeker_data(contact_phone="12", languages="hy:Z9", regions="nowhere",
                                                          available_from="tomorrow"))
    assert set(refused.value.fields) >= {"contact_phone", "languages", "regions", "available_from"}
    with pytest.raises(ValidationFailed) as refused:
        seekers.save_own_profile(seeker_user, seeker_data(contact_phone="", contact_email=""))
    assert "contact_phone" in refused.value.fields


def test_only_coordinators_and_caseworkers_register_other_people(app):
    with pytest.raises(PermissionDenied):
        seekers.register_for_other(UserFactory(roles=["employer"]), seeker_data())
    caseworker = UserFactory()
    OrganizationFactory(members=[caseworker])
    seeker = seekers.register_for_other(caseworker, seeker_data())
    assert seeker.user_id is None and seekers.can_manage(caseworker, seeker)
    assert not seekers.can_manage(UserFactory(), seeker)


def test_a_seeker_applies_and_the_employer_sees_the_contact_with_the_view_recorded(published, seeker, employer):
    match = applications.apply(seeker.user, seeker, published)
    assert match.state is MatchState.PROPOSED and match.entry_id is None and match.consented_at is not None
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == employer.id))
    assert message.topic == "application"
    view = applications.application_view(employer, match)
    assert view["contact"]["phone"] == "+37491123456"
    assert [event.actor_id for event in contact_views(seeker)] == [employer.id]
    with pytest.raises(Conflict):
        applications.apply(seeker.user, seeker, published)  # one application per listing at a time
    with pytest.raises(NotFound):
        applications.application_view(UserFactory(roles=["employer"]), match)


def test_an_employer_hires_through_interview_and_open_positions_are_derived(published, seeker, employer, coordinator):
    other = seekers.save_own_profile(UserFactory(), seeker_data(contact_name="Davit"))
    first = applications.apply(seeker.user, seeker, published)
    second = applications.apply(other.user, other, published)
    with pytest.raises(Conflict):
        applications.hire(employer, first)  # interview first
    with pytest.raises(NotFound):
        applications.invite_to_interview(UserFactory(roles=["employer"]), first)
    with pytest.raises(PermissionDenied):
        applications.invite_to_interview(seeker.user, first)
    applications.invite_to_interview(employer, first)
    applications.hire(employer, first)
    db.session.refresh(published)
    assert published.open_positions == published.positions - hires(published) == 1
    assert published.state is ListingState.PUBLISHED
    applications.invite_to_interview(employer, second)
    applications.hire(employer, second)
    db.session.refresh(published)
    assert published.open_positions == 0 and hires(published) == 2
    assert published.state is ListingState.CLOSED and published.review_note == "all positions filled"
    assert [step.state for step in first.steps] == [MatchState.PROPOSED, MatchState.ACCEPTED, MatchState.PLACED]


def test_the_last_hire_closes_the_listing_and_ends_the_other_applications(employer, coordinator, seeker):
    listing = listings.publish(coordinator, listings.post_listing(employer, listing_data(positions=1)))
    waiting = seekers.save_own_profile(UserFactory(), seeker_data(contact_name="Narek"))
    hired = applications.apply(seeker.user, seeker, listing)
    other = applications.apply(waiting.user, waiting, listing)
    applications.invite_to_interview(employer, hired)
    applications.hire(employer, hired)
    db.session.refresh(other)
    assert other.state is MatchState.DECLINED and other.decline_reason == "all positions filled"
    extra = seekers.save_own_profile(UserFactory(), seeker_data(contact_name="Lilit"))
    with pytest.raises(ValidationFailed):
        applications.apply(extra.user, extra, listing)


def test_hiring_with_no_position_left_is_refused_by_the_database_guard(published, seeker, employer):
    match = applications.apply(seeker.user, seeker, published)
    applications.invite_to_interview(employer, match)
    db.session.execute(JobListing.__table__.update().where(JobListing.id == published.id).values(open_positions=0))
    db.session.commit()
    with pytest.raises(CapacityExceeded):
        applications.hire(employer, match)
    db.session.refresh(match)
    assert match.state is MatchState.ACCEPTED


@pytest.fixture
def waiting_seekers(coordinator):
    """Three seekers registered by a caseworker, asking for help in this order; the second is linked
    to a household with small children, so it comes first."""
    from aidcoord.housing import households

    caseworker = UserFactory()
    OrganizationFactory(members=[caseworker])
    household = households.register_household(caseworker, {
        "contact_name": "Mariam", "contact_phone": "+37499111222", "adults": 1, "children": 2, "children_under_5": 1,
        "single_caregiver": True, "consent_to_share": True})
    made = []
    for name, household_id in (("Aram", None), ("Mariam", household.id), ("Gor", None)):
        seeker = seekers.register_for_other(caseworker, seeker_data(contact_name=name, household_id=household_id))
        seekers.ask_for_help(caseworker, seeker)
        made.append(seeker)
    return caseworker, made


def test_the_jobs_queue_puts_the_most_vulnerable_first_then_the_longest_waiting(waiting_seekers, coordinator):
    _caseworker, (aram, mariam, gor) = waiting_seekers
    order = [entry.subject_id for entry in queue.browse(coordinator, QueueKind.JOBS).items]
    assert order == [mariam.id, aram.id, gor.id]
    assert seekers.priority(mariam)[0] > 0
    taken = queue.take_next(coordinator, QueueKind.JOBS)
    assert taken.subject_id == mariam.id
    assert queue.take_next(UserFactory(roles=["coordinator"]), QueueKind.JOBS).subject_id == aram.id


def test_a_referral_needs_the_lease_and_a_fitting_listing(waiting_seekers, coordinator, published, employer):
    _caseworker, (aram, *_rest) = waiting_seekers
    entry = seekers.queue_entry(aram)
    with pytest.raises(Conflict):
        applications.refer(coordinator, entry, published.id)  # not leased
    queue.lease(coordinator, entry)
    far = listings.publish(coordinator, listings.post_listing(employer, listing_data(region="AM-SU")))
    with pytest.raises(ValidationFailed) as refused:
        applications.refer(coordinator, entry, far.id)
    assert "outside the seeker's regions" in str(refused.value.fields["listing_id"])
    assert [candidate.listing.id for candidate in engine.candidates(aram)] == [published.id]


def test_a_referred_seeker_shares_contact_only_after_consenting(waiting_seekers, coordinator, published, employer):
    caseworker, (aram, *_rest) = waiting_seekers
    entry = seekers.queue_entry(aram)
    queue.lease(coordinator, entry)
    match = applications.refer(coordinator, entry, published.id)
    assert match.state is MatchState.PROPOSED and entry.state is EntryState.PROPOSED
    view = applications.application_view(employer, match)
    assert view["contact"] is None and view["seeker"].profession == "warehouse worker"
    assert contact_views(aram) == []
    with pytest.raises(NotFound):
        applications.consent(employer, match)
    applications.consent(caseworker, match)  # the caseworker records the seeker's agreement
    assert applications.application_view(employer, match)["contact"]["name"] == "Aram"
    assert [event.actor_id for event in contact_views(aram)] == [employer.id]


def test_a_rejected_referral_returns_the_seeker_to_the_original_place(waiting_seekers, coordinator, published,
                                                                      employer):
    _caseworker, (_aram, mariam, _gor) = waiting_seekers
    entry = queue.take_next(coordinator, QueueKind.JOBS)  # Mariam, first
    joined = entry.joined_at
    match = applications.refer(coordinator, entry, published.id)
    with pytest.raises(ValidationFailed):
        applications.reject(employer, match, "")
    applications.reject(employer, match, "Needs a forklift licence")
    assert entry.state is EntryState.WAITING and entry.joined_at == joined
    assert queue.browse(coordinator, QueueKind.JOBS).items[0].subject_id == mariam.id


def test_a_seeker_withdraws_and_a_hire_takes_them_out_of_the_queue(waiting_seekers, coordinator, published, employer):
    caseworker, (_aram, mariam, _gor) = waiting_seekers
    entry = queue.take_next(coordinator, QueueKind.JOBS)
    match = applications.refer(coordinator, entry, published.id)
    with pytest.raises(NotFound):
        applications.withdraw(employer, match)
    applications.withdraw(caseworker, match, "moved to Gyumri")
    assert match.state is MatchState.WITHDRAWN and entry.state is EntryState.WAITING
    queue.lease(coordinator, entry)
    again = applications.refer(coordinator, entry, published.id)
    applications.invite_to_interview(employer, again)
    applications.hire(employer, again)
    assert entry.state is EntryState.PLACED
    assert mariam.id not in [e.subject_id for e in queue.browse(coordinator, QueueKind.JOBS).items]


def test_asking_for_help_needs_consent_and_is_not_repeated(seeker_user):
    seeker = seekers.save_own_profile(seeker_user, seeker_data(consent_to_share=False))
    with pytest.raises(ValidationFailed):
        seekers.ask_for_help(seeker_user, seeker)
    seekers.save_own_profile(seeker_user, seeker_data())
    seekers.ask_for_help(seeker_user, seeker)
    with pytest.raises(Conflict):
        seekers.ask_for_help(seeker_user, seeker)
    seekers.leave_queue(seeker_user, seeker)
    assert seekers.queue_entry(seeker).state is EntryState.CLOSED


def test_a_closed_listing_ends_its_applications_and_the_engine_ranks_with_reasons(published, seeker, employer):
    candidate = engine.fit(seeker, published)
    assert candidate.score > 0 and "skills: forklift, packing" in map(engine.reason_text, candidate.reasons)
    match = applications.apply(seeker.user, seeker, published)
    listings.close_expired(today=today() + timedelta(days=40))
    db.session.refresh(match)
    assert match.state is MatchState.DECLINED and match.decline_reason == "closing date passed"


def test_language_levels_are_hard_constraints(published, coordinator, employer, seeker):
    needs_c1 = listings.publish(coordinator, listings.post_listing(employer, listing_data(languages="ru:C1")))
    assert "needs Russian at C1" in [str(reason) for reason in engine.violations(seeker, needs_c1)]
    assert engine.violations(seeker, published) == []


def test_positions_given_back_never_exceed_the_positions(published):
    applications.KIND.release(published.id, 1)
    db.session.commit()
    db.session.refresh(published)
    assert published.open_positions == published.positions == 2
    assert applications.KIND.reserve(published.id, 1) == 1
    applications.KIND.release(published.id, 1)
    db.session.commit()
    db.session.refresh(published)
    assert published.open_positions == 2


def test_the_database_keeps_one_open_application_per_seeker_and_listing(published, seeker):
    from aidcoord.matching.services import active_match

    applications.apply(seeker.user, seeker, published)
    duplicate = Match(kind=QueueKind.JOBS, subject_id=seeker.id, offer_id=published.id, people=1, held=0,
                      state=MatchState.PROPOSED)
    db.session.add(duplicate)
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.flush()
    db.session.rollback()
    assert active_match(QueueKind.JOBS, seeker.id, published.id) is not None
