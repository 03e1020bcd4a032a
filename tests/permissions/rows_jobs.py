"""Jobs. Both listings are the listing employer's ({listing} published, {pending_listing} waiting for
review); the self seeker applied to {listing} ({application}); {seeker} was registered by the member
(a caseworker of a verified organization) and waits in the jobs queue ({jobs_entry})."""
from tests.permissions.matrix import row

LISTING = {"organization_id": None, "title": "Driver", "sector": "transport", "region": "AM-ER", "positions": 1,
           "contract_type": "full_time", "closing_date": "{next_year}"}
LISTING_FORM = {**LISTING, "organization_id": ""}
SEEKER = {"contact_name": "New Person", "contact_phone": "+37491000000", "consent_to_share": True}
SEEKER_FORM = {**SEEKER, "consent_to_share": "y"}
STAFF_ONLY = {"others": 403, "staff": 200}
# Who a seeker's records are for: the seeker, whoever registered them, coordinators.
OWN_SEEKER = {"others": 404, "staff": 200, "self_seeker": 200}
REGISTERED_SEEKER = {"others": 404, "staff": 200, "member": 200}
# The application's two sides: the seeker's and the employer's.
APPLICATION = {"others": 404, "staff": 200, "listing_employer": 200, "self_seeker": 200}

