"""Endpoints for load balancers and monitoring: /healthz (alive), /readyz (ready for traffic), /metrics."""
import hmac
import ipaddress

from flask import Blueprint, Response, current_app, request

from aidcoord.common.permissions import ANYONE, allow
from aidcoord.errors import PermissionDenied
from aidcoord.operations import metrics, readiness

bp = Blueprint("operations", __name__)


@bp.route("/healthz")
@allow(ANYONE)
def healthz():
    """Alive: the process answers (restart it if not). Whether it should get traffic is /readyz."""
    return {"status": "ok"}


@bp.route("/readyz")
@allow(ANYONE)
def readyz():
    """Ready: the database answers, its migrations are the code's, the worker's heartbeat is recent.
    503 otherwise, with the failing check named (no data, no addresses)."""
    checks = readiness.readiness(current_app.config["READYZ_WORKER_SECONDS"])
    ready = all(check.ok for check in checks)
    body = {"status": "ready" if ready else "not ready",
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks}}
    return body, 200 if ready else 503


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    # Without a token only the machine itself (or the network the operator names) may read the figures.
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in current_app.config["METRICS_NETWORKS"])


@bp.route("/metrics")
@allow(ANYONE)  # a scraper has no account: the token (or the network) is checked below
def prometheus_metrics():
    """Prometheus text format; needs `Authorization: Bearer $METRICS_TOKEN`, or without a token configured a
    caller from METRICS_NETWORKS (loopback by default)."""
    if not _may_scrape():
        raise PermissionDenied()
    return Response(metrics.exposition(current_app), mimetype="text/plain; version=0.0.4; charset=utf-8")
