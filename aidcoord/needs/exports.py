"""The needs export: CSV with an HXL hashtag row, coverage included."""
from aidcoord.common.csv_export import Column, hxl_csv
from aidcoord.needs.coverage import coverage_of
from aidcoord.needs.models import Need

# (header, HXL hashtag, value of a need and its coverage)
NEED_COLUMNS: list[Column] = [
    ("id", "#meta+id", lambda n, c: n.id),
    ("external_ref", "#meta+ref", lambda n, c: n.external_ref or ""),
    ("organization", "#org+name", lambda n, c: n.organization.name),
    ("sector", "#sector+cluster", lambda n, c: n.sector.value),
    ("region", "#adm1+code", lambda n, c: n.region),
    ("locality", "#loc+name", lambda n, c: n.locality),
    ("item", "#item+name", lambda n, c: n.item),
    ("quantity", "#indicator+num+requested", lambda n, c: n.quantity if n.quantity is not None else ""),
    ("unit", "#indicator+unit", lambda n, c: n.unit.value if n.unit else ""),
    ("amount", "#value+requested", lambda n, c: n.amount if n.amount is not None else ""),
    ("currency", "#currency", lambda n, c: n.currency or ""),
    ("pledged", "#indicator+num+pledged", lambda n, c: c.pledged),
    ("committed", "#indicator+num+committed", lambda n, c: c.committed),
    ("delivered", "#indicator+num+delivered", lambda n, c: c.delivered),
    ("urgency", "#severity", lambda n, c: n.urgency.value),
    ("needed_by", "#date+needed", lambda n, c: n.needed_by.isoformat()),
    ("status", "#status", lambda n, c: n.state.value),
]


def needs_csv(needs: list[Need]) -> str:
    """Every given need with its coverage today."""
    return hxl_csv(NEED_COLUMNS, [(need, coverage_of(need)) for need in needs])
