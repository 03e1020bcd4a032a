"""CSV import of needs for groups moving from spreadsheets: every row checked first, then all or nothing."""
import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from aidcoord.accounts.models import User
from aidcoord.errors import DomainError, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.needs import services
from aidcoord.organizations.models import Organization

COLUMNS = ("external_ref", "sector", "item", "quantity", "unit", "amount", "currency", "region", "locality",
           "urgency", "needed_by", "description")
REQUIRED_COLUMNS = ("sector", "item", "region", "urgency", "needed_by")
MAX_ROWS = 5000


@dataclass
class RowResult:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict
    errors: dict = field(default_factory=dict)  # column -> [messages]


@dataclass
class ImportPreview:
    rows: list[RowResult]
    file_errors: list = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for row in self.rows if row.errors)


def preview_needs_import(actor: User, organization: Organization, text: str, *, today: date | None = None) -> ImportPreview:
    """Check every row as the needs service would; nothing is written."""
    if not services.can_manage(actor, organization):
        raise PermissionDenied()
    today = today or date.today()
    if "\x00" in text:
        return ImportPreview(rows=[], file_errors=[_l("The file contains NUL characters; save it as CSV (UTF-8).")])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    file_errors = []
    if missing:
        file_errors.append(_l("Missing columns: %(columns)s", columns=", ".join(missing)))
    if unknown:
        file_errors.append(_l("Unknown columns: %(columns)s (expected: %(expected)s)",
                              columns=", ".join(unknown), expected=", ".join(COLUMNS)))
    if file_errors:
        return ImportPreview(rows=[], file_errors=file_errors)
    rows = []
    try:
        for number, raw in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                file_errors.append(_l("At most %(max)d rows per file.", max=MAX_ROWS))
                break
            values = {key.strip(): (value or "").strip() for key, value in raw.items() if key is not None}
            row = RowResult(number=number, values=values)
            if None in raw:
                row.errors["(extra)"] = [_l("This row has more cells than the header.")]
            try:
                services.clean_need(values, today=today)
            except ValidationFailed as error:
                row.errors.update(error.fields)
            rows.append(row)
    except csv.Error as error:
        file_errors.append(_l("The file is not valid CSV: %(why)s", why=str(error)))
    if not rows and not file_errors:
        file_errors.append(_l("The file has no rows."))
    return ImportPreview(rows=rows, file_errors=file_errors)


class ImportRejected(DomainError):
    status, code = 422, "import_rejected"

    def __init__(self, preview: ImportPreview):
        fields = {f"row {row.number}": row.errors for row in preview.rows if row.errors}
        if preview.file_errors:
            fields["file"] = preview.file_errors
        super().__init__(_l("Nothing was imported: %(count)d problems.", count=preview.error_count), fields)
        self.preview = preview


def import_needs(actor: User, organization: Organization, text: str, *, today: date | None = None) -> list:
    """Create every row's need in one transaction, or none if any row is invalid."""
    preview = preview_needs_import(actor, organization, text, today=today)
    if not preview.is_valid:
        raise ImportRejected(preview)
    try:
        needs = [services.post_need(actor, organization, row.values, today=today, commit=False)
                 for row in preview.rows]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return needs
