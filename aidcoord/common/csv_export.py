"""Every CSV file aidcoord writes goes through `safe_csv`: each cell made spreadsheet-safe (CSV injection),
and, for data shared outward, an HXL hashtag row (https://hxlstandard.org) under the header.

Each slice declares its own columns next to its data (e.g. `needs/exports.py`); this module only writes them.
`tests/test_csv_exports.py` fails when any other module writes CSV itself, and requests every CSV endpoint
with formula-leading values.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response

# (header, HXL hashtag, value of one record): the record's parts are passed as positional arguments.
Column = tuple[str, str, Callable[..., object]]

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV injection"), plus the
# full-width forms some spreadsheets normalise and a line feed (a cell may be read from its second line).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is prefixed with a quote; numbers and dates stay as they are."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_csv(header: Sequence[str], rows: Iterable[Sequence[object]], hashtags: Sequence[str] | None = None) -> str:
    """The one CSV writer: a header row, the HXL hashtag row when given, then the rows; every cell spreadsheet-safe."""
    if hashtags is not None and len(hashtags) != len(header):
        raise ValueError("one HXL hashtag per column")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(name) for name in header])
    if hashtags is not None:
        writer.writerow(hashtags)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return buffer.getvalue()


def hxl_csv(columns: Sequence[Column], records: Iterable[Sequence[object]]) -> str:
    """A header row, an HXL hashtag row, then one row per record (through `safe_csv`)."""
    return safe_csv([header for header, _tag, _value in columns],
                    ([value(*record) for _header, _tag, value in columns] for record in records),
                    hashtags=[tag for _header, tag, _value in columns])


def csv_response(text: str, filename: str) -> Response:
    """A CSV download named `filename`."""
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
