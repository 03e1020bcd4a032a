"""Housing. The offer is the offer host's; {household} was registered for the record's organization by the
removed member while still a member, and is proposed the offer ({match}); {own_household} registered
itself and is placed there ({placed_match}, with a welfare check and an incident)."""
from tests.permissions.matrix import OK, RawBody, csv_upload, row

OFFER = {"region": "AM-SU", "locality": "Goris", "address": "3 Garegin Nzhdeh St", "beds": 3,
         "available_from": "{today}", "languages": ["hy"]}
OFFER_FORM = {**OFFER, "languages": "hy"}
FAMILY = {"contact_name": "Lilit Grigoryan", "contact_phone": "+374 94 777888", "adults": 2, "children": 1,
          "languages": ["hy"], "preferred_regions": ["AM-SU"], "consent_to_share": True}
FAMILY_FORM = {**FAMILY, "languages": "hy", "preferred_regions": "AM-SU", "consent_to_share": "y",
               "needed_from": "{today}"}
OFFERS_CSV = "region,address,beds,available_from\nAM-SU,5 Shahumyan St,2,{today}\n"
HOUSEHOLDS_CSV = "contact_name,contact_phone,adults\nAram Mkrtchyan,+374 95 111222,1\n"
STAFF_ONLY = {"others": 403, "staff": 200}

