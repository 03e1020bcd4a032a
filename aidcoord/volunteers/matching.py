"""Volunteer shifts as a kind of match: a volunteer takes one slot in a shift.

Signing up is accepted at once (the volunteer chose the shift; nobody has to answer) and takes a slot;
the volunteer may withdraw (cancel) up to the shift's cutoff; the organization records who came
(placed) and who did not (expired: the slot went unused and is given back). Sign-ups keep their own
table (hours, reminders), but their states and transitions are the shared lifecycle's, checked by
the same table. The organization sees the volunteer's name and e-mail from the sign-up on (roster).
"""
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select, update

from aidcoord.accounts.models import User
from aidcoord.common.sql import rows_changed
from aidcoord.extensions import db
from aidcoord.matching import kinds, lifecycle
from aidcoord.matching import services as matches
from aidcoord.matching.lifecycle import MatchState
from aidcoord.matching.models import QueueKind
from aidcoord.organizations.models import Membership
from aidcoord.volunteers.models import SIGN_UP_LABELS, Shift, SignUp


class ShiftKind(kinds.MatchKind):
    kind = QueueKind.SHIFTS
    subject_model = User  # the volunteer's account
    offer_model = Shift
    holding_states = frozenset({MatchState.ACCEPTED, MatchState.PLACED})
    contact_shown_from = frozenset({MatchState.ACCEPTED, MatchState.PLACED})
    labels: ClassVar[dict] = SIGN_UP_LABELS
    path = "/volunteers/sign-ups"
    capacity_field, used_field = "slots", "filled"

    def capacity_in_use_message(self, held: int):
        return ngettext("%(num)d slot is taken; the shift cannot have fewer than %(num)d.",
                        "%(num)d slots are taken; the shift cannot have fewer than %(num)d.", held)

    def capacity_taken_message(self):
        return _l("This shift is full.")

    def reserve(self, offer_id: int, people: int) -> int | None:
        """One conditional UPDATE (filled < slots): a full shift refuses however many press at once;
        the CHECK filled <= slots backs it up in the database."""
        taken = rows_changed(
            update(Shift).where(Shift.id == offer_id, Shift.filled + people <= Shift.slots)
            .values(filled=Shift.filled + people))
        return people if taken == 1 else None

    def release(self, offer_id: int, held: int) -> None:
        db.session.execute(update(Shift).where(Shift.id == offer_id).values(filled=Shift.filled - held),
                           execution_options={"synchronize_session": False})

    def answerers(self, shift: Shift) -> list[User]:
        members = select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == shift.organization_id)
        return list(db.session.scalars(members))

    def offer_ids_answered_by(self, user: User) -> list[int]:
        member_of = select(Membership.organization_id).where(Membership.user_id == user.id)
        return list(db.session.scalars(select(Shift.id).where(Shift.organization_id.in_(member_of))))

    def subject_users(self, volunteer: User) -> list[User]:
        return [volunteer]

    def link(self, match: Any) -> str:
        return f"/volunteers/shifts/{match.shift_id}"


KIND = kinds.register(ShiftKind())


def move_sign_up(sign_up: SignUp, target: MatchState, message=None, *, new: bool = False) -> None:
    """One transition of the shared lifecycle for a sign-up (`new`: a sign-up starting, perhaps on the
    row of an earlier cancelled one), the slot taken or given back as the kind declares, in the
    caller's transaction."""
    current = None if new else sign_up.state
    if current is not None:
        lifecycle.check_move(current, target, message)
    held = 1 if current in KIND.holding_states else 0
    matches.change_capacity(KIND, sign_up.shift_id, 1, held, current, target)
    sign_up.state = target
