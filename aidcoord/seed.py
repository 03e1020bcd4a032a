"""Demo data: the 2023 organizations, pledges and arrivals, and one account per role. Idempotent."""
import csv
from datetime import UTC
from pathlib import Path

from sqlalchemy import func, select

from aidcoord.accounts import services as accounts
from aidcoord.accounts.models import Role, User
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Organization
from aidcoord.organizations.permissions import is_member_of

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
DEMO_PASSWORD = "demo-password-2023"  # noqa: S105 - the demo accounts' published password (README)
DEMO_DOMAIN = "demo.aidcoord.example"
# The demo NGO member belongs to this organization, to show member-only pages.
DEMO_MEMBER_ORGANIZATION = "Hayordi"


def _ensure_account(role: Role) -> tuple[str, bool]:
    email = f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"
    if accounts.find_user_by_email(email) is not None:
        return email, False
    accounts.register_user(email, f"Demo {role.label}", DEMO_PASSWORD, [role], self_service=False)
    return email, True


def _demo_user(local_part: str) -> User:
    """A demo account that seed_accounts() (or seed_demo()) has made."""
    user = accounts.find_user_by_email(f"{local_part}@{DEMO_DOMAIN}")
    if user is None:
        raise RuntimeError(f"the demo account {local_part}@{DEMO_DOMAIN} is missing")
    return user


def seed_accounts() -> list[tuple[str, bool]]:
    return [_ensure_account(role) for role in Role if role is not Role.ORG_MEMBER]


def seed_organizations(admin, path: Path = DEMO_DATA / "organizations.csv") -> int:
    """Register every organization in the CSV as verified; rows already present are skipped."""
    created = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if db.session.scalar(select(Organization.id).where(Organization.name_key == row["name"].casefold())):
                continue
            organizations.apply_for_registration(admin, {
                "name": row["name"], "kind": row["kind"], "country": row["country"],
                "sectors": row["sectors"].split(";"), "description": row["description"],
            }, verified=True)
            created += 1
    return created


# Where each donor of the 2023 pledges is registered (ISO 3166-1); the EU by its seat in Brussels.
DONOR_COUNTRIES = {
    "France": "FR", "USAID and U.S. State Department": "US", "European Union": "BE", "Germany": "DE",
    "Italy": "IT", "Canada": "CA", "Japan": "JP", "Norway": "NO", "Spain": "ES", "Poland": "PL",
    "Lithuania": "LT", "Czech Republic": "CZ", "Belgium": "BE", "Iran": "IR", "Israel": "IL",
}
# The CSV names recipients briefly; these are the registered organizations they mean.
RECIPIENT_NAMES = {"Red Cross": "International Committee of the Red Cross (ICRC)"}
DONOR_SECTORS = {"government": ["early_recovery"], "un_agency": ["food_security"]}


def _organization_named(name: str):
    return db.session.scalar(select(Organization).where(Organization.name_key == name.casefold()))


def seed_pledges(admin, path: Path = DEMO_DATA / "aid-pledges-2023.csv") -> int:
    """The 2023 published contributions, recorded by the admin on behalf of each donor (registered as
    verified organizations when missing). Each row is loaded once, keyed by its row number."""
    from aidcoord.pledges import services as pledges

    created = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            donor = _organization_named(row["donor"])
            if donor is None:
                donor = organizations.apply_for_registration(admin, {
                    "name": row["donor"], "kind": row["donor_kind"], "country": DONOR_COUNTRIES[row["donor"]],
                    "sectors": DONOR_SECTORS.get(row["donor_kind"], ["logistics"]),
                    "description": "Donor in the September 2023 response.",
                }, verified=True)
            recipient = _organization_named(RECIPIENT_NAMES.get(row["recipient"], row["recipient"])) \
                if row["recipient"] else None
            # The CSV row number is the idempotency key: a second run finds every row already there.
            _pledge, was_created = pledges.make_pledge(admin, {
                "contribution": row["contribution"], "amount": row["amount"] or None,
                "currency": row["currency"] or None, "quantity": row["quantity"] or None,
                "unit": row["unit"] or None, "item": row["item"], "note": row["note"],
                "source_url": row["source"], "donor_organization_id": donor.id,
                "recipient_organization_id": recipient.id if recipient else None,
            }, idempotency_key=f"seed:aid-pledges-2023:{number}")
            created += was_created
    return created


# Needs like those posted in the 2023 chat channels (quantities invented for the demo).
DEMO_NEEDS = [
    # external_ref, organization, sector, item, quantity, unit, region, locality, urgency
    ("demo-need-1", "Hayordi", "shelter", "beds", "120", "beds", "AM-SU", "Goris", "critical"),
    ("demo-need-2", "All for Armenia", "food_security", "hot meals", "3000", "meals", "AM-SU", "Kornidzor", "critical"),
    ("demo-need-3", "Frontline Therapists", "protection", "psychological first aid sessions", "200", "hours",
     "AM-ER", "Yerevan", "high"),
    ("demo-need-4", "Hayordi", "food_security", "baby formula", "250", "kg", "AM-VD", "Yeghegnadzor", "high"),
]