ROWS = [
    # ---- offers API
    row("GET", "/api/v1/housing/offers", others=200),
    row("GET", "/api/v1/housing/offers/export.csv", others=200),
    row("POST", "/api/v1/housing/offers", OFFER, others=403, host=201, offer_host=201),
    row("GET", "/api/v1/housing/offers/{offer}", others=404, staff=200, offer_host=200),
    row("PATCH", "/api/v1/housing/offers/{offer}", {"notes": "garden"}, others=404, staff=200, offer_host=200),
    row("POST", "/api/v1/housing/offers/{offer}/vet", {"decision": "verified", "note": "visited"}, others=403,
        staff=200, offer_host=403),
    # People are placed there, so nobody may withdraw it now (409); outsiders do not even see it.
    row("POST", "/api/v1/housing/offers/{offer}/withdraw", {"reason": "moving"}, others=404, staff=409, offer_host=409),

    # ---- households API
    row("POST", "/api/v1/housing/households", FAMILY, others=403, staff=201, member=201, other_member=201),
    row("POST", "/api/v1/housing/households", {**FAMILY, "for_self": True}, others=201),
    row("GET", "/api/v1/housing/households/{household}", others=404, staff=200, member=200),
    row("GET", "/api/v1/housing/households/{own_household}", others=404, staff=200, self_household=200),
    # ---- a household's consent: whoever may see its case; on its behalf only with a reason (422 without)
    row("GET", "/api/v1/consent/household/{household}", others=404, staff=200, member=200),
    row("POST", "/api/v1/consent/household/{household}", {"purpose": "messages", "on_behalf_reason": "at the desk"},
        others=404, staff=201, member=201),
    row("POST", "/api/v1/consent/household/{own_household}", {"purpose": "messages"}, others=404, staff=422,
        self_household=201),
    row("POST", "/api/v1/consent/household/{household}/share_with_host/withdraw", {"reason": "asked by phone"},
        others=404, staff=200, member=200),
    row("POST", "/consent/household/{household}/record",
        {"consent-purpose": "messages", "consent-language": "hy", "consent-on_behalf_reason": "at the desk"},
        others=404, staff=302, member=302),
    row("POST", "/consent/household/{household}/share_with_host/withdraw", {"withdraw-reason": "asked by phone"},
        others=404, staff=302, member=302),
    row("POST", "/api/v1/housing/households/{household}/priority", {"points": 10, "reason": "widowed"}, others=403,
        staff=200),
    # Coordinators and the household's caseworkers (the removed member no longer is one).
    row("POST", "/api/v1/housing/households/{household}/duplicate", {"merge": False}, others=404, staff=409,
        member=409),
    row("GET", "/api/v1/housing/households/{household}/duplicates", others=404, staff=200, member=200),
    row("GET", "/api/v1/housing/households/{own_household}/duplicates", others=404, staff=200, self_household=403),
    # Self-declared: coordinators confirm, the household itself may not; a caseworker's registration has nothing
    # to confirm (409); the removed member no longer sees it.
    row("POST", "/api/v1/housing/households/{own_household}/confirm-vulnerability", others=404, staff=200,
        self_household=403),
    row("POST", "/api/v1/housing/households/{household}/confirm-vulnerability", others=404, staff=409, member=409),

    # ---- queue and matches API
    row("GET", "/api/v1/housing/queue", **STAFF_ONLY),
    row("GET", "/api/v1/housing/queue/export.csv", **STAFF_ONLY),
    row("POST", "/api/v1/housing/queue/take", others=403, staff=204),
    row("GET", "/api/v1/housing/queue/{entry}", others=403, staff=200),
    row("GET", "/api/v1/housing/queue/{entry}/candidates", others=403, staff=200),
    row("POST", "/api/v1/housing/queue/{entry}/release", others=403, staff=409),
    row("POST", "/api/v1/housing/matches", {"entry_id": "{entry}", "offer_id": "{offer}"}, others=403, staff=409),
    row("GET", "/api/v1/housing/matches", others=200),
    row("GET", "/api/v1/housing/matches/{match}", others=404, staff=200, member=200, offer_host=200),
    row("POST", "/api/v1/housing/matches/{match}/accept", others=404, staff=403, member=403, offer_host=200),
    row("POST", "/api/v1/housing/matches/{match}/decline", {"reason": "no"}, others=404, staff=200, member=403,
        offer_host=200),
    row("POST", "/api/v1/housing/matches/{match}/move-in", others=404, staff=OK, member=403, offer_host=OK),
    row("POST", "/api/v1/housing/matches/{placed_match}/end", {"reason": "moved on"}, others=404, staff=200,
        offer_host=200, self_household=403),
    row("POST", "/api/v1/housing/matches/{placed_match}/incidents", {"description": "No water."}, others=404,
        staff=201, offer_host=201, self_household=201),

    # ---- safeguarding and suspensions API
    row("GET", "/api/v1/housing/welfare-checks", **STAFF_ONLY),
    row("POST", "/api/v1/housing/welfare-checks/{check}", {"outcome": "well", "note": ""}, others=403, staff=200),
    row("GET", "/api/v1/housing/incidents", **STAFF_ONLY),
    row("POST", "/api/v1/housing/incidents/{incident}/review", {"note": "fixed"}, others=403, staff=200,
        offer_host=403),
    row("POST", "/api/v1/housing/hosts/{host_user}/suspend", {"reason": "review"}, others=403, staff=204,
        offer_host=403),
    row("POST", "/api/v1/housing/hosts/{suspended_host}/lift-suspension", {"reason": "cleared"}, others=403, staff=204),

    # ---- offers pages
    row("GET", "/housing/offers", others=200),
    row("GET", "/housing/offers/new", others=200),
    row("POST", "/housing/offers/new", OFFER_FORM, others=403, host=302, offer_host=302),
    row("GET", "/housing/offers/{offer}", others=404, staff=200, offer_host=200),
    row("GET", "/housing/offers/{offer}/edit", others=404, staff=200, offer_host=200),
    row("POST", "/housing/offers/{offer}/edit", {**OFFER_FORM, "beds": 10, "notes": "garden"}, others=404, staff=302,
        offer_host=302),
    row("POST", "/housing/offers/{offer}/vet", {"decision": "verified", "note": "visited"}, others=403, staff=302,
        offer_host=403),
    row("POST", "/housing/offers/{offer}/withdraw", {"reason": "moving"}, others=404, staff=302, offer_host=302),

    # ---- households pages
    row("GET", "/housing/households/new", others=200),
    row("POST", "/housing/households/new", FAMILY_FORM, others=302),
    row("GET", "/housing/households/{household}", others=404, staff=200, member=200),
    row("GET", "/housing/households/{own_household}", others=404, staff=200, self_household=200),
    row("POST", "/housing/households/{household}/priority", {"points": 10, "reason": "widowed"}, others=403, staff=302),
    row("POST", "/housing/households/{household}/merge", others=404, staff=302, member=302),
    row("POST", "/housing/households/{household}/keep_apart", others=404, staff=302, member=302),
    row("POST", "/housing/households/{own_household}/confirm-vulnerability", others=404, staff=302,
        self_household=403),
    row("POST", "/housing/households/{household}/confirm-vulnerability", others=404, staff=302, member=302),

    # ---- queue pages
    row("GET", "/housing/queue", **STAFF_ONLY),
    row("POST", "/housing/queue/take", others=403, staff=302),
    row("GET", "/housing/queue/{entry}", others=403, staff=200),
    row("POST", "/housing/queue/{entry}/release", others=403, staff=OK),
    row("POST", "/housing/queue/{entry}/propose/{offer}", others=403, staff=302),

    # ---- batch runs: {batch} is queued (no worker runs in the matrix), so approving it is refused (409)
    row("GET", "/housing/batches", **STAFF_ONLY),
    row("POST", "/housing/batches", {"region": ""}, others=403, staff=302),
    row("GET", "/housing/batches/{batch}", others=403, staff=200),
    row("POST", "/housing/batches/{batch}/approve", others=403, staff=302),
    row("POST", "/api/v1/housing/batches", {}, others=403, staff=202),
    row("GET", "/api/v1/housing/batches/{batch}", others=403, staff=200),
    row("POST", "/api/v1/housing/batches/{batch}/approve", {}, others=403, staff=409),

    # ---- matches pages
    row("GET", "/housing/matches/{match}", others=404, staff=200, member=200, offer_host=200),
    row("GET", "/housing/matches/{placed_match}", others=404, staff=200, offer_host=200, self_household=200),
    row("POST", "/housing/matches/{match}/accept", others=404, staff=403, member=403, offer_host=302),
    row("POST", "/housing/matches/{match}/decline", {"reason": "no"}, others=404, staff=302, member=403,
        offer_host=302),
    row("POST", "/housing/matches/{match}/move_in", others=404, staff=302, member=403, offer_host=302),
    row("POST", "/housing/matches/{placed_match}/end", {"reason": "moved on"}, others=404, staff=302, offer_host=302,
        self_household=403),
    row("POST", "/housing/matches/{placed_match}/incidents", {"description": "No water."}, others=404, staff=302,
        offer_host=302, self_household=302),

    # ---- safeguarding pages
    row("GET", "/housing/safeguarding", **STAFF_ONLY),
    row("POST", "/housing/welfare-checks/{check}", {"outcome": "well"}, others=403, staff=302),
    row("POST", "/housing/incidents/{incident}/review", {"note": "fixed"}, others=403, staff=302),

    # ---- imports: offers for an organization one acts for; households by caseworkers
    row("GET", "/housing/import/offers?organization_id={verified}", others=403, staff=200, member=200),
    row("POST", "/housing/import/offers?organization_id={verified}", csv_upload(OFFERS_CSV), others=403, staff=200,
        member=200),
    row("POST", "/housing/import/offers/confirm?organization_id={verified}", {"csv_text": OFFERS_CSV}, others=403,
        staff=302, member=302),
    row("GET", "/housing/import/households", others=200),
    row("POST", "/housing/import/households", csv_upload(HOUSEHOLDS_CSV), others=403, staff=200, member=200,
        other_member=200),
    row("POST", "/housing/import/households/confirm", {"csv_text": HOUSEHOLDS_CSV}, others=403, staff=302, member=302,
        other_member=302),
    # ---- imports run by the worker: sent by whoever may register households for others; seen by who sent it
    # (the coordinator, here) and coordinators
    row("POST", "/api/v1/housing/imports", RawBody(HOUSEHOLDS_CSV, "text/csv"), others=403, staff=202, member=202,
        other_member=202),
    row("GET", "/api/v1/housing/imports/{household_import}", others=404, staff=200),
    row("GET", "/housing/imports/{household_import}", others=404, staff=200),
]
