"""ISO code look-ups through pycountry: countries (3166-1), subdivisions (3166-2)."""
from functools import lru_cache

import pycountry


def normalize_country(code: str) -> str | None:
    """The alpha-2 code in upper case, or None if it is not an ISO 3166-1 country."""
    code = (code or "").strip().upper()
    return code if len(code) == 2 and pycountry.countries.get(alpha_2=code) else None


def normalize_subdivision(code: str) -> str | None:
    """The ISO 3166-2 code (e.g. AM-SU) in upper case, or None if unknown."""
    code = (code or "").strip().upper()
    return code if code in _subdivision_names() else None


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def subdivision_name(code: str) -> str:
    return _subdivision_names().get(code, code)


def country_choices() -> list[tuple[str, str]]:
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])


@lru_cache(maxsize=1)
def _subdivision_names() -> dict[str, str]:
    return {s.code: s.name for s in pycountry.subdivisions}
