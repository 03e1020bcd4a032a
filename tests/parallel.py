"""Run one function in many real processes at the same moment, each with its own app and connections.

The processes are forked from a server process (multiprocessing's forkserver) that has already imported the app
and built one (tests/parallel_preload.py): each is ready in a fraction of a second, where a freshly spawned
interpreter took seconds to import everything (sixteen of them about 20 s on two busy cores, most arriving after
the moment they were to start together). They share nothing with the test's process or with each other (no app,
no connection), and each runs with the test's environment as it is at the call, as a spawned process would."""
import multiprocessing
import os
import time

from tests.conftest import clock_offset, follow_clock, make_app

PRELOADED = ["tests.parallel_preload"]


def _worker(database_url, target, args, start_at, results, offset, environment):
    # The fork server's environment is the one it started with: a test may have set MAIL_PORT since, and TZ.
    os.environ.clear()
    os.environ.update(environment)
    time.tzset()
    follow_clock(offset)  # the test's clock, when it is pinned or the run started at AIDCOORD_TEST_CLOCK
    app = make_app(database_url)
    with app.app_context():
        time.sleep(max(0.0, start_at - time.time()))
        try:
            results.put(("ok", target(*args)))
        except Exception as error:  # reported to the test, which decides what is expected
            results.put(("error", f"{type(error).__name__}: {error}"))


def run_at_once(database_url, target, arg_list, lead_seconds=2.0):
    """[(status, value), ...] of target(*args) for each args, all started together in separate processes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)  # read when the server starts, at the first call of a run
    results = context.Queue()
    start_at = time.time() + lead_seconds + 0.1 * len(arg_list)
    offset, environment = clock_offset(), dict(os.environ)
    processes = [context.Process(target=_worker,
                                 args=(database_url, target, args, start_at, results, offset, environment))
                 for args in arg_list]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return outcomes
