"""The housing side of a crisis in bulk rows, shared by the benchmarks that read it (bench/api.py,
bench/dashboard.py): offers across Armenia's regions, households waiting in the queue, the first of them
proposed. Core executemany: the benchmarks measure reading, not writing. Call inside an app context."""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

REGIONS = ("AM-SU", "AM-ER", "AM-VD", "AM-KT", "AM-AR", "AM-AV", "AM-GR", "AM-LO", "AM-SH", "AM-TV", "AM-AG")


def insert_housing(coordinator_id: int, day: date, *, offers: int, households: int, proposals: int,
                   organizations: int) -> None:
    """`offers` offers of 4 beds, `households` households waiting (priority spread over 0-99, one joining
    every 7 minutes), the first `proposals` of them proposed to an offer, expiring over the next 72 hours."""
    # Imported here: `make bench` runs every file in bench/ as a script, this one too (it does nothing then).
    from aidcoord.extensions import db
    from aidcoord.housing.models import Household, HousingOffer
    from aidcoord.matching.models import Match, QueueEntry

    db.session.execute(sa.insert(HousingOffer), [
        {"host_id": coordinator_id, "organization_id": i % organizations + 1 if i % 2 else None,
         "region": REGIONS[i % 11], "address": f"{i} Street", "beds": 4, "free_beds": _free_beds(i, proposals),
         "available_from": day, "created_by_id": coordinator_id, "languages": ["hy"],
         "vetting_state": ("verified", "unverified")[i % 4 == 0]} for i in range(offers)])
    now = datetime.now(UTC)
    db.session.execute(sa.insert(Household), [
        {"contact_name": f"Family {i}", "contact_phone": f"+3749{i:07d}", "size": 2 + i % 5, "adults": 2,
         "children": i % 5, "needed_from": day, "registered_by_id": coordinator_id,
         "preferred_regions": [REGIONS[i % 11]] if i % 3 else [], "languages": ["hy"],
         "organization_id": i % organizations + 1, "priority": (i * 13) % 100} for i in range(households)])
    db.session.execute(sa.insert(QueueEntry), [
        {"kind": "housing", "subject_id": i + 1, "priority": (i * 13) % 100,
         "joined_at": now - timedelta(minutes=i * 7), "state": "waiting" if i >= proposals else "proposed"}
        for i in range(households)])
    db.session.execute(sa.insert(Match), [
        {"kind": "housing", "entry_id": i + 1, "subject_id": i + 1, "offer_id": i * 3 + 1, "people": 2, "held": 2,
         "state": "proposed", "expires_at": now + timedelta(hours=1 + i % 72), "reasons": []}
        for i in range(proposals)])


def _free_beds(offer: int, proposals: int) -> int:
    """0-4 free beds; an offer holding a proposal's 2 beds (every third, see the matches) has at most 2 free, so
    that the proposal's expiry, which gives them back (GET /housing/queue expires overdue ones), stays within
    its 4 beds."""
    return min(offer % 5, 2) if offer % 3 == 0 and offer // 3 < proposals else offer % 5