def seed_needs(admin) -> int:
    """Open demo needs for the demo organizations; skipped when present."""
    from datetime import timedelta

    from aidcoord.needs import services as needs
    from aidcoord.needs.models import Need

    created = 0
    for ref, organization_name, sector, item, quantity, unit, region, locality, urgency in DEMO_NEEDS:
        organization = _organization_named(organization_name)
        if organization is None or db.session.scalar(select(Need.id).where(Need.external_ref == ref)):
            continue
        needs.post_need(admin, organization, {
            "sector": sector, "item": item, "quantity": quantity, "unit": unit, "region": region,
            "locality": locality, "urgency": urgency, "needed_by": today() + timedelta(days=14),
            "external_ref": ref})
        created += 1
    return created


# A few verified places and waiting families, so the housing queue can be tried at once.
DEMO_OFFERS = [
    # external_ref, region, locality, beds, whole dwelling, pets, step-free, languages
    ("demo-offer-1", "AM-SU", "Goris", 4, False, True, False, ["hy", "ru"]),
    ("demo-offer-2", "AM-SU", "Kapan", 6, True, False, True, ["hy"]),
    ("demo-offer-3", "AM-VD", "Yeghegnadzor", 3, False, False, False, ["hy", "en"]),
    ("demo-offer-4", "AM-ER", "Yerevan", 5, False, True, True, ["hy", "ru", "en"]),
]
DEMO_HOUSEHOLDS = [
    # external_ref, adults, children, under 5, over 65, disabled, preferred regions, languages
    ("demo-household-1", 2, 3, 1, 0, 0, ["AM-SU"], ["hy", "ru"]),
    ("demo-household-2", 1, 2, 2, 0, 0, [], ["hy"]),
    ("demo-household-3", 2, 0, 0, 2, 1, ["AM-ER"], ["hy", "ru"]),
    ("demo-household-4", 3, 1, 0, 1, 0, ["AM-VD", "AM-SU"], ["hy"]),
    ("demo-household-5", 1, 0, 0, 0, 0, [], ["ru"]),
]


def seed_housing(coordinator, host) -> int:
    """Verified demo offers and queued demo households (fictional people); skipped when present."""
    from aidcoord.housing import households, offers
    from aidcoord.housing.models import Household, HousingOffer, VettingState

    created = 0
    for ref, region, locality, beds, whole, pets, step_free, languages in DEMO_OFFERS:
        if db.session.scalar(select(HousingOffer.id).where(HousingOffer.external_ref == ref)):
            continue
        offer = offers.create_offer(host, {
            "region": region, "locality": locality, "address": f"{locality}, demo street {beds}", "beds": beds,
            "whole_dwelling": whole, "pets_accepted": pets, "step_free": step_free, "languages": languages,
            "available_from": today(), "external_ref": ref, "meals_included": region == "AM-SU",
        })
        offers.vet_offer(coordinator, offer, VettingState.VERIFIED, "demo data")
        created += 1
    for number, (ref, adults, children, under_5, over_65, disabled, regions, languages) in enumerate(DEMO_HOUSEHOLDS):
        if db.session.scalar(select(Household.id).where(Household.external_ref == ref)):
            continue
        households.register_household(coordinator, {
            "contact_name": f"Demo family {number + 1}", "contact_phone": f"+374 99 00 00 {number + 1:02d}",
            "adults": adults, "children": children, "children_under_5": under_5, "over_65": over_65,
            "disabled": disabled, "preferred_regions": regions, "languages": languages, "consent_to_share": True,
            "external_ref": ref, "single_caregiver": adults == 1 and children > 0,
        })
        created += 1
    return created


# A few plausible jobs (pending review for one, to show moderation) and volunteer shifts.
DEMO_LISTINGS = [
    # title, sector, region, locality, positions, languages, skills, contract, salary (AMD), publish
    ("Baker's assistant", "hospitality", "AM-ER", "Yerevan", 2, "hy:B1", "baking", "full_time", (220000, 260000), True),
    ("Warehouse worker", "transport", "AM-KT", "Abovyan", 5, "hy:A2 ru:B1", "packing, forklift", "temporary",
     (200000, 240000), True),
    ("Russian-Armenian interpreter", "services", "", "", 1, "hy:C1 ru:C1", "interpreting", "part_time", None, True),
    ("Primary school teacher", "education", "AM-SU", "Goris", 1, "hy:C2", "teaching", "full_time", None, False),
]
DEMO_SHIFTS = [
    # task, region, locality, days ahead, start hour (UTC), hours, slots, required skills
    ("Hot meals at the reception centre", "AM-SU", "Goris", 1, 8, 6, 6, ["cooking"]),
    ("Driving families from Kornidzor to Goris", "AM-SU", "Kornidzor", 2, 6, 8, 3, ["driver"]),
    ("Sorting donated clothes", "AM-ER", "Yerevan", 3, 10, 4, 10, []),
    ("Play corner for small children", "AM-ER", "Yerevan", 3, 9, 3, 2, ["childcare"]),
]


