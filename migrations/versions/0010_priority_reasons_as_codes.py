"""priority reasons stored as codes with their numbers, no longer as text in whoever's language computed them

Only the stored form changes (the column stays JSON). English rows written by the old code are turned into
codes; a row in another language, or one this does not recognise, is left as it was: the app shows an old
[points, text] reason as it was written. Downgrade writes the English text back.

Revision ID: 0010_priority_reasons_as_codes
Revises: 0009_abuse_limits
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0010_priority_reasons_as_codes'
down_revision = '0009_abuse_limits'
branch_labels = None
depends_on = None

# The English wording of aidcoord/housing/priority.py before this revision (singular, plural).
_ENGLISH = {
    "children_under_5": "children under 5", "other_children": "other children", "over_65": "people over 65",
    "disabilities": "people with disabilities", "medical_needs": "medical needs",
    "single_caregiver": "single caregiver", "large_household": "large household",
}
_CODES = {text: code for code, text in _ENGLISH.items()}
_SELF_DECLARED = " (self-declared, not yet confirmed)"
_RAISED = "raised by a coordinator: "
_households = sa.table('households', sa.column('id', sa.Integer), sa.column('priority_reasons', sa.JSON))


def _as_code(reason):
    if not isinstance(reason, list) or len(reason) != 2 or not isinstance(reason[1], str):
        return reason
    points, text = reason
    if text.startswith(_RAISED):
        return {"code": "raised_by_coordinator", "points": points, "count": 1, "note": text[len(_RAISED):]}
    self_declared = text.endswith(_SELF_DECLARED)
    if self_declared:
        text = text[:-len(_SELF_DECLARED)]
    counted = re.fullmatch(r"(\d+) (.+)", text)
    count, text = (int(counted[1]), counted[2]) if counted else (1, text)
    if text not in _CODES:
        return reason
    converted = {"code": _CODES[text], "points": points, "count": count}
    if self_declared:
        converted["self_declared"] = True
    return converted


def _as_text(reason):
    if not isinstance(reason, dict):
        return reason
    if reason.get("code") == "raised_by_coordinator":
        return [reason["points"], _RAISED + (reason.get("note") or "")]
    count = reason.get("count") or 1
    text = _ENGLISH.get(reason.get("code"), str(reason.get("code")))
    text = text if count == 1 else f"{count} {text}"
    return [reason["points"], text + _SELF_DECLARED if reason.get("self_declared") else text]


def _rewrite(convert):
    connection = op.get_bind()
    for row in connection.execute(sa.select(_households.c.id, _households.c.priority_reasons)).all():
        reasons = row.priority_reasons or []
        rewritten = [convert(reason) for reason in reasons]
        if rewritten != reasons:
            connection.execute(_households.update().where(_households.c.id == row.id)
                               .values(priority_reasons=rewritten))


def upgrade():
    _rewrite(_as_code)


def downgrade():
    _rewrite(_as_text)
