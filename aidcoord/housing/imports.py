"""CSV import of housing offers (an organization's list of hosts) and of household requests
(registration lists); the all-or-nothing rules are in common.csv_import."""
from collections.abc import Callable
from datetime import date

from flask import current_app

from aidcoord.accounts.models import User
from aidcoord.common import csv_import
from aidcoord.common.bulk import collection_paused
from aidcoord.common.csv_import import ImportPreview
from aidcoord.common.types import today as local_today
from aidcoord.errors import PermissionDenied
from aidcoord.housing import bulk_registration, households, offers
from aidcoord.housing.household_fields import INPUT_FIELDS, REQUIRED_FIELDS
from aidcoord.organizations.models import Organization
from aidcoord.organizations.permissions import acts_for

OFFER_COLUMNS = ("external_ref", "region", "locality", "address", "beds", "rooms", "whole_dwelling",
                 "available_from", "available_until", "max_stay_days", "rent_amount", "rent_currency",
                 "utilities_included", "meals_included", "step_free", "pets_accepted", "children_welcome",
                 "languages", "notes")
OFFER_REQUIRED = ("region", "address", "beds", "available_from")
HOUSEHOLD_COLUMNS = INPUT_FIELDS  # declared once, in housing.household_fields
HOUSEHOLD_REQUIRED = REQUIRED_FIELDS


def _check_offer_importer(actor: User, organization: Organization) -> None:
    if not (acts_for(actor, organization.id) and organization.is_verified):
        raise PermissionDenied()


def preview_offers(actor: User, organization: Organization, text: str, *, today: date | None = None) -> ImportPreview:
    _check_offer_importer(actor, organization)
    today = today or local_today()
    return csv_import.preview(text, OFFER_COLUMNS, OFFER_REQUIRED, lambda row: offers.clean_offer(row, today=today))


def import_offers(actor: User, organization: Organization, text: str, *, today: date | None = None) -> list:
    checked = preview_offers(actor, organization, text, today=today)
    return csv_import.write_all(checked, lambda row: offers.create_offer(
        actor, row, organization_id=organization.id, today=today, commit=False))


def household_rows_cap() -> int:
    """The most rows a registration list may hold (HOUSEHOLD_IMPORT_MAX_ROWS)."""
    return int(current_app.config["HOUSEHOLD_IMPORT_MAX_ROWS"])


def preview_households(actor: User, text: str, *, today: date | None = None) -> ImportPreview:
    if not households.can_register_for_others(actor):
        raise PermissionDenied()
    today = today or local_today()
    with collection_paused():
        return csv_import.preview(text, HOUSEHOLD_COLUMNS, HOUSEHOLD_REQUIRED,
                                  lambda row: households.clean_household(row, today=today),
                                  max_rows=household_rows_cap())


def import_households(actor: User, text: str, *, organization_id: int | None = None, today: date | None = None,
                      progress: Callable[[int], None] | None = None) -> list[int]:
    """Register every row (duplicates within the file and against open requests are flagged), all or nothing,
    each row checked once; `progress` is told the rows written so far. The new households' ids."""
    checked = preview_households(actor, text, today=today)
    return csv_import.write_batch(checked, lambda rows: _register_rows(actor, rows, organization_id, today, progress))


def import_checked_households(actor: User, checked: ImportPreview, *, organization_id: int | None = None,
                              today: date | None = None, progress: Callable[[int], None] | None = None) -> list[int]:
    """import_households for a file preview_households checked already (the CLI shows the check first)."""
    return csv_import.write_batch(checked, lambda rows: _register_rows(actor, rows, organization_id, today, progress))


def register_households_in_transaction(actor: User, text: str, *, organization_id: int | None = None,
                                       today: date | None = None,
                                       progress: Callable[[int], None] | None = None) -> list[int]:
    """import_households in the caller's transaction (a worker's job commits the rows with its own outcome, so
    a job run again never registers them twice); raises ImportRejected, having written nothing."""
    checked = preview_households(actor, text, today=today)
    if not checked.is_valid:
        raise csv_import.ImportRejected(checked)
    return _register_rows(actor, checked.rows, organization_id, today, progress)


def _register_rows(actor: User, rows: list[csv_import.RowResult], organization_id: int | None, today: date | None,
                   progress: Callable[[int], None] | None) -> list[int]:
    with collection_paused():
        return bulk_registration.register_households(
            actor, [row.values for row in rows], organization_id=organization_id, today=today,
            cleaned=[row.cleaned for row in rows], progress=progress)
