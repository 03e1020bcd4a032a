"""Each slice that keeps person-records declares them here once (like a kind of match), so that consent never
imports the slices above it: how a record is loaded for someone who may manage it, whose account it is, and
which yes/no column (used by queries such as the matching engine's) follows its consent."""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import NotFound


@dataclass(frozen=True)
class SubjectDeclaration:
    kind: ConsentSubject
    # (viewer, id) -> the record; raises NotFound when it does not exist or the viewer may not manage it.
    load: Callable[[Any, int], Any]
    # The person's own account (None: registered by a caseworker, no account).
    user_id: Callable[[Any], int | None]
    purposes: tuple[ConsentPurpose, ...]
    # Purpose -> the record's yes/no column kept in step with the records (the records are the truth).
    mirrors: dict[ConsentPurpose, str] = field(default_factory=dict)
    path: Callable[[Any], str] = lambda record: ""  # the record's page, where its consent is shown
    # (viewer, ids) -> the records in one query, by id, as `load` would give each (an import's many records);
    # None: each is loaded by `load`.
    load_many: Callable[[Any, list[int]], dict[int, Any]] | None = None

    def load_all(self, viewer: Any, ids: list[int]) -> dict[int, Any]:
        """The records by id, each as `load` gives it (NotFound when any is missing or not the viewer's)."""
        if self.load_many is None:
            return {record_id: self.load(viewer, record_id) for record_id in ids}
        return self.load_many(viewer, ids)


SUBJECTS: dict[ConsentSubject, SubjectDeclaration] = {}


def register(declaration: SubjectDeclaration) -> SubjectDeclaration:
    SUBJECTS[declaration.kind] = declaration
    return declaration


def of(kind: ConsentSubject) -> SubjectDeclaration:
    if kind not in SUBJECTS:
        raise NotFound(_l("No such record."))
    return SUBJECTS[kind]