def seed_jobs_and_shifts(coordinator, employer, organizer) -> int:
    """Demo job listings, two job seekers waiting in the jobs queue, and upcoming shifts of the demo
    member's organization; skipped when present."""
    from datetime import datetime, time, timedelta

    from aidcoord.jobs import listings, seekers
    from aidcoord.jobs.models import JobListing, JobSeeker
    from aidcoord.volunteers import services as volunteers
    from aidcoord.volunteers.models import Shift

    created = 0
    for title, sector, region, locality, positions, languages, skills, contract, salary, publish in DEMO_LISTINGS:
        if db.session.scalar(select(JobListing.id).where(JobListing.title == title)):
            continue
        listing = listings.post_listing(employer, {
            "title": title, "sector": sector, "region": region, "locality": locality, "remote": not region,
            "positions": positions, "languages": languages, "skills": skills, "contract_type": contract,
            "salary_min": salary[0] if salary else None, "salary_max": salary[1] if salary else None,
            "salary_currency": "AMD" if salary else None, "closing_date": today() + timedelta(days=30),
            "description": f"{title} (demo listing)."})
        if publish:
            listings.publish(coordinator, listing)
        created += 1
    for number, (profession, skills, languages, regions) in enumerate([
            ("baker", "baking, dough", "hy:native ru:B2", "AM-ER AM-KT"),
            ("warehouse worker", "packing, forklift", "hy:native ru:C1", "AM-KT")]):
        name = f"Demo job seeker {number + 1}"
        if db.session.scalar(select(JobSeeker.id).where(JobSeeker.contact_name == name)):
            continue
        seeker = seekers.register_for_other(coordinator, {
            "contact_name": name, "contact_phone": f"+374 98 00 00 {number + 1:02d}", "profession": profession,
            "skills": skills, "languages": languages, "regions": regions, "consent_to_share": True})
        seekers.ask_for_help(coordinator, seeker)
        created += 1
    organization = _organization_named(DEMO_MEMBER_ORGANIZATION)
    for task, region, locality, days, hour, hours, slots, required_skills in DEMO_SHIFTS:
        if organization is None or db.session.scalar(select(Shift.id).where(Shift.task == task)):
            continue
        start = datetime.combine(today() + timedelta(days=days), time(hour), tzinfo=UTC)
        volunteers.post_shift(organizer, organization, {
            "task": task, "region": region, "locality": locality, "starts_at": start,
            "ends_at": start + timedelta(hours=hours), "slots": slots, "required_skills": required_skills,
            "requires_background_check": "childcare" in required_skills})
        created += 1
    return created


def seed_arrivals(admin, path: Path = DEMO_DATA / "arrivals-2023.csv") -> int:
    """The reported arrivals of September 2023 (through the arrivals import); rows already there are skipped."""
    from aidcoord.arrivals import imports

    return len(imports.import_arrivals(admin, path.read_text(encoding="utf-8"), skip_recorded=True))


def loaded_counts() -> dict[str, int]:
    """How many rows of each kind the demo loads are in the database, counted there."""
    from aidcoord.arrivals.models import ArrivalReport
    from aidcoord.housing.models import Household, HousingOffer
    from aidcoord.jobs.models import JobListing, JobSeeker
    from aidcoord.needs.models import Need
    from aidcoord.pledges.models import Pledge
    from aidcoord.volunteers.models import Shift

    models = {"organizations": Organization, "pledges": Pledge, "needs": Need, "housing_offers": HousingOffer,
              "households": Household, "job_listings": JobListing, "job_seekers": JobSeeker, "shifts": Shift,
              "arrival_reports": ArrivalReport, "accounts": User}
    return {name: db.session.scalar(select(func.count()).select_from(model)) or 0 for name, model in models.items()}


def seed_demo() -> dict:
    """Load everything; returns the logins and, for each kind, the rows in the database after loading and how
    many of them this run added (counted in the database, not by the loaders)."""
    before = loaded_counts()
    logins = seed_accounts()
    admin = _demo_user("admin")
    seed_organizations(admin)
    seed_pledges(admin)
    seed_needs(admin)
    member_email = f"org-member@{DEMO_DOMAIN}"
    if accounts.find_user_by_email(member_email) is None:
        accounts.register_user(member_email, "Demo organization member", DEMO_PASSWORD)
        logins.append((member_email, True))
    else:
        logins.append((member_email, False))
    hayordi = db.session.scalar(
        select(Organization).where(Organization.name_key == DEMO_MEMBER_ORGANIZATION.casefold()))
    member = _demo_user("org-member")
    if hayordi is not None and not is_member_of(member, hayordi.id):
        organizations.add_member(admin, hayordi, member_email)
    seed_housing(_demo_user("coordinator"), _demo_user("host"))
    seed_jobs_and_shifts(_demo_user("coordinator"), _demo_user("employer"), member)
    seed_arrivals(admin)
    after = loaded_counts()
    return {"logins": logins, "loaded": {name: (total, total - before[name]) for name, total in after.items()}}
