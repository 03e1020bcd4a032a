"""Volunteers. The shift is the record organization's (posted by the member); the signed-up volunteer
holds {sign_up}; the volunteer persona has a profile but no sign-up."""
from tests.permissions.matrix import row

SHIFT = {"organization_id": "{verified}", "task": "Sorting", "region": "AM-SU",
         "starts_at": "{next_year}T09:00:00+00:00", "ends_at": "{next_year}T11:00:00+00:00", "slots": 2}
SHIFT_FORM = {"task": "Sorting", "region": "AM-SU", "starts_at": "{next_year}T09:00", "ends_at": "{next_year}T11:00",
              "slots": "2"}
ORGANIZATION_SIDE = {"others": 403, "staff": 200, "member": 200}

ROWS = [
    # ---- API
    row("GET", "/api/v1/volunteers/me/profile", others=404, volunteer=200, signed_up_volunteer=200),
    row("PUT", "/api/v1/volunteers/me/profile", {"skills": ["driver"]}, others=403, volunteer=200,
        signed_up_volunteer=200),
    row("GET", "/api/v1/volunteers/me/shifts", others=200, signed_up_volunteer=200),
    row("POST", "/api/v1/volunteers/{volunteer_user}/background-check", {"background_check": "cleared"}, others=403,
        staff=200, signed_up_volunteer=403),
    row("GET", "/api/v1/volunteers/shifts", everyone=200),
    row("POST", "/api/v1/volunteers/shifts", SHIFT, others=403, staff=201, member=201),
    row("GET", "/api/v1/volunteers/shifts/{shift}", everyone=200),
    row("PATCH", "/api/v1/volunteers/shifts/{shift}", {"slots": 3}, **ORGANIZATION_SIDE, signed_up_volunteer=403),
    row("POST", "/api/v1/volunteers/shifts/{shift}/sign-ups", others=403, volunteer=201, signed_up_volunteer=409),
    row("DELETE", "/api/v1/volunteers/sign-ups/{sign_up}", others=404, signed_up_volunteer=200),
    row("POST", "/api/v1/volunteers/sign-ups/{sign_up}/attendance", {"attended": True}, others=403, staff=200,
        member=200, signed_up_volunteer=403),
    row("GET", "/api/v1/volunteers/shifts/{shift}/roster", **ORGANIZATION_SIDE, signed_up_volunteer=403),
    row("GET", "/api/v1/volunteers/shifts/{shift}/roster.csv", **ORGANIZATION_SIDE, signed_up_volunteer=403),
    row("GET", "/api/v1/volunteers/organizations/{verified}/hours", **ORGANIZATION_SIDE),
    row("GET", "/api/v1/volunteers/organizations/{pending}/hours", others=404, staff=200, member=200),
    row("GET", "/api/v1/volunteers/hours", others=403, staff=200),

    # ---- pages
    row("GET", "/volunteers/shifts", everyone=200),
    row("GET", "/volunteers/shifts/{shift}", everyone=200, signed_up_volunteer=200),
    row("POST", "/volunteers/shifts/{shift}/sign-up", others=403, volunteer=302, signed_up_volunteer=302),
    row("POST", "/volunteers/shifts/{shift}/slots", {"slots": "3"}, others=403, staff=302, member=302,
        signed_up_volunteer=403),
    row("POST", "/volunteers/sign-ups/{sign_up}/cancel", others=404, signed_up_volunteer=302),
    row("POST", "/volunteers/sign-ups/{sign_up}/attendance", {"attended": "y", "hours": "2"}, others=403, staff=302,
        member=302, signed_up_volunteer=403),
    row("GET", "/volunteers/me", others=200),
    row("POST", "/volunteers/me", {"skills": "driver", "languages": "hy"}, others=403, volunteer=302,
        signed_up_volunteer=302),
    row("GET", "/volunteers/organizations/{verified}", **ORGANIZATION_SIDE),
    row("GET", "/volunteers/hours", others=403, staff=200),
    row("GET", "/volunteers/organizations/{verified}/shifts/new", **ORGANIZATION_SIDE),
    row("POST", "/volunteers/organizations/{verified}/shifts/new", SHIFT_FORM, others=403, staff=302, member=302),
]
