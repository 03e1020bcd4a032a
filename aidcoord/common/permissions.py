"""The permission policy: every endpoint declares its rule once, next to its route, with `@allow(rule)`.

A rule decides from the user alone (anyone, signed in, a role); what only the record can tell (its
organization, its owner, whether it is verified) the service checks again with the record predicates
below. `tests/test_permission_policy.py` walks `app.url_map` and fails for a route without a rule.
"""
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, TypeGuard, TypeVar

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from aidcoord.errors import PermissionDenied
from aidcoord.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])


class Person(Protocol):
    """What the predicates need of a user (accounts.models.User, or Flask-Login's anonymous user)."""

    id: int
    is_authenticated: bool
    is_staff: bool

    def has_role(self, *roles: Any) -> bool: ...


@dataclass(frozen=True)
class Rule:
    """Who may call an endpoint, decided before the view runs."""

    name: str
    admits: Callable[[Person], bool]
    needs_login: bool = True
    refusal: Any = None  # what a refused caller reads (None: the generic 403 message)


ANYONE = Rule("anyone", lambda user: True, needs_login=False)
SIGNED_IN = Rule("signed in", lambda user: True)
STAFF = Rule("coordinator or admin", lambda user: user.is_staff)


def has_role(*roles: Any) -> Rule:
    """Signed in and holding any of `roles` (accounts.models.Role members)."""
    names = ", ".join(getattr(role, "value", str(role)) for role in roles)
    return Rule(f"role: {names}", lambda user: user.has_role(*roles),
                refusal=_l("This needs the role: %(roles)s.", roles=names))


def allow(rule: Rule) -> Callable[[View], View]:
    """Declare and enforce the endpoint's rule: anonymous callers of a login rule are sent to log in
    (401 in the API), signed-in callers the rule does not admit get 403."""

    def decorator(view: View) -> View:
        declared = rule_of(view)
        if declared is not None:  # one rule per endpoint: a second @allow is a mistake, not a refinement
            raise TypeError(f"{view.__name__} already declares the rule {declared.name!r}")

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if rule.needs_login and not current_user.is_authenticated:
                return login_manager.unauthorized()
            if rule.needs_login and not rule.admits(current_user):
                raise PermissionDenied(rule.refusal)
            return view(*args, **kwargs)

        guarded.permission_rule = rule  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def rule_of(view: Callable[..., Any]) -> Rule | None:
    """The rule an endpoint declared (None: undeclared, which the policy test refuses)."""
    return getattr(view, "permission_rule", None)


# Endpoints that libraries register, so no `@allow` can sit on their routes. All are public, each for
# its reason; anything else without a rule fails tests/test_permission_policy.py.
LIBRARY_ENDPOINTS = {
    "static": "Flask serves the app's CSS, JavaScript and images from static/: the same for everyone.",
    "swagger_ui.static": "Swagger UI's files (swagger-ui-bundle), served from the app so the docs page needs no CDN.",
    "api-docs.openapi_json": "flask-smorest's OpenAPI document: it describes the API, it holds no data.",
    "api-docs.openapi_swagger_ui": "flask-smorest's Swagger UI page, which reads that document.",
}


def rule_for(app: Any, endpoint: str) -> Rule | None:
    """The rule `endpoint` declared; ANYONE for the library endpoints above; None when undeclared."""
    if endpoint in LIBRARY_ENDPOINTS:
        return ANYONE
    return rule_of(app.view_functions[endpoint])


def routes_without_rule(app: Any) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every route in app.url_map that declares no rule (HEAD and OPTIONS,
    which Flask answers itself, aside)."""
    return sorted((url_rule.endpoint, method, url_rule.rule)
                  for url_rule in app.url_map.iter_rules() if rule_for(app, url_rule.endpoint) is None
                  for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}))


# ---- record predicates: services combine these with what they know of the record -------------

def signed_in(user: Person | None) -> TypeGuard[Person]:
    """A signed-in person (not None, not Flask-Login's anonymous user)."""
    return user is not None and bool(user.is_authenticated)


def is_staff(user: Person | None) -> bool:
    """Coordinators and admins act on any organization's records."""
    return signed_in(user) and bool(user.is_staff)


def owns(user: Person | None, owner_id: int | None) -> bool:
    """The record's owner (a host's offer, a donor's pledge, a person's own profile)."""
    return signed_in(user) and owner_id is not None and user.id == owner_id


def actor() -> Any:
    """The current user, or None when anonymous: what services take as `actor`."""
    return current_user if current_user.is_authenticated else None
