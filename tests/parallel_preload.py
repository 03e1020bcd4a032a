"""Imported once per test run by the fork server of tests/parallel.py, never by a test: what every worker process
needs before its first statement (the app's modules, the factories, and the lazily imported modules and URL
builders of a first app), done once, so that the workers forked from the server start at once instead of each
doing it again."""
import tests.factories  # noqa: F401 - the targets of run_at_once live in test modules that use them
from tests.conftest import make_app

make_app("sqlite://")
