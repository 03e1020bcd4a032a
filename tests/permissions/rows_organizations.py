"""The organization registry and needs. {verified} is the record's organization (the member belongs
to it, the removed member did); {pending} awaits verification (the member applied for it)."""
from tests.permissions.matrix import RawBody, csv_upload, row

NEW_ORG = {"name": "Helping Hands Syunik", "kind": "community_group", "country": "AM", "sectors": ["shelter"]}
ORG_FORM = {**NEW_ORG, "sectors": "shelter", "description": "Meals and beds."}
NEED = {"organization_id": "{verified}", "sector": "shelter", "item": "blankets", "quantity": "10", "unit": "pieces",
        "region": "AM-SU", "urgency": "high", "needed_by": "{tomorrow}"}
NEED_CSV = "sector,item,quantity,unit,region,urgency,needed_by\nshelter,mattresses,20,pieces,AM-SU,high,{next_year}\n"

ROWS = [
    # ---- registry API
    row("GET", "/api/v1/organizations", everyone=200),
    row("GET", "/api/v1/organizations/{verified}", everyone=200),
    row("GET", "/api/v1/organizations/{pending}", anonymous=404, others=404, staff=200, member=200),
    row("POST", "/api/v1/organizations", NEW_ORG, others=201),
    row("PATCH", "/api/v1/organizations/{verified}", {"description": "Now also meals"}, others=403, staff=200,
        member=200),
    row("PATCH", "/api/v1/organizations/{pending}", {"description": "Now also meals"}, others=404, staff=200,
        member=200),
    row("POST", "/api/v1/organizations/{pending}/verify", {"note": "called them"}, others=404, staff=200, member=403),
    row("POST", "/api/v1/organizations/{verified}/verify", {}, others=403, staff=409),
    row("POST", "/api/v1/organizations/{verified}/reject", {"reason": "fraud"}, others=403, staff=200),
    row("POST", "/api/v1/organizations/{pending}/reject", {"reason": "unknown"}, others=404, staff=200, member=403),
    row("GET", "/api/v1/organizations/{verified}/members", others=403, staff=200, member=200),
    # An invitation (202), the same answer whether or not the address has an account.
    row("POST", "/api/v1/organizations/{verified}/members", {"email": "{newcomer_email}"}, others=403, staff=202,
        member=202),
    row("POST", "/api/v1/organizations/{verified}/members", {"email": "no.account@example.org"}, others=403,
        staff=202, member=202),
    # Members of an organization not yet verified cannot send invitation e-mails (spam relay); staff can.
    row("POST", "/api/v1/organizations/{pending}/members", {"email": "no.account@example.org"}, others=404,
        staff=202, member=403),
    row("GET", "/api/v1/organizations/{verified}/invitations", others=403, staff=200, member=200),
    row("GET", "/api/v1/me/invitations", others=200),
    # Answering needs the e-mailed secret too: without it even the invitee is refused (422), with it only the invitee.
    row("POST", "/api/v1/me/invitations/{invitation}/accept", {"token": "{invitation_token}"}, others=404,
        invitee=200),
    row("POST", "/api/v1/me/invitations/{invitation}/decline", {"token": "{invitation_token}"}, others=404,
        invitee=200),
    row("POST", "/api/v1/me/invitations/{invitation}/accept", {}, others=422),
    row("DELETE", "/api/v1/organizations/{verified}/members/{colleague}", others=403, staff=204, member=204),
    row("GET", "/api/v1/organizations/{verified}/history", others=403, staff=200, member=200),
    row("GET", "/api/v1/organizations/{pending}/history", others=404, staff=200, member=200),

    # ---- registry pages
    row("GET", "/organizations", everyone=200),
    row("GET", "/organizations", {"verified": "false"}, everyone=200),
    row("GET", "/organizations/{verified}", everyone=200),
    row("GET", "/organizations/{pending}", anonymous=404, others=404, staff=200, member=200),
    row("GET", "/organizations/new", others=200),
    row("POST", "/organizations/new", ORG_FORM, others=302),
    row("GET", "/organizations/{verified}/edit", others=403, staff=200, member=200),
    row("GET", "/organizations/{pending}/edit", others=404, staff=200, member=200),
    row("POST", "/organizations/{verified}/edit", ORG_FORM, others=403, staff=302, member=302),
    row("POST", "/organizations/{pending}/verify", {"note": "ok"}, others=404, staff=302, member=403),
    row("POST", "/organizations/{verified}/reject", {"reason": "not real"}, others=403, staff=302, member=403),
    row("POST", "/organizations/{verified}/members", {"email": "{newcomer_email}"}, others=403, staff=302, member=302),
    row("POST", "/organizations/{verified}/members/{colleague}/remove", others=403, staff=302, member=302),
    row("GET", "/organizations/invitations/{invitation_token}", others=404, invitee=200),
    row("POST", "/organizations/invitations/{invitation_token}/accept", others=404, invitee=302),
    row("POST", "/organizations/invitations/{invitation_token}/decline", others=404, invitee=302),

    # ---- needs API
    row("GET", "/api/v1/needs", everyone=200),
    row("GET", "/api/v1/needs/export.csv", everyone=200),
    row("GET", "/api/v1/needs/{need}", everyone=200),
    row("POST", "/api/v1/needs", NEED, others=403, staff=201, member=201),
    row("PATCH", "/api/v1/needs/{need}", {"locality": "Kapan"}, others=403, staff=200, member=200),
    row("POST", "/api/v1/needs/{need}/close", {"reason": "done"}, others=403, staff=200, member=200),
    row("POST", "/api/v1/needs/{need}/cancel", {"reason": "posted twice"}, others=403, staff=200, member=200),
    row("POST", "/api/v1/needs/import?organization_id={verified}&dry_run=false", RawBody(NEED_CSV, "text/csv"),
        others=403, staff=200, member=200),
    row("POST", "/api/v1/needs/import?organization_id={pending}&dry_run=true", RawBody(NEED_CSV, "text/csv"),
        others=404, staff=200, member=200),

    # ---- needs pages
    row("GET", "/needs", everyone=200),
    row("GET", "/needs", {"sector": "shelter", "urgency": "high", "state": "open", "region": "AM-SU"}, everyone=200),
    row("GET", "/needs", {"sector": "bad", "page": "x"}, everyone=200),
    row("GET", "/needs/export.csv", everyone=200),
    row("GET", "/needs/{need}", everyone=200),
    # Without a verified organization to post for, the page sends people to the directory.
    row("GET", "/needs/new", others=302, staff=200, member=200, other_member=200),
    row("POST", "/needs/new", NEED, others=302, staff=302, member=302, other_member=200),
    row("GET", "/needs/{need}/edit", others=403, staff=200, member=200),
    row("POST", "/needs/{need}/edit", {**NEED, "item": "beds", "unit": "beds", "locality": "Kapan"}, others=403,
        staff=302, member=302),
    row("POST", "/needs/{need}/end", {"outcome": "closed", "reason": "done"}, others=403, staff=302, member=302),
    row("GET", "/organizations/{verified}/needs/import", others=403, staff=200, member=200),
    row("GET", "/organizations/{pending}/needs/import", others=404, staff=200, member=200),
    row("POST", "/organizations/{verified}/needs/import", csv_upload(NEED_CSV), others=403, staff=200, member=200),
    row("POST", "/organizations/{verified}/needs/import/confirm", {"csv_text": NEED_CSV}, others=403, staff=302,
        member=302),
]
