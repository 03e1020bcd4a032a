"""CSV import of needs for an organization (see common.csv_import for the all-or-nothing rules)."""
from datetime import date

from aidcoord.accounts.models import User
from aidcoord.common import csv_import
from aidcoord.common.csv_import import ImportPreview, ImportRejected  # noqa: F401  (re-exported for callers)
from aidcoord.common.types import today as local_today
from aidcoord.errors import PermissionDenied
from aidcoord.needs import services
from aidcoord.organizations.models import Organization

COLUMNS = ("external_ref", "sector", "item", "quantity", "unit", "amount", "currency", "region", "locality",
           "urgency", "needed_by", "description")
REQUIRED_COLUMNS = ("sector", "item", "region", "urgency", "needed_by")


def preview_needs_import(actor: User, organization: Organization, text: str, *,
                         today: date | None = None) -> ImportPreview:
    """Check every row as the needs service would; nothing is written."""
    if not services.can_manage(actor, organization):
        raise PermissionDenied()
    today = today or local_today()
    return csv_import.preview(text, COLUMNS, REQUIRED_COLUMNS, lambda row: services.clean_need(row, today=today))


def import_needs(actor: User, organization: Organization, text: str, *, today: date | None = None) -> list:
    """Create every row's need in one transaction, or none if any row is invalid."""
    checked = preview_needs_import(actor, organization, text, today=today)
    return csv_import.write_all(checked, lambda row: services.post_need(actor, organization, row, today=today,
                                                                         commit=False))
