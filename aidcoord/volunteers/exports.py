"""The shift roster export: CSV with an HXL hashtag row.

What a shift lead needs at the site to check people in and record attendance: who, which shift, their state
and hours. No e-mail address: the file leaves aidcoord (printed, forwarded, kept on a laptop after the shift),
and reaching a volunteer goes through the roster page while they are signed up (docs/personal-data.md).
"""
from collections.abc import Iterable

from aidcoord.common.csv_export import Column, hxl_csv
from aidcoord.volunteers.models import SignUp

ROSTER_COLUMNS: list[Column] = [
    ("sign_up_id", "#meta+id", lambda e: e.id),
    ("shift_id", "#activity+id", lambda e: e.shift_id),
    ("task", "#activity+name", lambda e: e.shift.task),
    ("starts_at", "#date+start", lambda e: e.shift.starts_at.isoformat()),
    ("volunteer", "#contact+name", lambda e: e.volunteer.name),
    ("state", "#status", lambda e: e.state.value),
    ("hours", "#indicator+num+hours", lambda e: e.hours if e.hours is not None else ""),
]


def roster_csv(entries: Iterable[SignUp]) -> str:
    """One row per sign-up of the shift, in sign-up order."""
    return hxl_csv(ROSTER_COLUMNS, [(entry,) for entry in entries])
