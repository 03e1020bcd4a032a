"""CSV exports with an HXL hashtag row (https://hxlstandard.org), for the humanitarian data ecosystem."""
import csv
import io

from flask import Response

from aidcoord.needs.models import Need
from aidcoord.pledges.coverage import coverage_of
from aidcoord.pledges.models import Pledge

# (header, HXL hashtag, value of a need)
NEED_COLUMNS = [
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

PLEDGE_COLUMNS = [
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


OFFER_COLUMNS = [
    ("id", "#meta+id", lambda o: o.id),
    ("external_ref", "#meta+ref", lambda o: o.external_ref or ""),
    ("organization", "#org+name", lambda o: o.organization.name if o.organization else ""),
    ("region", "#adm1+code", lambda o: o.region),
    ("locality", "#loc+name", lambda o: o.locality),
    ("beds", "#capacity+beds", lambda o: o.beds),
    ("free_beds", "#capacity+beds+free", lambda o: o.free_beds),
    ("whole_dwelling", "#meta+whole", lambda o: "yes" if o.whole_dwelling else "no"),
    ("available_from", "#date+start", lambda o: o.available_from.isoformat()),
    ("available_until", "#date+end", lambda o: o.available_until.isoformat() if o.available_until else ""),
    ("status", "#status", lambda o: o.vetting_state.value),
]

# No name, phone or medical note: a queue export is for planning, not for contacting people.
QUEUE_COLUMNS = [
    ("request_id", "#meta+id", lambda e, h: h.id),
    ("external_ref", "#meta+ref", lambda e, h: h.external_ref or ""),
    ("people", "#affected+num", lambda e, h: h.size),
    ("children", "#affected+children", lambda e, h: h.children),
    ("over_65", "#affected+elderly", lambda e, h: h.over_65),
    ("priority", "#priority", lambda e, h: e.priority),
    ("preferred_regions", "#adm1+code+preferred", lambda e, h: " ".join(h.preferred_regions)),
    ("joined_at", "#date+joined", lambda e, h: e.joined_at.isoformat()),
    ("status", "#status", lambda e, h: e.state.value),
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write(header, hashtags, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow(hashtags)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def needs_csv(needs: list[Need]) -> str:
    rows = []
    for need in needs:
        cover = coverage_of(need)
        rows.append([value(need, cover) for _h, _t, value in NEED_COLUMNS])
    return _write([h for h, _t, _v in NEED_COLUMNS], [t for _h, t, _v in NEED_COLUMNS], rows)


def pledges_csv(pledges: list[Pledge]) -> str:
    rows = [[value(pledge) for _h, _t, value in PLEDGE_COLUMNS] for pledge in pledges]
    return _write([h for h, _t, _v in PLEDGE_COLUMNS], [t for _h, t, _v in PLEDGE_COLUMNS], rows)


def offers_csv(offers) -> str:
    return _write([h for h, _t, _v in OFFER_COLUMNS], [t for _h, t, _v in OFFER_COLUMNS],
                  [[value(offer) for _h, _t, value in OFFER_COLUMNS] for offer in offers])


def queue_csv(rows) -> str:
    """rows: (queue entry, household) pairs in queue order."""
    return _write([h for h, _t, _v in QUEUE_COLUMNS], [t for _h, t, _v in QUEUE_COLUMNS],
                  [[value(entry, household) for _h, _t, value in QUEUE_COLUMNS] for entry, household in rows])


def csv_response(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
