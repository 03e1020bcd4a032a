"""The documented vulnerability score of a household: each rule adds points and says why.

Points (capped per rule so no single factor dominates):
- each child under 5: 15 (at most 30)          - each other child: 5 (at most 15)
- each person over 65: 15 (at most 30)         - each person with a disability: 20 (at most 40)
- medical needs: 25                            - single caregiver with children: 20
- household of 6 or more: 10                   - a coordinator's raise, with its written reason

What a household declares about itself (registered by the person, not by a caseworker or coordinator) is listed
with 0 points until a caseworker or coordinator confirms it: one account cannot jump the queue by declaring
every vulnerability.

Reasons are stored as codes with their numbers ({"code": "children_under_5", "points": 15, "count": 1}), never
as text: the score is computed in whoever's language triggered it, and read later by others in theirs.
`reason_text` words a reason in the reader's language when it is shown.
"""
from flask_babel import gettext, ngettext

RAISED_BY_COORDINATOR = "raised_by_coordinator"

RULES = (
    # (code, points each, cap, how many)
    ("children_under_5", 15, 30, lambda h: h.children_under_5),
    ("other_children", 5, 15, lambda h: h.children - h.children_under_5),
    ("over_65", 15, 30, lambda h: h.over_65),
    ("disabilities", 20, 40, lambda h: h.disabled),
    ("medical_needs", 25, 25, lambda h: 1 if h.medical_needs else 0),
    ("single_caregiver", 20, 20, lambda h: 1 if h.single_caregiver and h.children else 0),
    ("large_household", 10, 10, lambda h: 1 if h.size >= 6 else 0),
)
CODES = (*(rule[0] for rule in RULES), RAISED_BY_COORDINATOR)


def awaits_confirmation(household) -> bool:
    """Self-declared vulnerability that no caseworker or coordinator has confirmed yet."""
    return bool(household.vulnerability_self_declared) and household.vulnerability_confirmed_at is None


def vulnerability(household) -> tuple[int, list[dict]]:
    """(score, [{"code", "points", "count"[, "self_declared"]}, ...]) from the composition, flags and any
    coordinator raise (whose reason is the coordinator's own words, under "note"); unconfirmed self-declared
    factors are listed at 0 points."""
    score, reasons = 0, []
    unconfirmed = awaits_confirmation(household)
    for code, points, cap, count in RULES:
        n = count(household)
        if n > 0:
            earned = 0 if unconfirmed else min(points * n, cap)
            score += earned
            reason = {"code": code, "points": earned, "count": n}
            if unconfirmed:
                reason["self_declared"] = True
            reasons.append(reason)
    if household.priority_boost:
        score += household.priority_boost
        reasons.append({"code": RAISED_BY_COORDINATOR, "points": household.priority_boost, "count": 1,
                        "note": household.boost_reason or ""})
    return score, reasons


def reason_text(reason: dict | list) -> str:
    """One reason in the reader's language. Rows stored before reasons became codes hold [points, text]:
    their text is shown as it was written (see migration 0031)."""
    if not isinstance(reason, dict):
        return str(reason[1]) if len(reason) > 1 else ""
    code, n = reason.get("code"), int(reason.get("count") or 1)
    if code == "children_under_5":
        text = ngettext("%(num)d child under 5", "%(num)d children under 5", n)
    elif code == "other_children":
        text = ngettext("%(num)d other child", "%(num)d other children", n)
    elif code == "over_65":
        text = ngettext("%(num)d person over 65", "%(num)d people over 65", n)
    elif code == "disabilities":
        text = ngettext("%(num)d person with a disability", "%(num)d people with disabilities", n)
    elif code == "medical_needs":
        text = gettext("medical needs")
    elif code == "single_caregiver":
        text = gettext("single caregiver")
    elif code == "large_household":
        text = gettext("large household")
    elif code == RAISED_BY_COORDINATOR:
        return gettext("raised by a coordinator: %(why)s", why=reason.get("note") or "")
    else:
        text = str(code)
    if reason.get("self_declared"):
        return gettext("%(why)s (self-declared, not yet confirmed)", why=text)
    return text


def reason_points(reason: dict | list) -> int:
    return int(reason.get("points") or 0) if isinstance(reason, dict) else int(reason[0])


def reason_lines(reasons) -> list[tuple[int, str]]:
    """(points, text) of each stored reason, for pages."""
    return [(reason_points(reason), reason_text(reason)) for reason in reasons or ()]


def reasons_for_api(reasons) -> list[dict]:
    """The stored reasons with a label in the request's language; old text rows have no code."""
    return [{"code": reason.get("code"), "points": reason_points(reason), "count": reason.get("count"),
             "self_declared": bool(reason.get("self_declared")), "note": reason.get("note"),
             "label": reason_text(reason)} if isinstance(reason, dict) else
            {"code": None, "points": reason_points(reason), "count": None, "self_declared": False, "note": None,
             "label": reason_text(reason)}
            for reason in reasons or ()]
