"""How fast the public lists answer with a crisis-sized registry.

Loads 2,000 organizations, 10,000 needs, 20,000 pledges and 10,000 job listings into a scratch database (SQLite file by
default, or BENCH_DATABASE_URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench),
then times the API's list endpoints (the job board with its filters and search too), a need's
detail with its coverage, and the totals.
Prints requests per second and latency percentiles. Run: make bench
"""
# ruff: noqa: E402 - the path is set before the imports
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repository in place of bench/ (see queue.py)

import sqlalchemy as sa
from flask_migrate import upgrade

from aidcoord import create_app
from aidcoord.common.types import today
from aidcoord.extensions import db
from bench.databases import request_timings, scratch_database_url

ORGANIZATIONS, NEEDS, PLEDGES, LISTINGS, ROUNDS = 2_000, 10_000, 20_000, 10_000, 200


def load(app) -> None:
    """Bulk rows through Core: the benchmark measures reading, not the seeding."""
    from aidcoord.accounts.services import register_user
    from aidcoord.jobs.models import JobListing
    from aidcoord.needs.models import Need
    from aidcoord.organizations.models import Organization, OrganizationRegion, OrganizationSector
    from aidcoord.pledges.models import Pledge

    user = register_user("bench@example.org", "Bench", "bench-password-1", ["donor"])
    db.session.execute(sa.insert(Organization), [
        {"name": f"Org {i}", "name_key": f"org {i}", "kind": "ngo", "country": "AM", "description": "x",
         "verification_state": "verified"} for i in range(ORGANIZATIONS)])
    db.session.execute(sa.insert(OrganizationSector), [
        {"organization_id": i + 1, "sector": ("shelter", "health", "food_security")[i % 3]}
        for i in range(ORGANIZATIONS)])
    db.session.execute(sa.insert(OrganizationRegion), [
        {"organization_id": i + 1, "code": ("AM-SU", "AM-ER", "AM-VD")[i % 3]} for i in range(ORGANIZATIONS)])
    soon = today() + timedelta(days=10)
    db.session.execute(sa.insert(Need), [
        {"organization_id": i % ORGANIZATIONS + 1, "sector": "shelter", "item": f"beds {i}", "quantity": 100,
         "unit": "beds", "region": "AM-SU", "locality": "", "urgency": ("critical", "high", "normal")[i % 3],
         "needed_by": soon, "state": "open", "created_by_id": user.id, "description": ""} for i in range(NEEDS)])
    db.session.execute(sa.insert(Pledge), [
        {"pledged_by_id": user.id, "need_id": i % NEEDS + 1, "contribution": "in_kind", "quantity": 5, "unit": "beds",
         "item": "", "note": "", "state": "pledged", "delivered_units": 0} for i in range(PLEDGES)])
    db.session.execute(sa.insert(JobListing), [
        {"employer_id": user.id, "title": ("Driver", "Baker", "Teacher", "Nurse")[i % 4] + f" {i}",
         "sector": ("transport", "hospitality", "education", "healthcare")[i % 4], "description": "x",
         "region": ("AM-SU", "AM-ER", "AM-VD")[i % 3], "locality": "", "remote": i % 10 == 0, "positions": 2,
         "open_positions": 2, "languages": [{"code": ("hy", "ru", "en")[i % 3], "level": "B1"}], "skills": ["x"],
         "contract_type": "full_time", "closing_date": soon + timedelta(days=20), "state": "published",
         "created_by_id": user.id} for i in range(LISTINGS)])
    db.session.commit()
    # Fresh statistics, as autovacuum would have after a real day of inserts.
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def measure(client, path: str, rounds: int = ROUNDS) -> str:
    timings = request_timings(client, path, rounds)
    return (f"{path:55s} {1000 / statistics.mean(timings):7.0f} req/s   p50 {timings[len(timings) // 2]:6.1f} ms"
            f"   p95 {timings[int(len(timings) * 0.95)]:6.1f} ms")


def main() -> None:
    url = scratch_database_url()
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        load(app)
        print(f"database: {sa.engine.make_url(url).get_backend_name()}; loaded {ORGANIZATIONS} organizations, "
              f"{NEEDS} needs, {PLEDGES} pledges, {LISTINGS} job listings in {time.perf_counter() - started:.1f} s; "
              f"{ROUNDS} requests each")
    client = app.test_client()
    for path in ("/api/v1/organizations?per_page=20", "/api/v1/organizations?sector=shelter&region=AM-SU&q=org 1",
                 "/api/v1/needs?per_page=20", "/api/v1/needs?urgency=critical&page=50",
                 "/api/v1/needs/5000", "/api/v1/pledges?per_page=20", "/api/v1/jobs/listings?per_page=20",
                 "/api/v1/jobs/listings?region=AM-ER&language=ru&page=20", "/api/v1/jobs/listings?q=nurse 1",
                 "/jobs/?sector=education"):
        print(measure(client, path))
    print(measure(client, "/api/v1/pledges/totals", rounds=5), "(totals over all pledges, 5 requests)")


if __name__ == "__main__":
    main()
