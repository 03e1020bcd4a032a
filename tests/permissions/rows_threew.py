"""3W (who does what where): for anyone signed in; aggregates of verified organizations only."""
from tests.permissions.matrix import row

ROWS = [
    row("GET", "/3w", others=200),
    row("GET", "/3w", {"region": "AM-SU", "measure": "beds"}, others=200),
    row("GET", "/api/v1/3w", others=200),
    row("GET", "/api/v1/3w/export.csv", {"sector": "shelter"}, others=200),
]
