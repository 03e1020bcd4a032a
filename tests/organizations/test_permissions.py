"""Who may do what to which organization: every role (and anonymous) x every endpoint x own/other."""
import pytest

from tests.organizations.conftest import ACTORS

NEW_ORG = {"name": "Helping Hands Syunik", "kind": "community_group", "country": "AM", "sectors": ["shelter"]}

STAFF = {"admin", "coordinator"}


def expect(anonymous, staff, own, others):
    """Expected status per actor from four groups."""
    table = {"anonymous": anonymous, "member_own": own}
    table.update({actor: staff for actor in STAFF})
    table.update({actor: others for actor in ACTORS if actor not in table})
    return table


# (method, path template, json body, expectations). {verified}/{pending}/{colleague} are filled per test.
API_MATRIX = [
    ("GET", "/api/v1/organizations", None, expect(200, 200, 200, 200)),
    ("GET", "/api/v1/organizations/{verified}", None, expect(200, 200, 200, 200)),
    ("GET", "/api/v1/organizations/{pending}", None, expect(404, 200, 200, 404)),
    ("POST", "/api/v1/organizations", NEW_ORG, expect(401, 201, 201, 201)),
    ("PATCH", "/api/v1/organizations/{verified}", {"description": "Now also meals"}, expect(401, 200, 200, 403)),
    ("PATCH", "/api/v1/organizations/{pending}", {"description": "Now also meals"}, expect(401, 200, 200, 404)),
    ("POST", "/api/v1/organizations/{pending}/verify", {"note": "called them"}, expect(401, 200, 403, 404)),
    ("POST", "/api/v1/organizations/{verified}/verify", {}, expect(401, 409, 403, 403)),
    ("POST", "/api/v1/organizations/{verified}/reject", {"reason": "fraud"}, expect(401, 200, 403, 403)),
    ("POST", "/api/v1/organizations/{pending}/reject", {"reason": "unknown"}, expect(401, 200, 403, 404)),
    ("GET", "/api/v1/organizations/{verified}/members", None, expect(401, 200, 200, 403)),
    ("POST", "/api/v1/organizations/{verified}/members", {"email": "{new_member_email}"}, expect(401, 201, 201, 403)),
    ("DELETE", "/api/v1/organizations/{verified}/members/{colleague}", None, expect(401, 204, 204, 403)),
    ("GET", "/api/v1/organizations/{verified}/history", None, expect(401, 200, 200, 403)),
    ("GET", "/api/v1/organizations/{pending}/history", None, expect(401, 200, 200, 404)),
]


def fill(template, world, new_member):
    return template.format(verified=world["verified"].id, pending=world["pending"].id,
                           colleague=world["colleague"].id, new_member_email=new_member.email)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, path, body, expected", API_MATRIX,
                         ids=[f"{m} {p}" for m, p, _b, _e in API_MATRIX])
def test_api_permissions(world, api, actor, method, path, body, expected):
    from tests.factories import UserFactory

    new_member = UserFactory()
    json_body = {k: fill(v, world, new_member) if isinstance(v, str) else v for k, v in body.items()} if body is not None else None
    response = api(method, fill(path, world, new_member), world["users"][actor], json=json_body)
    assert response.status_code == expected[actor], response.get_data(as_text=True)


PAGE_MATRIX = [
    ("GET", "/organizations", expect(200, 200, 200, 200)),
    ("GET", "/organizations/{verified}", expect(200, 200, 200, 200)),
    ("GET", "/organizations/{pending}", expect(404, 200, 200, 404)),
    ("GET", "/organizations/new", expect(302, 200, 200, 200)),
    ("GET", "/organizations/{verified}/edit", expect(302, 200, 200, 403)),
    ("GET", "/organizations/{pending}/edit", expect(302, 200, 200, 404)),
    ("POST", "/organizations/{pending}/verify", expect(302, 302, 403, 404)),
    ("POST", "/organizations/{verified}/reject", expect(302, 302, 403, 403)),
    ("POST", "/organizations/{verified}/members/{colleague}/remove", expect(302, 302, 302, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, path, expected", PAGE_MATRIX, ids=[f"{m} {p}" for m, p, _e in PAGE_MATRIX])
def test_page_permissions(world, app, actor, method, path, expected):
    from tests.conftest import Browserless

    client = app.test_client()
    browser = Browserless(client)
    if world["users"][actor] is not None:
        browser.login(world["users"][actor].email)
    url = fill(path, world, world["colleague"])
    response = client.get(url) if method == "GET" else browser.post(url, data={"reason": "not real", "note": "ok"})
    assert response.status_code == expected[actor]
    if actor == "anonymous" and expected[actor] == 302:
        assert response.headers["Location"].startswith("/login")


def test_page_actions_by_staff_take_effect(world, app):
    """The 302s above are successes, not silent refusals."""
    from tests.conftest import Browserless

    client = app.test_client()
    browser = Browserless(client)
    browser.login(world["users"]["coordinator"].email)
    browser.post(f"/organizations/{world['pending'].id}/verify", data={"note": "visited their office"})
    assert world["pending"].is_verified
