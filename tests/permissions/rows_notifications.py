"""Dead letters: administrators only (a coordinator is refused too). The SMS webhook is open to anyone and
proves Twilio by its signature: without one it is refused (403) whoever calls."""
from tests.permissions.matrix import row

ROWS = [
    row("GET", "/admin/dead-letters", others=403, admin=200),
    row("POST", "/admin/dead-letters/messages/999999/retry", others=403, admin=404),
    row("POST", "/admin/dead-letters/jobs/999999/retry", others=403, admin=404),
    row("GET", "/api/v1/admin/dead-letters", others=403, admin=200),
    row("POST", "/api/v1/admin/dead-letters/messages/999999/retry", others=403, admin=404),
    row("POST", "/api/v1/admin/dead-letters/jobs/999999/retry", others=403, admin=404),
    row("POST", "/sms/inbound", {"From": "+37499123456", "Body": "STOP"}, everyone=403),
]
