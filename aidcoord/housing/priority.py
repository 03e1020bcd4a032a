"""The documented vulnerability score of a household: each rule adds points and says why.

Points (capped per rule so no single factor dominates):
- each child under 5: 15 (at most 30)          - each other child: 5 (at most 15)
- each person over 65: 15 (at most 30)         - each person with a disability: 20 (at most 40)
- medical needs: 25                            - single caregiver with children: 20
- household of 6 or more: 10                   - a coordinator's raise, with its written reason

What a household declares about itself (registered by the person, not by a caseworker or coordinator) is listed
with 0 points until a caseworker or coordinator confirms it: one account cannot jump the queue by declaring
every vulnerability.
"""
from flask_babel import lazy_gettext as _l

RULES = (
    # (points each, cap, how many, reason)
    (15, 30, lambda h: h.children_under_5, _l("children under 5")),
    (5, 15, lambda h: h.children - h.children_under_5, _l("other children")),
    (15, 30, lambda h: h.over_65, _l("people over 65")),
    (20, 40, lambda h: h.disabled, _l("people with disabilities")),
    (25, 25, lambda h: 1 if h.medical_needs else 0, _l("medical needs")),
    (20, 20, lambda h: 1 if h.single_caregiver and h.children else 0, _l("single caregiver")),
    (10, 10, lambda h: 1 if h.size >= 6 else 0, _l("large household")),
)


def awaits_confirmation(household) -> bool:
    """Self-declared vulnerability that no caseworker or coordinator has confirmed yet."""
    return bool(household.vulnerability_self_declared) and household.vulnerability_confirmed_at is None


def vulnerability(household) -> tuple[int, list[list]]:
    """(score, [[points, reason], ...]) from the composition, flags and any coordinator raise; unconfirmed
    self-declared factors are listed at 0 points."""
    score, reasons = 0, []
    unconfirmed = awaits_confirmation(household)
    for points, cap, count, reason in RULES:
        n = count(household)
        if n > 0:
            earned = 0 if unconfirmed else min(points * n, cap)
            score += earned
            why = str(reason) if n == 1 else f"{n} {reason}"
            reasons.append([earned, str(_l("%(why)s (self-declared, not yet confirmed)", why=why)) if unconfirmed
                            else why])
    if household.priority_boost:
        score += household.priority_boost
        reasons.append([household.priority_boost, str(_l("raised by a coordinator: %(why)s",
                                                         why=household.boost_reason))])
    return score, reasons
