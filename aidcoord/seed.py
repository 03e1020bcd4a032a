"""Demo data: the 2023 organizations and one account per role. Idempotent."""
import csv
from pathlib import Path

from sqlalchemy import select

from aidcoord.accounts import services as accounts
from aidcoord.accounts.models import Role
from aidcoord.extensions import db
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Organization

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
DEMO_PASSWORD = "demo-password-2023"
DEMO_DOMAIN = "demo.aidcoord.example"
# The demo NGO member belongs to this organization, to show member-only pages.
DEMO_MEMBER_ORGANIZATION = "Hayordi"


def _ensure_account(role: Role) -> tuple[str, bool]:
    email = f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"
    if accounts.find_user_by_email(email) is not None:
        return email, False
    accounts.register_user(email, f"Demo {role.label}", DEMO_PASSWORD, [role], self_service=False)
    return email, True


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


def seed_demo() -> dict:
    """Load everything; returns what was created, for the command to print."""
    logins = seed_accounts()
    admin = accounts.find_user_by_email(f"admin@{DEMO_DOMAIN}")
    created = seed_organizations(admin)
    member_email = f"org-member@{DEMO_DOMAIN}"
    if accounts.find_user_by_email(member_email) is None:
        accounts.register_user(member_email, "Demo organization member", DEMO_PASSWORD)
        logins.append((member_email, True))
    else:
        logins.append((member_email, False))
    hayordi = db.session.scalar(select(Organization).where(Organization.name_key == DEMO_MEMBER_ORGANIZATION.casefold()))
    member = accounts.find_user_by_email(member_email)
    if hayordi is not None and not organizations.is_member(member, hayordi):
        organizations.add_member(admin, hayordi, member_email)
    return {"logins": logins, "organizations_created": created}
