"""CSV exports with an HXL hashtag row (https://hxlstandard.org), for the humanitarian data ecosystem.

Each slice declares its own columns next to its data (e.g. `needs/exports.py`); this module only writes them.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from flask import Response

# (header, HXL hashtag, value of one record): the record's parts are passed as positional arguments.
Column = tuple[str, str, Callable[..., object]]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is prefixed with a quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def hxl_csv(columns: Sequence[Column], records: Iterable[Sequence[object]]) -> str:
    """A header row, an HXL hashtag row, then one row per record; every cell is spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _tag, _value in columns])
    writer.writerow([tag for _header, tag, _value in columns])
    writer.writerows([spreadsheet_safe(value(*record)) for _header, _tag, value in columns] for record in records)
    return buffer.getvalue()


def safe_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain CSV (a header row, then the rows) whose every cell is spreadsheet-safe: for exports without HXL."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A CSV download named `filename`."""
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
