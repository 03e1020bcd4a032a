"""All-or-nothing CSV imports for groups moving from spreadsheets: every row is checked by the same
rules as the forms, every problem reported by row and column, and only a valid file is written,
in one transaction.

Every uploaded file (pages, API, CLI) is turned into text by `decode_upload`: UTF-8 with or without a BOM,
UTF-16 with its BOM, or, without a BOM, Windows-1251 (Cyrillic) or Windows-1252 (Western European) as
charset-normalizer judges; anything else is refused with a message, never read with the wrong letters.
Armenian text can only arrive in UTF-8 or UTF-16: no legacy Armenian encoding is guessed."""
import codecs
import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from charset_normalizer import from_bytes
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from aidcoord.errors import DomainError, ValidationFailed
from aidcoord.extensions import db


@dataclass
class RowResult:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict
    errors: dict = field(default_factory=dict)  # column -> [messages]
    cleaned: Any = None  # what check_row returned (the row as the service will write it)


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


LEGACY_ENCODINGS = ("cp1251", "cp1252")
# (byte order mark, codec); UTF-32's marks begin like UTF-16 LE's: such a file decodes to NULs and is refused.
BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CONTROL_ALLOWED = frozenset("\t\n\r")


class UndecodableFile(ValidationFailed):
    """The upload is in no encoding aidcoord reads (422, a message on the `file` field)."""

    def __init__(self) -> None:
        message = _l("The file's encoding was not recognised, so nothing was read. Save it as CSV UTF-8 "
                     "(or UTF-16, Windows-1251 or Windows-1252) and upload it again.")
        super().__init__(message, {"file": [message]})


def decode_upload(data: bytes) -> str:
    """The uploaded file's text, read in the encoding it was saved in; raises UndecodableFile rather than guess."""
    encoding = next((codec for mark, codec in BYTE_ORDER_MARKS if data.startswith(mark)), None)
    if encoding is None:
        try:
            return _checked(data.decode("utf-8"))
        except UnicodeDecodeError:
            encoding = _legacy_encoding(data)
    try:
        return _checked(data.decode(encoding))
    except UnicodeDecodeError as error:
        raise UndecodableFile() from error


def request_csv_text() -> str:
    """The API's uploads: the request body (text/csv) through `decode_upload`; 422 when it is missing."""
    return decode_upload(request_csv_bytes())


# What spreadsheets and HTTP clients send a CSV file as (Excel on Windows says vnd.ms-excel); no type at all is
# taken too. JSON, a form or a multipart upload is refused: read as CSV, it would be reported row by row as nonsense.
CSV_CONTENT_TYPES = frozenset({"", "text/csv", "text/plain", "application/csv", "application/vnd.ms-excel",
                               "application/octet-stream"})


class NotCsvBody(DomainError):
    status, code = 415, "unsupported_media_type"


def request_csv_bytes() -> bytes:
    """The request body (text/csv) as sent; 415 when it is sent as another type (JSON, a form), 422 when it is
    missing."""
    if request.mimetype not in CSV_CONTENT_TYPES:
        raise NotCsvBody(_l("Send the CSV file itself as the request body, with the content type text/csv."))
    data = request.get_data(cache=True)
    if not data.strip():
        message = _l("Send the CSV file as the request body (text/csv).")
        raise ValidationFailed(message, {"file": [message]})
    return data


def _legacy_encoding(data: bytes) -> str:
    """Windows-1251 or Windows-1252, whichever reads as text; on a tie, the one that mixes no Latin and Cyrillic
    letters within a word (a short Western name like "José" is valid in both)."""
    if b"\x00" in data:  # UTF-16 without its mark, or not text
        raise UndecodableFile()
    matches = [match for match in from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS))
               if match.encoding in LEGACY_ENCODINGS]
    if not matches:
        raise UndecodableFile()
    return min(matches, key=lambda match: (round(match.chaos, 3), _mixed_script_words(str(match)),
                                           LEGACY_ENCODINGS.index(match.encoding))).encoding


def _mixed_script_words(text: str) -> int:
    words = "".join(char if char.isalpha() else " " for char in text).split()
    return sum(1 for word in words if _has_script(word, "CYRILLIC") and _has_script(word, "LATIN"))


def _has_script(word: str, script: str) -> bool:
    return any(unicodedata.name(char, "").startswith(script) for char in word)


def _checked(text: str) -> str:
    """Control characters (other than tab and line ends) mean a binary file or the wrong encoding."""
    if any(unicodedata.category(char) == "Cc" and char not in CONTROL_ALLOWED for char in text):
        raise UndecodableFile()
    return text


def preview(text: str, columns: tuple, required: tuple, check_row: Callable[[dict], object], *,
            max_rows: int | None = None) -> ImportPreview:
    """Read the CSV and run `check_row` (which raises ValidationFailed) on every row; writes nothing.
    At most `max_rows` rows (default: the IMPORT_MAX_ROWS setting)."""
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
    max_rows = max_rows or current_app.config["IMPORT_MAX_ROWS"]
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
                row.cleaned = check_row(row.values)
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


def write_batch(checked: ImportPreview, create_rows: Callable[[list[RowResult]], list]) -> list:
    """As write_all, for a service that creates all the rows in one call (set-based: one duplicate lookup, batched
    inserts) from the checked rows (their values and what the check cleaned); create_rows must not commit."""
    if not checked.is_valid:
        raise ImportRejected(checked)
    try:
        created = create_rows(checked.rows)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created