ROWS = [
    # ---- listings API
    row("GET", "/api/v1/jobs/listings", everyone=200),
    row("GET", "/api/v1/jobs/listings/{listing}", everyone=200, listing_employer=200),
    row("GET", "/api/v1/jobs/listings/{pending_listing}", anonymous=404, others=404, staff=200, listing_employer=200),
    row("POST", "/api/v1/jobs/listings", LISTING, others=403, employer=201, listing_employer=201),
    row("GET", "/api/v1/jobs/listings/mine", others=200, listing_employer=200),
    row("GET", "/api/v1/jobs/listings/review", **STAFF_ONLY, listing_employer=403),
    row("POST", "/api/v1/jobs/listings/{pending_listing}/publish", others=403, staff=200, listing_employer=403),
    row("POST", "/api/v1/jobs/listings/{pending_listing}/reject", {"reason": "misleading pay"}, others=403, staff=200,
        listing_employer=403),
    row("POST", "/api/v1/jobs/listings/{listing}/close", {}, others=403, staff=200, listing_employer=200),
    row("PATCH", "/api/v1/jobs/listings/{listing}", {"positions": 6}, others=403, staff=200, listing_employer=200),
    row("POST", "/api/v1/jobs/listings/{listing}/reports", {"reason": "scam"}, everyone=201, listing_employer=201),
    row("GET", "/api/v1/jobs/listings/{listing}/applications", others=403, staff=200, listing_employer=200),
    # Applying takes one's own seeker profile; those without one are told to create it (404).
    row("POST", "/api/v1/jobs/listings/{listing}/applications", {}, others=404, self_seeker=409),
    row("POST", "/api/v1/jobs/listings/{listing}/applications", {"seeker_id": "{seeker}"}, others=404, staff=201,
        member=201),

    # ---- seekers API
    row("GET", "/api/v1/jobs/seekers/me", others=404, self_seeker=200),
    row("PUT", "/api/v1/jobs/seekers/me", SEEKER, others=200, self_seeker=200),
    row("POST", "/api/v1/jobs/seekers", SEEKER, others=403, staff=201, member=201, other_member=201),
    row("GET", "/api/v1/jobs/seekers/{own_seeker}", **OWN_SEEKER),
    row("GET", "/api/v1/jobs/seekers/{seeker}", **REGISTERED_SEEKER),
    row("PUT", "/api/v1/jobs/seekers/{own_seeker}", SEEKER, **OWN_SEEKER),
    row("POST", "/api/v1/jobs/seekers/{own_seeker}/help", others=404, staff=201, self_seeker=201),
    row("DELETE", "/api/v1/jobs/seekers/{seeker}/help", others=404, staff=204, member=204),
    row("POST", "/api/v1/jobs/seekers/{own_seeker}/priority", {"points": 10, "reason": "widowed, three children"},
        others=403, staff=200, self_seeker=403),
    row("GET", "/api/v1/jobs/seekers/{own_seeker}/applications", **OWN_SEEKER),

    # ---- jobs queue API
    row("GET", "/api/v1/jobs/queue", **STAFF_ONLY),
    row("POST", "/api/v1/jobs/queue/take", others=403, staff=200),
    row("GET", "/api/v1/jobs/queue/{jobs_entry}", others=403, staff=200),
    row("POST", "/api/v1/jobs/queue/{jobs_entry}/release", others=403, staff=409),
    # Nobody holds the lease: coordinators are told to take the entry first (409).
    row("POST", "/api/v1/jobs/referrals", {"entry_id": "{jobs_entry}", "listing_id": "{listing}"}, others=403,
        staff=409),

    # ---- applications API
    row("GET", "/api/v1/jobs/applications/{application}", **APPLICATION),
    row("POST", "/api/v1/jobs/applications/{application}/interview", others=404, staff=403, listing_employer=200,
        self_seeker=403),
    row("POST", "/api/v1/jobs/applications/{application}/hire", others=404, staff=403, listing_employer=409,
        self_seeker=403),
    row("POST", "/api/v1/jobs/applications/{application}/reject", {"reason": "position filled"}, others=404, staff=200,
        listing_employer=200, self_seeker=403),
    row("POST", "/api/v1/jobs/applications/{application}/withdraw", {}, others=404, staff=200, listing_employer=404,
        self_seeker=200),
    row("POST", "/api/v1/jobs/applications/{application}/consent", others=404, staff=200, listing_employer=404,
        self_seeker=200),

    # ---- listings pages
    row("GET", "/jobs/", everyone=200),
    row("GET", "/jobs/{listing}", everyone=200, listing_employer=200),
    row("GET", "/jobs/{pending_listing}", anonymous=404, others=404, staff=200, listing_employer=200),
    row("GET", "/jobs/new", others=200),
    # Only employers post for themselves (organization_id empty).
    row("POST", "/jobs/new", LISTING_FORM, others=403, employer=302, listing_employer=302),
    row("GET", "/jobs/mine", others=200),
    row("GET", "/jobs/review", **STAFF_ONLY),
    row("POST", "/jobs/{pending_listing}/publish", others=404, staff=302, listing_employer=403),
    row("POST", "/jobs/{listing}/reject", {"reason": "misleading pay"}, others=403, staff=302, listing_employer=403),
    row("POST", "/jobs/{listing}/close", others=403, staff=302, listing_employer=302),
    row("POST", "/jobs/{listing}/positions", {"positions": "6"}, others=403, staff=302, listing_employer=302),
    row("POST", "/jobs/{listing}/report", {"reason": "scam"}, everyone=302),
    row("POST", "/jobs/{listing}/apply", others=302, self_seeker=302),

    # ---- seekers pages
    row("GET", "/jobs/seekers/me", others=200),
    row("POST", "/jobs/seekers/me", SEEKER_FORM, others=302),
    row("GET", "/jobs/seekers/new", others=200),
    row("POST", "/jobs/seekers/new", SEEKER_FORM, others=403, staff=302, member=302, other_member=302),
    row("GET", "/jobs/seekers/{own_seeker}", **OWN_SEEKER),
    row("GET", "/jobs/seekers/{seeker}", **REGISTERED_SEEKER),
    row("POST", "/jobs/seekers/{own_seeker}/help", others=404, staff=302, self_seeker=302),
    row("POST", "/jobs/seekers/{seeker}/leave", others=404, staff=302, member=302),

    # ---- jobs queue pages
    row("GET", "/jobs/queue", **STAFF_ONLY),
    row("POST", "/jobs/queue/take", others=403, staff=302),
    row("GET", "/jobs/queue/{jobs_entry}", others=403, staff=200),
    row("POST", "/jobs/queue/{jobs_entry}/release", others=403, staff=302),
    row("POST", "/jobs/queue/{jobs_entry}/refer/{listing}", others=403, staff=302),

    # ---- applications pages
    row("GET", "/jobs/applications/{application}", **APPLICATION),
    row("POST", "/jobs/applications/{application}/interview", others=404, staff=403, listing_employer=302,
        self_seeker=403),
    row("POST", "/jobs/applications/{application}/hire", others=404, staff=403, listing_employer=302, self_seeker=403),
    row("POST", "/jobs/applications/{application}/reject", {"reason": "position filled"}, others=404, staff=302,
        listing_employer=302, self_seeker=403),
    row("POST", "/jobs/applications/{application}/withdraw", others=404, staff=302, listing_employer=404,
        self_seeker=302),
    row("POST", "/jobs/applications/{application}/consent", others=404, staff=302, listing_employer=404,
        self_seeker=302),

    # ---- consent: the texts for anyone; a seeker's records for the seeker, whoever registered them, coordinators
    row("GET", "/api/v1/consent/texts", everyone=200),
    row("GET", "/api/v1/consent/job_seeker/{seeker}", **REGISTERED_SEEKER),
    row("GET", "/api/v1/consent/job_seeker/{own_seeker}", **OWN_SEEKER),
    row("POST", "/api/v1/consent/job_seeker/{own_seeker}", {"purpose": "messages"}, others=404, staff=422,
        self_seeker=201),
    row("POST", "/api/v1/consent/job_seeker/{seeker}/share_with_employer/withdraw", {"reason": "asked"}, others=404,
        staff=200, member=200),
    row("POST", "/consent/job_seeker/{own_seeker}/record", {"consent-purpose": "messages"}, others=404, staff=302,
        self_seeker=302),
    row("POST", "/consent/job_seeker/{own_seeker}/share_with_employer/withdraw", others=404, staff=302,
        self_seeker=302),
]
