"""The housing exports: offers and the queue, CSV with an HXL hashtag row."""
from collections.abc import Iterable

from aidcoord.common.csv_export import Column, hxl_csv

OFFER_COLUMNS: list[Column] = [
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
QUEUE_COLUMNS: list[Column] = [
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


def offers_csv(offers: Iterable[object]) -> str:
    return hxl_csv(OFFER_COLUMNS, [(offer,) for offer in offers])


def queue_csv(rows: Iterable[tuple[object, object]]) -> str:
    """rows: (queue entry, household) pairs in queue order."""
    return hxl_csv(QUEUE_COLUMNS, list(rows))
