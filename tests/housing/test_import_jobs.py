"""Household registration lists at scale: the API answers 202 at once and a worker imports the file, all or
nothing, while its sender polls the progress; the file is deleted when the job ends; the row cap is a setting;
the CLI shows a progress bar."""
import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.housing import bulk_registration, imports
from aidcoord.housing.models import Household
from aidcoord.worker.models import Job, JobFile
from aidcoord.worker.services import run_worker
from tests.factories import OrganizationFactory, UserFactory

HEADER = "external_ref,contact_name,contact_phone,adults,children,preferred_regions,consent_to_share\n"
GOOD = (HEADER + "R-1,Ani Petrosyan,+374 91 000001,2,2,AM-SU,yes\n"
        "R-2,Ани Петросян,091 000 001,2,2,,yes\n"
        "R-3,Levon Grigoryan,+374 91 000003,1,0,AM-ER AM-KT,no\n")
BAD = GOOD + "R-4,,12,0,0,AM-QQ,yes\n"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def send(api, user, body: str, **query):
    return api("POST", "/api/v1/housing/imports", user, data=body.encode(), content_type="text/csv",
               query_string=query)


@pytest.fixture
def coordinator(app):
    return UserFactory(roles=["coordinator"])


def test_a_list_is_imported_by_the_worker_and_polled_until_done(app, api, coordinator):
    sent = send(api, coordinator, GOOD)
    assert sent.status_code == 202
    body = sent.get_json()
    assert body["state"] == "queued" and body["rows_total"] == 3 and body["rows_done"] == 0
    assert sent.headers["Location"].endswith(f"/api/v1/housing/imports/{body['id']}")
    assert count(Household) == 0 and count(JobFile) == 1  # nothing registered inside the request

    assert run_worker(burst=True) == 1
    done = api("GET", sent.headers["Location"], coordinator).get_json()
    assert (done["state"], done["created"], done["rows_done"], done["problems"]) == ("done", 3, 3, None)
    rows = {h.external_ref: h for h in db.session.scalars(select(Household))}
    assert rows["R-2"].possible_duplicate_of_id == rows["R-1"].id  # the same rules as any registration
    assert count(JobFile) == 0  # the file, with its names and phones, is gone once the job ended
    assert run_worker(burst=True) == 0


def test_a_bad_row_registers_nothing_and_the_import_names_every_problem(app, api, coordinator):
    sent = send(api, coordinator, BAD)
    run_worker(burst=True)
    rejected = api("GET", sent.headers["Location"], coordinator).get_json()
    assert rejected["state"] == "rejected" and rejected["created"] is None
    assert set(rejected["problems"]["row 5"]) >= {"contact_name", "contact_phone", "adults", "preferred_regions"}
    assert "row 2" not in rejected["problems"]
    assert count(Household) == 0 and count(JobFile) == 0
    assert db.session.scalar(select(Job.state)).value == "done"  # a rejected file is an answer, not a retry


def test_the_problems_are_written_in_the_senders_language(app, api, coordinator):
    sent = api("POST", "/api/v1/housing/imports", coordinator, data=BAD.encode(), content_type="text/csv",
               headers={"Accept-Language": "ru"})
    run_worker(burst=True)
    problems = api("GET", sent.headers["Location"], coordinator).get_json()["problems"]
    assert any("\u0400" <= char <= "\u04ff" for char in str(problems["row 5"]))


def test_a_list_over_the_row_cap_is_refused_at_once(app, api, coordinator):
    app.config["HOUSEHOLD_IMPORT_MAX_ROWS"] = 2
    refused = send(api, coordinator, GOOD)
    assert refused.status_code == 422 and "At most 2 rows" in str(refused.get_json()["error"]["fields"]["file"])
    assert count(Job) == 0 and count(JobFile) == 0
    app.config["HOUSEHOLD_IMPORT_MAX_ROWS"] = 3
    assert send(api, coordinator, GOOD).status_code == 202


def test_the_cli_keeps_to_the_same_cap(app, coordinator, tmp_path):
    app.config["HOUSEHOLD_IMPORT_MAX_ROWS"] = 2
    path = tmp_path / "list.csv"
    path.write_text(GOOD)
    result = app.test_cli_runner().invoke(args=["housing", "import-households", "--as", coordinator.email,
                                                "--commit", str(path)])
    assert result.exit_code != 0 and "At most 2 rows" in result.output and count(Household) == 0


