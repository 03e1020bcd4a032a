"""All-or-nothing CSV imports for groups moving from spreadsheets: every row is checked by the same
rules as the forms, every problem reported by row and column, and only a valid file is written,
in one transaction."""
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from aidcoord.errors import DomainError, ValidationFailed
from aidcoord.extensions import db


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


class ImportRejected(DomainError):
    status, code = 422, "import_rejected"

    def __init__(self, preview: ImportPreview):
        fields: dict[str, object] = {f"row {row.number}": row.errors for row in preview.rows if row.errors}
        if preview.file_errors:
            fields["file"] = preview.file_errors
        message = lazy_ngettext("Nothing was imported: %(num)d problem.",
                                "Nothing was imported: %(num)d problems.", preview.error_count)
        super().__init__(message, fields)
        self.preview = preview


def preview(text: str, columns: tuple, required: tuple, check_row: Callable[[dict], object]) -> ImportPreview:
    """Read the CSV and run `check_row` (which raises ValidationFailed) on every row; writes nothing."""
    if "\x00" in text:
        return ImportPreview(rows=[], file_errors=[_l("The file contains NUL characters; save it as CSV (UTF-8).")])
    # newline=None: CR-only line endings (old spreadsheets on a Mac) read as line ends, not a csv.Error
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=None))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        return ImportPreview(rows=[], file_errors=[_l("The file is not valid CSV: %(why)s", why=str(error))])
    file_errors = []
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in columns]
    if missing:
        file_errors.append(_l("Missing columns: %(columns)s", columns=", ".join(missing)))
    if unknown:
        file_errors.append(_l("Unknown columns: %(columns)s (expected: %(expected)s)",
                              columns=", ".join(unknown), expected=", ".join(columns)))
    if file_errors:
        return ImportPreview(rows=[], file_errors=file_errors)
    rows = []
    max_rows = current_app.config["IMPORT_MAX_ROWS"]
    try:
        for number, raw in enumerate(reader, start=2):
            if number - 1 > max_rows:
                file_errors.append(lazy_ngettext("At most %(num)d row per file.", "At most %(num)d rows per file.",
                                                 max_rows))
                break
            row = RowResult(number=number, values={key.strip(): (value or "").strip()
                                                   for key, value in raw.items() if key is not None})
            if None in raw:
                row.errors["(extra)"] = [_l("This row has more cells than the header.")]
            try:
                check_row(row.values)
            except ValidationFailed as error:
                row.errors.update(error.fields)
            rows.append(row)
    except csv.Error as error:
        file_errors.append(_l("The file is not valid CSV: %(why)s", why=str(error)))
    if not rows and not file_errors:
        file_errors.append(_l("The file has no rows."))
    return ImportPreview(rows=rows, file_errors=file_errors)


def write_all(checked: ImportPreview, create_row: Callable[[dict], object]) -> list:
    """Create every row (create_row must not commit) in one transaction; nothing if a row is invalid."""
    if not checked.is_valid:
        raise ImportRejected(checked)
    try:
        created = [create_row(row.values) for row in checked.rows]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created
