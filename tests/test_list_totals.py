"""A large list's estimated total (common.pagination, PostgreSQL): the page's rows are counted up to the bound
in the page's own statement, and the planner's estimate is asked once a minute for the same query, not on every
page read."""
import pytest
from sqlalchemy import event

from aidcoord.common import pagination
from aidcoord.extensions import db
from tests.factories import OrganizationFactory


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def kitchens(app, monkeypatch):
    """7 organizations in one sector and region, with lists counted exactly only up to 3 items."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("totals are estimated on PostgreSQL only")
    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 3)
    for n in range(7):
        OrganizationFactory(name=f"Kitchen {n:02d}", sectors=["food_security"], regions=["AM-SU"])
    db.session.commit()


def test_an_estimate_is_asked_once_for_the_same_list_and_again_for_another(api, kitchens, statements):

    def explained(url) -> int:
        statements.clear()
        response = api("GET", url)
        assert response.get_json()["_meta"]["total_is_estimate"] is True
        assert response.get_json()["_meta"]["total_items"] >= 4  # never below what was counted
        return sum(statement.startswith("EXPLAIN") for statement in statements)

    assert explained("/api/v1/organizations?sector=food_security&page_size=2") == 1
    assert explained("/api/v1/organizations?sector=food_security&page_size=2") == 0
    assert explained("/api/v1/organizations?sector=food_security&page_size=2&page=2") == 0  # the same query
    assert explained("/api/v1/organizations?region=AM-SU&page_size=2") == 1  # another one
    assert not any(statement.lstrip().lower().startswith("select count") for statement in statements)


def test_a_page_past_the_end_never_counts_the_rows_it_skipped(api, kitchens):
    body = api("GET", "/api/v1/organizations?sector=food_security&page_size=2&page=500").get_json()
    assert body["items"] == [] and body["_meta"]["total_is_estimate"] is True
    assert 4 <= body["_meta"]["total_items"] < 998  # counted 4 (the bound), never the 998 rows skipped
