"""Run one function in many real processes at the same moment, each with its own app and connections."""
import multiprocessing
import time

from tests.conftest import clock_offset, follow_clock, make_app


def _worker(database_url, target, args, start_at, results, offset):
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
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + lead_seconds + 0.1 * len(arg_list)
    offset = clock_offset()
    processes = [context.Process(target=_worker, args=(database_url, target, args, start_at, results, offset))
                 for args in arg_list]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return outcomes
