"""Background work that happens once: jobs as rows, claimed by `flask worker` processes.

Anything done later (a Telegram reply, a batch of housing proposals, a large import) is written as a row of
`jobs` IN THE SAME TRANSACTION as the change that causes it, then run by a worker:

    from aidcoord.worker import enqueue, handles

    @handles("housing.batch_proposals")          # in a module imported at start (register_extensions)
    def batch_proposals(job):                    # job: aidcoord.worker.models.Job
        ...                                      # job.payload is the dict given to enqueue
        job.progress = 50                        # optional, 0..100, committed with report_progress(job)
        return {"proposed": 12}                  # optional JSON result, stored in job.result

    enqueue("housing.batch_proposals", {"coordinator_id": 3})   # added to the caller's session, not committed
    enqueue("telegram.reply", {"update_id": 1}, dedupe_key="tg:1")  # a second enqueue with that key is a no-op

Rules for handlers:
- The payload is JSON with ids and codes only, never personal values (names, phones, texts people typed):
  the handler reads those from their tables, where they are protected and can be erased.
- A handler is run at least once: exactly once normally, again when a worker died while running it (its lease,
  `WORKER_LEASE_SECONDS`, expired) or when it raised. So it must be idempotent (check what is already done).
- The handler runs inside the worker's transaction and must not commit (report_progress commits the progress
  only); on return the job is `done` and its result stored, committed with what the handler wrote. On an
  exception everything it wrote is rolled back and the job retried after an exponential backoff
  (`WORKER_RETRY_BASE_SECONDS` * 2^(attempts-1), at most an hour), then `dead` after `WORKER_MAX_ATTEMPTS`
  attempts: admins see dead jobs at /admin/dead-letters and `GET /api/v1/admin/dead-letters`, and retry them.
- Raise `PermanentFailure` for an error a retry cannot fix: the job goes straight to `dead`.

States: queued -> running -> done | failed (retried at run_after) | dead. Claiming uses
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of workers share the queue; on SQLite run one worker.
A job may carry a file (`enqueue(..., file=bytes)`, read with `job_file(job)`): an upload too large or too
personal for the payload, stored in `job_files` so any node's worker can run it, deleted when the job ends.
Other kinds of rows (the outbox) join the same loop with `register_source(name, claim_and_run)`.
Each worker records a heartbeat (`worker_heartbeats`): `last_heartbeat()` tells when one was last alive.
"""
from aidcoord.worker.registry import PermanentFailure, handles, register_source
from aidcoord.worker.services import enqueue, job_file, last_heartbeat, report_progress, report_progress_apart

__all__ = ["PermanentFailure", "enqueue", "handles", "job_file", "last_heartbeat", "register_source",
           "report_progress", "report_progress_apart"]