def test_the_cli_shows_its_progress_and_registers_in_parts(app, coordinator, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_registration, "IMPORT_PART_ROWS", 2)
    path = tmp_path / "list.csv"
    path.write_text(GOOD)
    result = app.test_cli_runner().invoke(args=["housing", "import-households", "--as",
                                                                coordinator.email, "--commit", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 3 rows" in result.stdout and "Registering households" in result.stderr
    rows = {h.external_ref: h for h in db.session.scalars(select(Household))}
    assert rows["R-2"].possible_duplicate_of_id == rows["R-1"].id  # found across parts (R-1 in the first)


def test_the_import_reports_the_rows_done_after_each_part(app, coordinator, monkeypatch):
    monkeypatch.setattr(bulk_registration, "IMPORT_PART_ROWS", 2)
    told: list[int] = []
    ids = imports.import_households(coordinator, GOOD, progress=told.append)
    assert told == [2, 3] and len(ids) == 3 == count(Household)


def test_only_who_sent_it_and_coordinators_see_an_import(app, api, coordinator):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    other_member = UserFactory()
    OrganizationFactory(members=[other_member])
    db.session.commit()
    sent = send(api, member, GOOD, organization_id=organization.id)
    assert sent.status_code == 202
    location = sent.headers["Location"]
    assert api("GET", location, member).status_code == 200
    assert api("GET", location, coordinator).status_code == 200
    assert api("GET", location, other_member).status_code == 404
    assert api("GET", location, UserFactory(roles=["host"])).status_code == 404
    assert api("GET", location).status_code == 401
    assert send(api, other_member, GOOD, organization_id=organization.id).status_code == 403
    assert send(api, UserFactory(roles=["host"]), GOOD).status_code == 403
    run_worker(burst=True)
    assert {h.organization_id for h in db.session.scalars(select(Household))} == {organization.id}


def test_an_unreadable_or_empty_body_is_refused_at_once(app, api, coordinator):
    assert send(api, coordinator, "").status_code == 422
    assert api("POST", "/api/v1/housing/imports", coordinator, data=b"\xff\xfe\x00\x00\x00bin",
               content_type="text/csv").status_code == 422
    assert count(Job) == 0


def test_who_left_the_organization_no_longer_sees_its_import(app, api, coordinator):
    """Its problems may quote the file (a header line that was a household's row): the sender sees them only
    while acting for the organization it was sent for, even while they may still import for another."""
    from aidcoord.organizations.services import remove_member

    member = UserFactory()
    first, second = OrganizationFactory(members=[member]), OrganizationFactory(members=[member])
    db.session.commit()
    location = send(api, member, BAD, organization_id=first.id).headers["Location"]
    run_worker(burst=True)
    assert api("GET", location, member).status_code == 200
    remove_member(coordinator, first, member.id)
    db.session.commit()
    assert api("GET", location, member).status_code == 404
    assert api("GET", location, coordinator).status_code == 200
    assert send(api, member, GOOD, organization_id=second.id).status_code == 202


def test_an_import_whose_job_dies_says_it_failed_and_its_job_cannot_be_retried(app, api, pages, client,
                                                                              coordinator):
    """The job dies (here its stored file is unreadable, and one attempt is allowed): the import stops saying
    "importing", and the dead job, whose file is deleted, is refused a retry with the reason, in the API and on
    the dead-letters page."""
    app.config["WORKER_MAX_ATTEMPTS"] = 1
    sent = send(api, coordinator, GOOD)
    db.session.execute(db.update(JobFile).values(content=b"\xff\xfe not UTF-8"))
    db.session.commit()
    run_worker(burst=True)
    failed = api("GET", sent.headers["Location"], coordinator).get_json()
    assert failed["state"] == "failed" and failed["created"] is None
    job = db.session.scalars(select(Job)).one()
    assert job.state.value == "dead" and count(JobFile) == 0 and count(Household) == 0

    admin = UserFactory(roles=["admin"])
    refused = api("POST", f"/api/v1/admin/dead-letters/jobs/{job.id}/retry", admin)
    assert refused.status_code == 409 and "send the file again" in refused.get_json()["error"]["message"]
    pages.login(admin.email)
    assert pages.post(f"/admin/dead-letters/jobs/{job.id}/retry").status_code == 302
    assert "send the file again" in client.get("/admin/dead-letters").get_data(as_text=True)
    db.session.refresh(job)
    assert job.state.value == "dead"
