"""The audit trail's reader: coordinators and admins read all of it, an organization's members their
organization's records' part (the member, the other organization's member); people in no organization are
refused, and so is the member removed from both of theirs."""
from tests.permissions.matrix import row

READERS = {"others": 403, "staff": 200, "member": 200, "other_member": 200}
HOUSEHOLD = {"subject_type": "household", "subject_id": "{household}"}

ROWS = [
    row("GET", "/api/v1/audit", **READERS),
    row("GET", "/api/v1/audit", HOUSEHOLD, **READERS),
    row("GET", "/audit", **READERS),
    row("GET", "/audit", HOUSEHOLD, **READERS),
]
