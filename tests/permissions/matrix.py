"""The language of the permission table: a row per endpoint-method (and record), an expected outcome
per persona, and how one request is sent and judged."""
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from aidcoord.common.types import today
from tests.permissions.world import OWNERS, PERSONAS


@dataclass(frozen=True)
class Outcome:
    label: str

    def accepts(self, response, api: bool) -> bool:
        status = response.status_code
        if self.label == "allowed":
            return status < 500 and status not in (401, 403, 404) and not _to_login(response)
        if self.label == "refused":
            return status in (401, 403, 404) or _to_login(response)
        if self.label == "login":
            return status == 401 if api else _to_login(response)
        return status == int(self.label)

    def __repr__(self) -> str:
        return self.label


OK = Outcome("allowed")     # any status but 401, 403, 404 and 5xx (and no login redirect)
NO = Outcome("refused")     # 403, 404 (hidden), or 401 / login redirect
LOGIN = Outcome("login")    # anonymous: 401 from the API, a redirect to the login page from a page


@dataclass(frozen=True)
class Known:
    """A wrong outcome the table records on purpose: the case runs as a strict xfail until it is fixed."""

    expected: Outcome
    reason: str


def known_bug(expected, reason: str) -> Known:
    return Known(_outcome(expected), reason)


def _outcome(value) -> Outcome | Known:
    if isinstance(value, (Outcome, Known)):
        return value
    return Outcome(str(int(value)))


def _to_login(response) -> bool:
    return response.status_code == 302 and response.headers.get("Location", "").startswith("/login")


@dataclass(frozen=True)
class Row:
    method: str
    path: str        # with {placeholders} from World.ids
    body: Any        # JSON (API) or form data (pages); a callable(ids) for files; query args for GET
    outcomes: dict   # persona -> Outcome or Known

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    def __str__(self) -> str:
        query = "&".join(f"{key}={value}" for key, value in self.body.items()) \
            if self.method == "GET" and isinstance(self.body, dict) else ""
        return f"{self.method} {self.path}" + (("&" if "?" in self.path else "?") + query if query else "")


def row(method: str, path: str, body=None, *, everyone=None, others=NO, staff=None, anonymous=None, **personas) -> Row:
    """Expected outcomes: `everyone` for all; otherwise `others` for every persona not named, `staff` for
    admin and coordinator, LOGIN for anonymous unless given. Owners (OWNERS) are asked only when named."""
    unknown = set(personas) - set(PERSONAS) - set(OWNERS)
    assert not unknown, f"unknown personas {unknown} in {method} {path}"
    outcomes = dict.fromkeys(PERSONAS, everyone if everyone is not None else others)
    if everyone is None:
        outcomes["anonymous"] = LOGIN if anonymous is None else anonymous
        if staff is not None:
            outcomes.update(admin=staff, coordinator=staff)
    outcomes.update(personas)
    return Row(method, path, body, {persona: _outcome(value) for persona, value in outcomes.items()})


PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


def fill(value, ids: dict):
    """Placeholders filled from the world's ids ('{need}' alone keeps the id an integer)."""
    day = today()
    dynamic = {"today": day.isoformat(), "tomorrow": (day + timedelta(days=1)).isoformat(),
               "next_year": (day + timedelta(days=365)).isoformat()}
    if callable(value):
        return value(ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, str):
        whole = PLACEHOLDER.match(value)
        if whole and whole.group(1) in ids:
            return ids[whole.group(1)]
        return value.format(**ids, **dynamic)
    return value


def csv_upload(text: str):
    """Form data carrying `text` as an uploaded CSV file (a new stream for every request)."""
    return lambda ids: {"file": (io.BytesIO(fill(text, ids).encode()), "rows.csv")}


@dataclass(frozen=True)
class RawBody:
    text: str
    content_type: str


def send(app, world, target: Row, persona: str):
    """One request of `persona`: a Bearer token for the API, the logged-in browser's cookie for pages."""
    client = app.test_client()
    path = fill(target.path, world.ids)
    body = fill(target.body, world.ids)
    if target.api:
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"} if persona != "anonymous" else {}
        if target.method == "GET":
            return client.open(path, method="GET", headers=headers, query_string=body)
        if isinstance(body, RawBody):
            return client.open(path, method=target.method, headers=headers, data=fill(body.text, world.ids),
                               content_type=body.content_type)
        return client.open(path, method=target.method, headers=headers, json=body)
    cookie, csrf = world.sessions[persona]
    client.set_cookie("session", cookie)
    if target.method == "GET":
        return client.get(path, query_string=body)
    return client.open(path, method=target.method, data={**(body or {}), "csrf_token": csrf})


def cases(rows: list[Row]) -> list:
    """One pytest case per row and persona, in table order (so that GETs of a row share a world)."""
    params = []
    for target in rows:
        for persona, expected in target.outcomes.items():
            marks = [pytest.mark.xfail(strict=True, reason=expected.reason)] if isinstance(expected, Known) else []
            params.append(pytest.param(target, persona, id=f"{target} [{persona}]", marks=marks))
    return params
