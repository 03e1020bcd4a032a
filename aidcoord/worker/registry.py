"""What the worker knows how to run: a handler per job kind, and the other queues (sources) it works off."""
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], dict[str, Any] | None]
# Told, in the transaction that declares a job dead, so that what waits on the job (an import, a batch run) stops
# saying "running".
DeadHandler = Callable[[Any], None]
# A source claims a batch of its own rows for the named worker, runs them and returns how many it handled.
Source = Callable[[str, int], int]

_handlers: dict[str, Handler] = {}
_dead_handlers: dict[str, DeadHandler] = {}
_retry_refusals: dict[str, Any] = {}  # kind -> why its dead jobs cannot run again (a message, maybe lazy)
_sources: dict[str, Source] = {}


class PermanentFailure(Exception):
    """Raised by a handler for an error no retry can fix: the job is dead at once. Its text is stored, so it
    must hold no personal value."""


def handles(kind: str, *, on_dead: DeadHandler | None = None,
            retry_refused: Any = None) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs of `kind` (one handler per kind). `on_dead(job)`
    runs when a job of the kind dies; `retry_refused`, a message, for a kind whose dead jobs cannot run again (their
    file was deleted when they died, or what they worked for was marked failed): it says what to do instead."""
    def register(handler: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not handler and existing.__qualname__ != handler.__qualname__:
            raise ValueError(f"jobs of kind {kind!r} already have a handler")
        _handlers[kind] = handler
        if on_dead is not None:
            _dead_handlers[kind] = on_dead
        if retry_refused is not None:
            _retry_refusals[kind] = retry_refused
        return handler
    return register


def dead_handler_for(kind: str) -> DeadHandler | None:
    return _dead_handlers.get(kind)


def retry_refusal(kind: str) -> Any:
    """Why a dead job of this kind cannot be queued again, or None when it can."""
    return _retry_refusals.get(kind)


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def known_kinds() -> list[str]:
    return sorted(_handlers)


def register_source(name: str, source: Source) -> None:
    """Add another queue (e.g. the outbox) to every worker's loop; registering a name again replaces it."""
    _sources[name] = source


def sources() -> dict[str, Source]:
    return dict(_sources)
