"""How far a need is covered: requested / pledged / committed / delivered, never adding across currencies.

The figures come from the pledges made against the need. Pledges sit above needs (a pledge is made against a
need; a need never imports pledges), so the pledges slice hands its `CoverageSource` to `use_source` when the
app is built, and needs asks through `coverage_of` and `has_live_pledges`.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from aidcoord.common.money import RateUsed
from aidcoord.common.types import today
from aidcoord.needs.models import Need

ZERO = Decimal(0)


@dataclass
class Coverage:
    """Requested / pledged / committed / delivered for one need, in the need's own measure."""

    measure: str  # a currency code or a unit
    requested: Decimal
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    delivered: Decimal = ZERO
    rates_used: list[RateUsed] = field(default_factory=list)
    unconverted: list[str] = field(default_factory=list)  # currencies pledged with no rate recorded

    def percent(self, part: Decimal) -> Decimal:
        return (part * 100 / self.requested).quantize(Decimal(1)) if self.requested else ZERO

    @property
    def over_pledged(self) -> bool:
        return self.pledged > self.requested


@dataclass(frozen=True)
class CoverageSource:
    """What needs asks of the pledges made against a need."""

    coverage_of: Callable[[Need, date], Coverage]  # the figures on that day (cash converted at its rates)
    has_live_pledges: Callable[[Need], bool]  # pledged, committed or delivered: the measure is then fixed


_sources: dict[str, CoverageSource] = {}


def use_source(source: CoverageSource) -> None:
    """Called once by the app factory with the pledges slice's source (calling it again replaces it)."""
    _sources["pledges"] = source


def _source() -> CoverageSource:
    try:
        return _sources["pledges"]
    except KeyError:
        raise RuntimeError("no coverage source: build the app with create_app()") from None


def coverage_of(need: Need, day: date | None = None) -> Coverage:
    """The need's coverage on `day` (default today)."""
    return _source().coverage_of(need, day or today())


def has_live_pledges(need: Need) -> bool:
    """Whether pledges that still count were made in the need's measure."""
    return _source().has_live_pledges(need)
