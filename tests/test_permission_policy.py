"""Every endpoint declares who may call it, once, next to its route (aidcoord.common.permissions).

The matrix in tests/permissions/ checks what each persona gets from each endpoint; this checks that no
endpoint is left without a declared rule, and that the check itself notices one.
"""
import pytest
from flask import Blueprint

from aidcoord.accounts.models import Role
from aidcoord.common.permissions import (
    ANYONE,
    LIBRARY_ENDPOINTS,
    SIGNED_IN,
    STAFF,
    allow,
    has_role,
    routes_without_rule,
    rule_for,
)
from tests.factories import UserFactory


def test_every_route_of_the_app_declares_a_rule(app):
    assert routes_without_rule(app) == []


def test_a_route_added_without_a_rule_is_reported(app):
    """What happens when someone adds an endpoint and forgets its rule: the test above fails, naming it."""
    blueprint = Blueprint("forgotten", __name__, url_prefix="/forgotten")

    @blueprint.route("/declared")
    @allow(SIGNED_IN)
    def declared():
        return "fine"

    @blueprint.route("/undeclared", methods=["GET", "POST"])
    def undeclared():
        return "nobody said who may see this"

    app.register_blueprint(blueprint)
    assert routes_without_rule(app) == [("forgotten.undeclared", "GET", "/forgotten/undeclared"),
                                        ("forgotten.undeclared", "POST", "/forgotten/undeclared")]


def test_the_library_endpoints_declared_public_are_the_apps(app):
    """The list of endpoints libraries register stays exact: no name in it that the app does not have."""
    assert set(LIBRARY_ENDPOINTS) <= set(app.view_functions)
    assert all(rule_for(app, endpoint) is ANYONE for endpoint in LIBRARY_ENDPOINTS)


def test_a_rule_is_declared_once():
    with pytest.raises(TypeError, match="already declares"):
        @allow(STAFF)
        @allow(SIGNED_IN)
        def twice():
            return "which one?"


def test_a_refused_role_is_told_which_role_is_needed(app, api):
    blueprint = Blueprint("roles", __name__, url_prefix="/api/v1/roles-test")

    @blueprint.route("/volunteers-only")
    @allow(has_role(Role.VOLUNTEER))
    def volunteers_only():
        return {"ok": True}

    app.register_blueprint(blueprint)
    assert api("GET", "/api/v1/roles-test/volunteers-only").status_code == 401
    refused = api("GET", "/api/v1/roles-test/volunteers-only", UserFactory(roles=["donor"]))
    assert refused.status_code == 403 and "volunteer" in refused.get_json()["error"]["message"]
    assert api("GET", "/api/v1/roles-test/volunteers-only", UserFactory(roles=["volunteer"])).get_json() == {"ok": True}
