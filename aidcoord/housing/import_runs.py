"""Household registration lists imported by a background worker (the API's and the page's uploads): the request
checks who imports and the file's size, stores the file beside a job and answers at once; a worker registers the
rows by the same service as the CLI, all or nothing, reporting its progress; whoever imported it polls the import.

Like housing.batch_runs: a row to poll (HouseholdImport) and a worker job that fills it. Unlike a batch run, the
import's own transaction stays open until its last row, so its progress is written through a connection of its
own (PostgreSQL; on SQLite the import shows its progress when it ends)."""
import csv
import io

from flask_babel import force_locale, get_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from aidcoord.accounts.models import User
from aidcoord.common.csv_import import ImportRejected, decode_upload
from aidcoord.common.locale import default_language, supported
from aidcoord.common.permissions import is_staff
from aidcoord.common.types import utcnow
from aidcoord.errors import NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import households, imports
from aidcoord.housing.import_models import HouseholdImport, ImportState
from aidcoord.organizations import services as organizations
from aidcoord.organizations.permissions import acts_for
from aidcoord.worker import enqueue, handles, job_file, report_progress, report_progress_apart

JOB_KIND = "housing.household_import"


def _check_importer(actor: User, organization_id: int | None) -> None:
    if not households.can_register_for_others(actor):
        raise PermissionDenied()
    if organization_id is not None:
        organization = organizations.get_organization(actor, organization_id)
        if not acts_for(actor, organization.id):
            raise PermissionDenied()


def count_rows(text: str) -> int:
    """Rows after the header, as the import will read them (an unreadable file counts what could be read: the
    import then names the problem)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=None))
    lines = 0
    try:
        for _row in reader:
            lines += 1
    except csv.Error:
        pass
    return max(lines - 1, 0)


def check_size(rows: int) -> None:
    """Refuse a list longer than HOUSEHOLD_IMPORT_MAX_ROWS (422), before anything is stored."""
    cap = imports.household_rows_cap()
    if rows > cap:
        message = ngettext("At most %(num)d row per file.", "At most %(num)d rows per file.", cap)
        raise ValidationFailed(message, {"file": [message]})


def start_import(actor: User, data: bytes, *, organization_id: int | None = None) -> HouseholdImport:
    """Queue the upload for a worker (the import row, its job and the file in one transaction), once the file
    is read, within the row cap, and the actor may import for the organization."""
    _check_importer(actor, organization_id)
    text = decode_upload(data)  # 422 on an encoding aidcoord does not read
    rows = count_rows(text)
    check_size(rows)
    run = HouseholdImport(requested_by_id=actor.id, organization_id=organization_id, rows_total=rows,
                          locale=supported(str(get_locale() or "")) or default_language(), state=ImportState.QUEUED)
    db.session.add(run)
    db.session.flush()
    run.job_id = enqueue(JOB_KIND, {"import_id": run.id}, file=text.encode("utf-8")).id
    db.session.commit()
    return run


def get_import(viewer: User | None, import_id: int) -> HouseholdImport:
    """The import, for whoever sent it while they may still import households for the same organization (its
    problems may quote the file), and for coordinators."""
    run = db.session.get(HouseholdImport, import_id)
    if run is None or viewer is None or not households.can_register_for_others(viewer):
        raise NotFound(_l("No such import."))
    if is_staff(viewer):
        return run
    if run.requested_by_id != viewer.id or (run.organization_id is not None
                                            and not acts_for(viewer, run.organization_id)):
        raise NotFound(_l("No such import."))
    return run


# ---- the import, run by the worker -------------------------------------------------------------------------

def _written_apart(run: HouseholdImport, job):
    """The progress callback: rows done on the import row and the job's lease renewed, each committed at once
    through a connection of its own (the import's transaction holds the rows until the end)."""
    run_id, total = run.id, max(1, run.rows_total)

    def progress(done: int) -> None:
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.begin() as connection:
            connection.execute(update(HouseholdImport).where(HouseholdImport.id == run_id)
                               .values(rows_done=done))
        report_progress_apart(job, 100 * done // total)

    return progress


def run_import(run: HouseholdImport, text: str, job=None) -> HouseholdImport:
    """Register the file's rows as run.requested_by, all or nothing, in the caller's (the worker's) transaction,
    which commits them with the outcome recorded on `run`: done with the count, rejected with every problem, or
    failed."""
    actor = db.session.get_one(User, run.requested_by_id)
    run_id, locale = run.id, run.locale
    progress = _written_apart(run, job) if job is not None else None
    problems, error, created = None, None, 0
    try:
        with force_locale(locale):  # the problems and the consent records' language, as in the request
            created = len(imports.register_households_in_transaction(
                actor, text, organization_id=run.organization_id, progress=progress))
    except ImportRejected as rejected:  # nothing was registered
        with force_locale(locale):
            problems = {key: _as_text(value) for key, value in rejected.fields.items()}
    except Exception as failure:  # the importer lost the right meanwhile, or a fault: reported by its class only
        error = type(failure).__name__
    if problems is not None or error is not None:
        db.session.rollback()  # nothing of a refused or failed import stays
    run = db.session.get_one(HouseholdImport, run_id)
    if problems is not None:
        run.state, run.problems = ImportState.REJECTED, problems
    elif error is not None:
        run.state, run.error = ImportState.FAILED, error
    else:
        run.state, run.created, run.rows_done = ImportState.DONE, created, created
    run.finished_at = utcnow()
    return run


def _as_text(value):
    """Lazy messages (and lists and dicts of them) as text in the current language, for the JSON column."""
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_text(item) for item in value]
    return str(value)


def import_job_died(job) -> None:
    """The worker gave up on the import's job (its file is deleted with it): the import failed, and says so
    instead of "importing" for ever; the importer sends the file again."""
    run = db.session.get(HouseholdImport, int(job.payload["import_id"]))
    if run is not None and not run.state.finished:
        run.state, run.error, run.finished_at = ImportState.FAILED, (job.last_error or "")[:100], utcnow()


@handles(JOB_KIND, on_dead=import_job_died, retry_refused=_l(
    "This job's file was deleted when it failed (it may hold personal data), so it cannot run again: send the "
    "file again."))
def run_import_job(job) -> dict:
    """The worker's handler: the import named in the payload (its id only; the file waits in job_files)."""
    run = db.session.get(HouseholdImport, int(job.payload["import_id"]))
    if run is None or run.state.finished:  # idempotent: an import that ended is not run again
        return {"import_id": run.id if run else None}
    data = job_file(job)
    run.state, run.started_at = ImportState.RUNNING, utcnow()
    report_progress(job, 0)  # commits: the importer sees it running (and the import row is not held below)
    if data is None:
        run = db.session.get_one(HouseholdImport, run.id)
        run.state, run.error, run.finished_at = ImportState.FAILED, "FileMissing", utcnow()
    else:
        run = run_import(db.session.get_one(HouseholdImport, run.id), data.decode("utf-8"), job)
    return {"import_id": run.id, "state": run.state.value}
