"""Every endpoint-method of the app, HTML and API, asked by every persona, against one table.

The table (rows_*.py) gives for each endpoint-method, and the record it is asked about, the outcome
each persona must get. A route that is added without a row fails the first test: the table is the
app's permission policy, read as the people using it meet it.
"""
import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.permissions import (
    rows_accounts,
    rows_audit,
    rows_dashboard,
    rows_housing,
    rows_jobs,
    rows_notifications,
    rows_organizations,
    rows_pledges,
    rows_privacy,
    rows_threew,
    rows_volunteers,
)
from tests.permissions.matrix import Known, cases, send

TABLE = (rows_accounts.ROWS + rows_organizations.ROWS + rows_pledges.ROWS + rows_housing.ROWS + rows_jobs.ROWS
         + rows_threew.ROWS + rows_volunteers.ROWS + rows_privacy.ROWS + rows_dashboard.ROWS + rows_audit.ROWS
         + rows_notifications.ROWS)


def endpoint_methods(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_endpoint_method_has_a_row_and_every_row_an_endpoint(matrix_app):
    adapter = matrix_app.url_map.bind("localhost")
    covered, stale = set(), []
    for target in TABLE:
        path = target.path.split("?")[0].format_map(_AnyId())
        try:
            endpoint, _args = adapter.match(path, method=target.method)
        except (NotFound, MethodNotAllowed):
            stale.append(str(target))
            continue
        covered.add((endpoint, target.method))
    assert stale == [], "rows for no endpoint of the app"
    assert sorted(endpoint_methods(matrix_app) - covered) == [], "endpoint-methods without a row in the table"


class _AnyId(dict):
    def __missing__(self, key):
        return "1"


@pytest.mark.parametrize("target, persona", cases(TABLE))
def test_permission(matrix_app, stage, target, persona):
    stage.prepare(target)
    expected = target.outcomes[persona]
    if isinstance(expected, Known):
        expected = expected.expected
    response = send(matrix_app, stage.world, target, persona)
    detail = f"{persona}: {target} -> {response.status_code} {response.headers.get('Location', '')} " \
             f"{response.get_data(as_text=True)[:300]}"
    assert response.status_code < 500, detail
    assert expected.accepts(response, target.api), f"expected {expected!r}; {detail}"
