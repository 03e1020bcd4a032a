"""The pledges export: CSV with an HXL hashtag row."""
from aidcoord.common.csv_export import Column, hxl_csv
from aidcoord.pledges.models import Pledge

# (header, HXL hashtag, value of a pledge)
PLEDGE_COLUMNS: list[Column] = [
    ("id", "#meta+id", lambda p: p.id),
    ("donor", "#org+funder+name", lambda p: p.donor_name),
    ("recipient", "#org+recipient+name", lambda p: p.receiving_organization.name if p.receiving_organization else ""),
    ("need_id", "#meta+need", lambda p: p.need_id or ""),
    ("contribution", "#meta+contribution", lambda p: p.contribution.value),
    ("item", "#item+name", lambda p: p.item),
    ("amount", "#value+pledged", lambda p: p.amount if p.amount is not None else ""),
    ("currency", "#currency", lambda p: p.currency or ""),
    ("quantity", "#indicator+num+pledged", lambda p: p.quantity if p.quantity is not None else ""),
    ("unit", "#indicator+unit", lambda p: p.unit.value if p.unit else ""),
    ("delivered", "#indicator+num+delivered", lambda p: p.delivered),
    ("status", "#status", lambda p: p.state.value),
    ("date", "#date+pledged", lambda p: p.created_at.date().isoformat()),
    ("source", "#meta+url", lambda p: p.source_url or ""),
]


def pledges_csv(pledges: list[Pledge]) -> str:
    return hxl_csv(PLEDGE_COLUMNS, [(pledge,) for pledge in pledges])
