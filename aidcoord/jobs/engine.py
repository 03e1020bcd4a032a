"""Which open listings fit a job seeker, and in what order: place and languages filter; skills,
start date and language strength rank. Every candidate carries its reasons."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.common.formats import format_day
from aidcoord.common.types import today as local_today
from aidcoord.extensions import db
from aidcoord.jobs.models import LANGUAGE_LEVELS, JobListing, JobSeeker, ListingState

MAX_CANDIDATES = 50


@dataclass
class Candidate:
    listing: JobListing
    score: int
    reasons: list = field(default_factory=list)


def _level_rank(level: str | None) -> int:
    return LANGUAGE_LEVELS.index(level) if level in LANGUAGE_LEVELS else -1


def violations(seeker: JobSeeker, listing: JobListing, today: date | None = None, *,
               capacity: bool = True) -> list:
    """Every hard constraint the listing breaks for the seeker (empty: compatible). `capacity=False`
    leaves out whether positions are open (a full listing is a conflict, not a misfit)."""
    broken = []
    if not seeker.consent_to_share:
        broken.append(_l("the seeker has not consented to share the profile with employers"))
    if listing.state is not ListingState.PUBLISHED or listing.closing_date < (today or local_today()):
        broken.append(_l("the listing is not open"))
    elif capacity and listing.open_positions < 1:
        broken.append(_l("no open positions"))
    if listing.remote:
        if not seeker.remote_ok:
            broken.append(_l("remote work, which the seeker did not ask for"))
    elif seeker.regions and listing.region not in seeker.regions:
        broken.append(_l("in %(region)s, outside the seeker's regions", region=listing.region))
    for required in listing.languages:
        has = seeker.level_in(required["code"])
        if _level_rank(has) < _level_rank(required["level"]):
            broken.append(_l("needs %(code)s at %(level)s", code=required["code"], level=required["level"]))
    return broken


def fit(seeker: JobSeeker, listing: JobListing) -> Candidate:
    """Points for shared skills, a matching profession, being available by the start date, and
    languages above the level required."""
    score, reasons = 0, []
    shared = sorted(set(seeker.skills) & set(listing.skills))
    if shared:
        score += 10 * len(shared)
        reasons.append(_l("skills: %(skills)s", skills=", ".join(shared)))
    missing = sorted(set(listing.skills) - set(seeker.skills))
    if missing:
        reasons.append(_l("lacks: %(skills)s", skills=", ".join(missing)))
    if seeker.profession and seeker.profession.lower() in f"{listing.title} {listing.description}".lower():
        score += 15
        reasons.append(_l("profession: %(profession)s", profession=seeker.profession))
    if listing.start_date is None or seeker.available_from <= listing.start_date:
        score += 5
        reasons.append(_l("available by the start date"))
    else:
        reasons.append(_l("available only from %(day)s", day=LazyString(format_day, seeker.available_from)))
    if listing.remote:
        reasons.append(_l("remote"))
    elif listing.region in seeker.regions:
        score += 5
        reasons.append(_l("in a region the seeker chose (%(region)s)", region=listing.region))
    for required in listing.languages:
        if _level_rank(seeker.level_in(required["code"])) > _level_rank(required["level"]):
            score += 2
            reasons.append(_l("%(code)s above the level asked", code=required["code"]))
    return Candidate(listing=listing, score=score, reasons=[str(reason) for reason in reasons])


def candidates(seeker: JobSeeker, today: date | None = None, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Compatible open listings, best first (ties: the listing closing soonest)."""
    today = today or local_today()
    query = select(JobListing).where(JobListing.state == ListingState.PUBLISHED, JobListing.closing_date >= today,
                                     JobListing.open_positions > 0)
    if not seeker.remote_ok:
        query = query.where(JobListing.remote.is_(False))
    if seeker.regions:
        query = query.where(JobListing.remote.is_(True) | JobListing.region.in_(seeker.regions))
    fitting = [fit(seeker, listing) for listing in db.session.scalars(query)
               if not violations(seeker, listing, today)]
    fitting.sort(key=lambda c: (-c.score, c.listing.closing_date, c.listing.id))
    return fitting[:limit]
