"""What the worker knows how to run: a handler per job kind, and the other queues (sources) it works off."""
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], dict[str, Any] | None]
# A source claims a batch of its own rows for the named worker, runs them and returns how many it handled.
Source = Callable[[str, int], int]

_handlers: dict[str, Handler] = {}
_sources: dict[str, Source] = {}


class PermanentFailure(Exception):
    """Raised by a handler for an error no retry can fix: the job is dead at once. Its text is stored, so it
    must hold no personal value."""


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs of `kind` (one handler per kind)."""
    def register(handler: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not handler and existing.__qualname__ != handler.__qualname__:
            raise ValueError(f"jobs of kind {kind!r} already have a handler")
        _handlers[kind] = handler
        return handler
    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def known_kinds() -> list[str]:
    return sorted(_handlers)


def register_source(name: str, source: Source) -> None:
    """Add another queue (e.g. the outbox) to every worker's loop; registering a name again replaces it."""
    _sources[name] = source


def sources() -> dict[str, Source]:
    return dict(_sources)
