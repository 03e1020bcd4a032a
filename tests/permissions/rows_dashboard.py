"""Reported arrivals (public figures, recorded by coordinators) and the dashboard (coordinators and members of
an organization: each member sees their organizations' figures)."""
from tests.permissions.matrix import RawBody, csv_upload, row

ARRIVAL = {"reported_at": "2023-09-28T08:00", "cumulative_arrivals": 65036, "source": "https://armenpress.am/"}
ARRIVALS_CSV = "reported_at,cumulative_arrivals,source\n2023-09-29T06:00,84770,https://armenpress.am/\n"
# Members of an organization (the member, and the other organization's member) see their own figures.
READERS = {"others": 403, "staff": 200, "member": 200, "other_member": 200}

ROWS = [
    # ---- API
    row("GET", "/api/v1/arrivals", everyone=200),
    row("POST", "/api/v1/arrivals", ARRIVAL, others=403, staff=201),
    row("POST", "/api/v1/arrivals/import?dry_run=true", RawBody(ARRIVALS_CSV, "text/csv"), others=403, staff=200),
    row("GET", "/api/v1/dashboard", **READERS),
    row("GET", "/api/v1/dashboard", {"region": "AM-SU"}, **READERS),

    # ---- pages
    row("GET", "/arrivals", everyone=200),
    row("POST", "/arrivals", ARRIVAL, others=403, staff=302),
    row("GET", "/arrivals/import", others=403, staff=200),
    row("POST", "/arrivals/import", csv_upload(ARRIVALS_CSV), others=403, staff=200),
    row("POST", "/arrivals/import/confirm", {"csv_text": ARRIVALS_CSV}, others=403, staff=302),
    row("GET", "/dashboard", **READERS),
    row("GET", "/dashboard", {"region": "AM-SU", "start": "2023-09-24", "end": "2023-10-02"}, **READERS),
]
