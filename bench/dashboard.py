"""How fast the dashboard answers at the scale of 2023: 100,000 households waiting, 30,000 housing offers,
5,000 needs, 20,000 pledges (three currencies and in-kind items), 2,000 proposals under way, 300 organizations.

Scratch database: an SQLite file by default, or BENCH_DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_dashboard). Times GET /api/v1/dashboard for a
coordinator (everything), with a region and a period, and for a member of one organization.
Prints latency percentiles. Run: make bench (or .venv/bin/python bench/dashboard.py)
"""
# ruff: noqa: E402 - the path is set before the imports
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repository in place of bench/ (see queue.py)

import sqlalchemy as sa
from flask_migrate import upgrade

from aidcoord import create_app
from aidcoord.common.types import today
from aidcoord.extensions import db
from bench.crisis_rows import REGIONS, insert_housing
from bench.databases import request_timings, scratch_database_url

ORGANIZATIONS, NEEDS, PLEDGES, OFFERS, HOUSEHOLDS, PROPOSALS = 300, 5_000, 20_000, 30_000, 100_000, 2_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def load() -> tuple[str, str]:
    """Bulk rows through Core (the benchmark measures reading); returns a coordinator's and a member's token."""
    from aidcoord.accounts.models import Role
    from aidcoord.accounts.services import create_api_token, register_user
    from aidcoord.arrivals.models import ArrivalReport
    from aidcoord.needs.models import Need
    from aidcoord.organizations.models import Membership, Organization
    from aidcoord.pledges.models import ExchangeRate, Pledge

    coordinator = register_user("coordinator@bench.example", "Bench", "bench-password-1", [Role.COORDINATOR],
                                self_service=False)
    member = register_user("member@bench.example", "Member", "bench-password-1", [Role.ORG_MEMBER],
                           self_service=False)
    db.session.execute(sa.insert(Organization), [
        {"name": f"Org {i}", "name_key": f"org {i}", "kind": "ngo", "country": "AM", "description": "x",
         "verification_state": "verified"} for i in range(ORGANIZATIONS)])
    db.session.execute(sa.insert(Membership), [{"organization_id": 1, "user_id": member.id}])
    day = today()
    db.session.execute(sa.insert(ExchangeRate), [
        {"currency": code, "reporting_currency": "USD", "rate": rate, "valid_on": day - timedelta(days=30),
         "source": "bench", "recorded_by_id": coordinator.id}
        for code, rate in (("EUR", Decimal("1.08")), ("AMD", Decimal("0.0026")))])
    soon = day + timedelta(days=10)
    needs = []
    for i in range(NEEDS):
        cash = i % 5 == 0
        needs.append({"organization_id": i % ORGANIZATIONS + 1, "sector": ("shelter", "health", "food_security")[i % 3],
                      "item": f"item {i % 40}", "quantity": None if cash else 100, "unit": None if cash else "kits",
                      "amount_minor": 1_000_000 if cash else None, "currency": "USD" if cash else None,
                      "region": REGIONS[i % 11], "locality": "", "urgency": ("critical", "high", "normal")[i % 3],
                      "needed_by": soon, "state": ("open", "partially_covered")[i % 2], "created_by_id": coordinator.id,
                      "description": ""})
    db.session.execute(sa.insert(Need), needs)
    pledges = []
    for i in range(PLEDGES):
        need = i % NEEDS
        cash = need % 5 == 0
        currency = ("USD", "EUR", "AMD")[i % 3]
        pledges.append({"pledged_by_id": coordinator.id, "need_id": need + 1,
                        "donor_organization_id": (i * 7) % ORGANIZATIONS + 1,
                        "contribution": "money" if cash else "in_kind",
                        "amount_minor": 50_000 if cash else None, "currency": currency if cash else None,
                        "quantity": None if cash else 5, "unit": None if cash else "kits", "item": f"item {need % 40}",
                        "note": "", "state": ("pledged", "committed", "delivered", "cancelled")[i % 4],
                        "delivered_units": 0})
    db.session.execute(sa.insert(Pledge), pledges)
    insert_housing(coordinator.id, day, offers=OFFERS, households=HOUSEHOLDS, proposals=PROPOSALS,
                   organizations=ORGANIZATIONS)
    db.session.execute(sa.insert(ArrivalReport), [
        {"reported_on": day - timedelta(days=20 - i), "reported_time": None, "cumulative_arrivals": 5000 * (i + 1),
         "source": "bench", "recorded_by_id": coordinator.id} for i in range(20)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # fresh statistics, as autovacuum would have
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return create_api_token(coordinator, "bench")[1], create_api_token(member, "bench")[1]


def measure(client, path: str, token: str) -> str:
    timings = request_timings(client, path, ROUNDS, {"Authorization": f"Bearer {token}"})
    return (f"{path:70s} p50 {statistics.median(timings):7.1f} ms   p95 {timings[int(len(timings) * 0.95)]:7.1f} ms"
            f"   max {timings[-1]:7.1f} ms")


def main() -> None:
    url = scratch_database_url()
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        coordinator, member = load()
        print(f"database: {sa.engine.make_url(url).get_backend_name()}; loaded {HOUSEHOLDS} households waiting, "
              f"{OFFERS} offers, {NEEDS} needs, {PLEDGES} pledges, {PROPOSALS} proposals in "
              f"{time.perf_counter() - started:.1f} s; {ROUNDS} requests each")
    client = app.test_client()
    print(measure(client, "/api/v1/dashboard", coordinator), "(coordinator)")
    print(measure(client, "/api/v1/dashboard?region=AM-SU", coordinator), "(coordinator)")
    period = f"start={today() - timedelta(days=7)}&end={today()}"
    print(measure(client, f"/api/v1/dashboard?{period}", coordinator), "(coordinator)")
    print(measure(client, "/api/v1/dashboard", member), "(member of one organization)")


if __name__ == "__main__":
    main()
