"""Which open listings fit a job seeker, and in what order: place and languages filter; skills,
start date and language strength rank. Every candidate carries its reasons."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.common.codes import language_name, subdivision_name
from aidcoord.common.formats import format_day
from aidcoord.common.types import today as local_today
from aidcoord.extensions import db
from aidcoord.jobs.models import LANGUAGE_LEVELS, JobListing, JobSeeker, ListingState, level_name

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
        broken.append(_l("in %(region)s, outside the seeker's regions", region=subdivision_name(listing.region)))
    for required in listing.languages:
        has = seeker.level_in(required["code"])
        if _level_rank(has) < _level_rank(required["level"]):
            broken.append(_l("needs %(language)s at %(level)s", language=language_name(required["code"]),
                             level=level_name(required["level"])))
    return broken


def fit(seeker: JobSeeker, listing: JobListing) -> Candidate:
    """Points for shared skills, a matching profession, being available by the start date, and
    languages above the level required. Reasons are codes with their values, worded by `reason_text` where
    they are read (an application keeps them; the employer reads them in their own language)."""
    score, reasons = 0, []
    shared = sorted(set(seeker.skills) & set(listing.skills))
    if shared:
        score += 10 * len(shared)
        reasons.append({"code": "skills", "points": 10 * len(shared), "skills": shared})
    missing = sorted(set(listing.skills) - set(seeker.skills))
    if missing:
        reasons.append({"code": "lacks", "points": 0, "skills": missing})
    if seeker.profession and seeker.profession.lower() in f"{listing.title} {listing.description}".lower():
        score += 15
        reasons.append({"code": "profession", "points": 15, "profession": seeker.profession})
    if listing.start_date is None or seeker.available_from <= listing.start_date:
        score += 5
        reasons.append({"code": "available_by_start", "points": 5})
    else:
        reasons.append({"code": "available_from", "points": 0, "day": seeker.available_from.isoformat()})
    if listing.remote:
        reasons.append({"code": "remote", "points": 0})
    elif listing.region in seeker.regions:
        score += 5
        reasons.append({"code": "chosen_region", "points": 5, "region": listing.region})
    for required in listing.languages:
        if _level_rank(seeker.level_in(required["code"])) > _level_rank(required["level"]):
            score += 2
            reasons.append({"code": "language_above_level", "points": 2, "language": required["code"]})
    return Candidate(listing=listing, score=score, reasons=reasons)


def reason_text(reason: dict | str) -> str:
    """A fit reason in the reader's language: regions and languages by name, days by Babel. Skills and
    professions are what people typed (free text), shown as typed. Applications made before reasons were
    codes hold text: shown as it was written."""
    if not isinstance(reason, dict):
        return str(reason)
    code = reason.get("code")
    if code == "skills":
        return gettext("skills: %(skills)s", skills=", ".join(reason.get("skills") or ()))
    if code == "lacks":
        return gettext("lacks: %(skills)s", skills=", ".join(reason.get("skills") or ()))
    if code == "profession":
        return gettext("profession: %(profession)s", profession=reason.get("profession") or "")
    if code == "available_by_start":
        return gettext("available by the start date")
    if code == "available_from":
        return gettext("available only from %(day)s", day=format_day(date.fromisoformat(reason["day"])))
    if code == "remote":
        return gettext("remote")
    if code == "chosen_region":
        return gettext("in a region the seeker chose (%(region)s)", region=subdivision_name(reason.get("region")))
    if code == "language_above_level":
        return gettext("%(language)s above the level asked", language=language_name(reason.get("language")))
    return str(code)


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
