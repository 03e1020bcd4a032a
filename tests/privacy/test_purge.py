"""Retention: past the retention dates, `flask privacy purge` leaves no personal value anywhere in the database,
and the figures do not change."""
from datetime import timedelta

import pytest
import time_machine

from aidcoord.extensions import Model, db
from aidcoord.privacy.models import RetentionDate
from aidcoord.privacy.registry import KINDS, NOT_ANONYMISED, covered_tables, model_of_table, personal_columns
from tests.conftest import PINNED_NOW, pinned_clock
from tests.privacy.world import aggregates, canaries_found, personal_numbers_found, personal_text_columns, seed

pytestmark = pinned_clock
SIX_YEARS_LATER = PINNED_NOW + timedelta(days=6 * 366)


def purge(app, *args):
    return app.test_cli_runner().invoke(args=["privacy", "purge", *args])


def test_every_model_with_personal_columns_is_anonymised_by_some_kind(app):
    tables = {mapper.class_.__tablename__ for mapper in Model.registry.mappers if personal_columns(mapper.class_)}
    assert tables - covered_tables() - set(NOT_ANONYMISED) == set()


def test_every_case_offer_profile_and_account_has_a_retention_date(app):
    world = seed()
    for kind, record in (("household", world["household"]), ("housing_offer", world["offer"]),
                         ("job_seeker", world["seeker"]), ("account", world["host"])):
        row = db.session.get(RetentionDate, (kind, record.id))
        assert row is not None and row.retain_until > PINNED_NOW.date()
    assert purge(app, "--dry-run").exit_code == 0
    dated = {kind.name for kind in KINDS.values() if kind.dated}
    assert {row.kind for row in db.session.query(RetentionDate)} == dated


def test_past_retention_no_canary_is_left_and_the_figures_stay(app):
    seed()
    before = canaries_found()
    assert personal_text_columns() <= set(before), "a personal column without a canary in the scenario"
    assert not any(column.startswith("audit_events.") for column in before)  # ids and field names only
    numbers = personal_numbers_found()
    figures = aggregates()

    with time_machine.travel(SIX_YEARS_LATER, tick=False):
        dry = purge(app, "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert "household\t1" in dry.output and "account\t9" in dry.output
        db.session.expire_all()
        assert canaries_found() == before  # a dry run changes nothing

        result = purge(app)
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert canaries_found() == {}
        assert personal_numbers_found() == {} != numbers
        assert aggregates() == figures
        again = purge(app, "--dry-run")
        assert "household\t0" in again.output  # anonymised once


def test_open_records_are_kept_however_old(app):
    world = seed(closed=False)
    with time_machine.travel(SIX_YEARS_LATER, tick=False):
        assert purge(app).exit_code == 0
        db.session.expire_all()
        found = canaries_found()
    assert "households.contact_name" in found and "housing_offers.address" in found
    assert db.session.get(RetentionDate, ("household", world["household"].id)).anonymised_at is None


@pytest.mark.parametrize("months_later,kept", [(11, True), (13, False)])
def test_a_closed_case_is_kept_for_its_period(app, months_later, kept):
    seed()
    with time_machine.travel(PINNED_NOW + timedelta(days=months_later * 31 - 10), tick=False):
        assert purge(app).exit_code == 0
        db.session.expire_all()
        assert ("households.contact_name" in canaries_found()) is kept


def test_an_account_signed_in_to_recently_is_kept(app, pages):
    world = seed()
    with time_machine.travel(PINNED_NOW + timedelta(days=30 * 31), tick=False):
        assert pages.login(world["host"].email).status_code == 302
        assert purge(app).exit_code == 0
        db.session.expire_all()
        kept = db.session.get(RetentionDate, ("account", world["host"].id))
        gone = db.session.get(RetentionDate, ("account", world["donor"].id))
    assert kept.anonymised_at is None and kept.last_seen_at is not None
    assert gone.anonymised_at is not None
    assert world["host"].email.startswith("canary")


def test_an_account_talking_to_the_bot_is_kept(app):
    world = seed()
    conversation = model_of_table("telegram_conversations")
    if conversation is None:
        pytest.skip("no Telegram bot in this app")
    with time_machine.travel(PINNED_NOW + timedelta(days=30 * 31), tick=False):
        row = db.session.get(conversation, 700001)
        row.step = "menu"  # a message: updated_at moves on
        db.session.commit()
        assert purge(app).exit_code == 0
        db.session.expire_all()
        assert db.session.get(RetentionDate, ("account", world["family"].id)).anonymised_at is None
        assert db.session.get(RetentionDate, ("account", world["seeker"].id)).anonymised_at is not None
