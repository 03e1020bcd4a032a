"""CSV import of reported arrivals (the columns of shared/data/arrivals-2023.csv); all or nothing."""
from datetime import date

from flask_babel import lazy_gettext as _l

from aidcoord.accounts.models import User
from aidcoord.arrivals import services
from aidcoord.common import csv_import
from aidcoord.common import validation as check
from aidcoord.common.csv_import import ImportPreview, ImportRejected  # noqa: F401  (re-exported for callers)
from aidcoord.common.permissions import is_staff
from aidcoord.common.types import today as local_today
from aidcoord.errors import PermissionDenied, ValidationFailed

COLUMNS = ("reported_at", "cumulative_arrivals", "source")
REQUIRED_COLUMNS = COLUMNS


def _check_new(row: dict, today: date) -> None:
    clean = services.clean_report(row, today=today)
    if services.already_recorded(clean):
        errors = check.FieldErrors()
        errors.add("reported_at", _l("This count from this source at this time is already recorded."))
        raise ValidationFailed(_l("Some fields are invalid."), errors)


def preview_arrivals_import(actor: User, text: str, *, today: date | None = None,
                            skip_recorded: bool = False) -> ImportPreview:
    """Check every row as the form would; nothing is written. With `skip_recorded`, rows already recorded
    are not problems (they are left out when writing): how seed-demo loads the file again and adds nothing."""
    if not is_staff(actor):
        raise PermissionDenied()
    today = today or local_today()
    check_row = (lambda row: services.clean_report(row, today=today)) if skip_recorded \
        else (lambda row: _check_new(row, today))
    return csv_import.preview(text, COLUMNS, REQUIRED_COLUMNS, check_row)


def import_arrivals(actor: User, text: str, *, today: date | None = None, skip_recorded: bool = False) -> list:
    """Create every row's report in one transaction, or none if any row is invalid."""
    today = today or local_today()
    checked = preview_arrivals_import(actor, text, today=today, skip_recorded=skip_recorded)
    if skip_recorded:
        checked.rows = [row for row in checked.rows
                        if not services.already_recorded(services.clean_report(row.values, today=today))]
        if not checked.rows:
            return []
    return csv_import.write_all(checked, lambda row: services.record_report(actor, row, today=today,
                                                                            commit=False))
