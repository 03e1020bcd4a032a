"""Pledges, deliveries and exchange rates. The pledge is the pledge donor's, against the need of the
member's organization (the receiving side)."""
from tests.permissions.matrix import row

PLEDGE = {"contribution": "in_kind", "quantity": "2", "unit": "beds", "need_id": "{need}"}

ROWS = [
    # ---- API
    row("GET", "/api/v1/pledges", everyone=200),
    row("GET", "/api/v1/pledges", {"mine": "true"}, everyone=200),
    row("GET", "/api/v1/pledges/export.csv", everyone=200),
    row("GET", "/api/v1/pledges/totals", everyone=200),
    row("GET", "/api/v1/pledges/{pledge}", everyone=200, pledge_donor=200),
    row("POST", "/api/v1/pledges", PLEDGE, others=403, staff=201, donor=201, pledge_donor=201),
    row("POST", "/api/v1/pledges/{pledge}/commit", others=403, staff=200, pledge_donor=200),
    row("POST", "/api/v1/pledges/{pledge}/cancel", {"reason": "no truck"}, others=403, staff=200, pledge_donor=200),
    row("POST", "/api/v1/pledges/{pledge}/deliveries", {"delivered_on": "{today}", "quantity": "1"},
        others=403, staff=201, member=201, pledge_donor=403),
    row("GET", "/api/v1/exchange-rates", everyone=200),
    row("POST", "/api/v1/exchange-rates", {"currency": "GBP", "rate": "1.3"}, others=403, staff=201),

    # ---- pages
    row("GET", "/pledges", everyone=200),
    row("GET", "/pledges", {"mine": "1"}, everyone=200),
    row("GET", "/pledges/export.csv", everyone=200),
    row("GET", "/pledges/{pledge}", everyone=200, pledge_donor=200),
    row("GET", "/pledges/new", {"need_id": "{need}"}, others=200),
    row("POST", "/pledges/new", {**PLEDGE, "donor_organization_id": "0"}, others=403, staff=302, donor=302,
        pledge_donor=302),
    row("POST", "/pledges/{pledge}/commit", others=403, staff=302, pledge_donor=302),
    row("POST", "/pledges/{pledge}/cancel", {"reason": "no truck"}, others=403, staff=302, pledge_donor=302),
    row("POST", "/pledges/{pledge}/deliveries", {"delivered_on": "{today}", "quantity": "1"},
        others=403, staff=302, member=302, pledge_donor=403),
    row("GET", "/exchange-rates", everyone=200),
    row("POST", "/exchange-rates", {"currency": "GBP", "rate": "1.3", "valid_on": "{today}"}, others=403, staff=302),
]
