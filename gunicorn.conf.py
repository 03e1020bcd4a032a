"""gunicorn's settings for aidcoord (`gunicorn wsgi:app` reads this file from the working directory).

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_BIND, ...) or the command line.
"""
import multiprocessing
import os
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app's work is short SQL transactions. Two per core plus one keeps a core busy while
# another worker waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Long work (imports, batch proposals, messages) runs in `flask worker`, never in a request: a request that
# takes 30 s is a bug, and killing it keeps one stuck request from holding a worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow for weeks; jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200
# Behind a load balancer: trust its X-Forwarded-* (the app's PROXY_HOPS decides how deep).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log without query strings: they can carry search terms (a name, a phone) typed by staff.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"

# Prometheus: each worker writes its request counts to files in this folder, so that a scrape of any worker
# sees all of them (aidcoord/operations/metrics.py). It must exist, empty, before the workers start.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="aidcoord-metrics-"))


def child_exit(server, worker):
    """A worker that exits leaves its counters to the others (prometheus_client's multiprocess mode)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Once the app is loaded, its ~230,000 long-lived objects (models, schemas, the OpenAPI machinery) leave the
    garbage collector's view: a full collection then scans only what requests made, instead of stalling a request
    for ~110 ms every few thousand (measured on bench/api.py's data)."""
    import gc

    gc.freeze()
