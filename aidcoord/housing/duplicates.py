"""Possible duplicate households, across scripts and phone formats, found by index.

One set of rules for every door (staff forms, the API, CSV imports, the Telegram bot): a household is a possible
duplicate of an open request with the same phone (compared in E.164, national formats read in
DEFAULT_PHONE_REGION), or of one of the same size whose head's name is similar once both are written in Latin
letters (Армен Саргсян, Արմեն Սարգսյան and Sargsyan Armen are one name). Candidates are found through keys
stored on the household (phone_key, name_key and its block keys: a word and the first letters of another), never
by reading every household.
"""
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

import phonenumbers
from anyascii import anyascii
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import String, any_, bindparam, delete, insert, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from aidcoord.common.bulk import insert_rows
from aidcoord.extensions import db
from aidcoord.housing.models import DuplicateDismissal, Household, HouseholdNameToken
from aidcoord.matching import queue
from aidcoord.matching.models import QueueEntry, QueueKind

NAME_SIMILARITY = 90  # percent, rapidfuzz's ratio of the sorted name keys (Mkrtchyan / Mkrtumyan: 89, two families)
MAX_TOKENS = 5  # words of a name kept: enough for any person's name, bounded for abuse
PREFIX = 3  # letters of another word that block keys carry

# Spelling variants between transliterations of Armenian and Russian names (Hakobyan / Akopyan,
# Hovhannes / Ovannes, Khachatryan / Khach'atryan): applied in order to the Latin letters.
_VARIANTS = (("kh", "x"), ("gh", "x"), ("ch", "c"), ("sh", "s"), ("zh", "s"), ("ts", "c"), ("tz", "c"),
             ("ck", "k"), ("q", "k"), ("h", ""), ("w", "v"), ("y", "i"), ("j", "i"), ("ou", "u"),
             ("b", "p"), ("d", "t"), ("g", "k"), ("z", "s"))
_NOT_LETTERS = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")


def phone_key(phone: str, region: str | None = None) -> str:
    """The phone in E.164 (+37499123456), national numbers read as `region`'s; digits alone when unparseable."""
    return _phone_key(phone, region or (current_app.config["DEFAULT_PHONE_REGION"] if has_app_context() else "AM"))


@lru_cache(maxsize=1 << 17)  # an import's file parses each distinct phone once (parsing is most of a row's keys)
def _phone_key(phone: str, region: str) -> str:
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = "".join(c for c in phone if c.isdigit())
    return ("+" if phone.strip().startswith("+") else "") + digits


def name_tokens(name: str) -> list[str]:
    """The name's words in Latin letters, spelling variants folded, sorted: the same for every script and order."""
    tokens = []
    for word in anyascii(name).lower().split():
        word = _NOT_LETTERS.sub("", word)
        for written, folded in _VARIANTS:
            word = word.replace(written, folded)
        word = _REPEATS.sub(r"\1", word)
        if word:
            tokens.append(word[:60])
    return sorted(tokens)[:MAX_TOKENS]


def name_key(name: str) -> str:
    return " ".join(name_tokens(name))[:400]


def block_keys(key: str) -> set[str]:
    """Keys that two similar names share, selective enough to look up by index: each word with the first letters
    of each other word ('armen sar', 'sarksian arm'); a one-word name is its own key. Names that differ in one
    word's spelling (Khachatryan / Khachaturyan) or by a middle name still share one."""
    words = key.split()
    if len(words) == 1:
        return set(words)
    return {f"{word} {other[:PREFIX]}" for word, other in permutations(words, 2)}


def keys_of(contact_phone: str, contact_name: str) -> tuple[str, str]:
    """(phone key, name key) of a contact."""
    return phone_key(contact_phone), name_key(contact_name)


def set_keys(household: Household, keys: tuple[str, str] | None = None) -> None:
    """Set the household's phone and name keys from its contact (`keys`: keys_of it, computed already), before
    it is flushed."""
    household.phone_key, household.name_key = keys or keys_of(household.contact_phone, household.contact_name)


def store_name_tokens(household: Household, *, replace: bool = False) -> None:
    """One row per block key of the household's name (it needs the household's id), in the caller's transaction."""
    if replace:
        db.session.execute(delete(HouseholdNameToken).where(HouseholdNameToken.household_id == household.id))
    tokens = sorted(block_keys(household.name_key or ""))
    if tokens:
        db.session.execute(insert(HouseholdNameToken), [{"household_id": household.id, "token": token}
                                                        for token in tokens])


def store_name_tokens_of(households: list[Household]) -> None:
    """The block keys of new households (flushed: they have ids), written together (common.bulk)."""
    insert_rows(HouseholdNameToken, [{"household_id": household.id, "token": token} for household in households
                                     for token in sorted(block_keys(household.name_key or ""))])


@dataclass(frozen=True)
class Reason:
    code: str  # same_phone or similar_name
    score: int = 100  # percent

    @property
    def label(self):
        if self.code == "same_phone":
            return _l("same phone")
        return _l("similar name %(score)d %%", score=self.score)


@dataclass
class _Known:
    """What is compared of a household: its id and keys."""
    id: int
    phone_key: str
    name_key: str
    size: int


def _reasons(candidate: _Known, other: _Known) -> list[Reason]:
    reasons = []
    if candidate.phone_key and candidate.phone_key == other.phone_key:
        reasons.append(Reason("same_phone"))
    if candidate.size == other.size and candidate.name_key and other.name_key:
        score = round(fuzz.ratio(candidate.name_key, other.name_key))
        if score >= NAME_SIMILARITY:
            reasons.append(Reason("similar_name", score))
    return reasons


def _any_of(column, values: set[str]):
    """`column = ANY(:values)`: one array parameter, however many values (an IN list has one per value)."""
    return column == any_(bindparam(None, sorted(values), type_=ARRAY(String)))


def _open_households():
    return select(Household.id, Household.phone_key, Household.name_key, Household.size).join(
        QueueEntry, (QueueEntry.subject_id == Household.id) & (QueueEntry.kind == QueueKind.HOUSING)).where(
        QueueEntry.state.in_(queue.OPEN_STATES))


@dataclass
class DuplicateIndex:
    """Open households that may match any of a batch of candidates, loaded in one query by their keys; the
    batch's own households are added as they are created, so duplicates within one file are found too."""

    by_phone: dict[str, list[_Known]] = field(default_factory=lambda: defaultdict(list))
    # By block key and size: only households of the same size can have a similar name (see _reasons).
    by_block: dict[tuple[str, int], list[_Known]] = field(default_factory=lambda: defaultdict(list))
    ids: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, candidates: Iterable[tuple[str, str]]) -> "DuplicateIndex":
        """`candidates`: (contact_phone, contact_name) pairs."""
        index = cls()
        index.load_keys((phone_key(phone), name_key(name)) for phone, name in candidates)
        return index

    def load_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        """Add the open households that may match any of these (phone_key, name_key) pairs: on PostgreSQL in one
        query however many (each list is one array parameter), elsewhere in one query per 1,000 pairs."""
        phones, tokens = set(), set()
        for phone, name in keys:
            phones.add(phone)
            tokens.update(block_keys(name))
        if not phones and not tokens:
            return
        if db.session.get_bind().dialect.name == "postgresql":
            self._load(_any_of(Household.phone_key, phones), _any_of(HouseholdNameToken.token, tokens))
            return
        phone_list, token_list = sorted(phones), sorted(tokens)
        for start in range(0, max(len(phone_list), len(token_list)), 1000):
            self._load(Household.phone_key.in_(phone_list[start:start + 1000]),
                       HouseholdNameToken.token.in_(token_list[start:start + 1000]))

    def _load(self, phone_matches, token_matches) -> None:
        words = select(HouseholdNameToken.household_id).where(token_matches)
        for row in db.session.execute(_open_households().where(or_(phone_matches, Household.id.in_(words)))):
            self.add(_Known(row.id, row.phone_key or "", row.name_key or "", row.size))

    def add(self, known: _Known) -> None:
        if known.id in self.ids:
            return
        self.ids.add(known.id)
        if known.phone_key:
            self.by_phone[known.phone_key].append(known)
        for block in block_keys(known.name_key):
            self.by_block[(block, known.size)].append(known)

    def matches(self, candidate: _Known) -> list[tuple[int, list[Reason]]]:
        """(household id, reasons), the strongest first; never the candidate itself."""
        same_phone = {known.id: known for known in self.by_phone.get(candidate.phone_key, ())}
        pool: dict[int, _Known] = {}
        for block in block_keys(candidate.name_key):
            for known in self.by_block.get((block, candidate.size), ()):
                pool[known.id] = known
        # The pool's names (same size, a block key shared) scored in one call, not one call each; 89.5 rounds to 90.
        similar: dict[int, int] = {}
        if candidate.name_key and pool:
            names = list(pool.values())
            for _name, score, place in process.extract(candidate.name_key, [known.name_key for known in names],
                                                       scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY - 0.5,
                                                       limit=None):
                if round(score) >= NAME_SIMILARITY:
                    similar[names[place].id] = round(score)
        found = []
        for known in same_phone.values():
            if known.id == candidate.id:
                continue
            if known.id in pool:
                reasons = [Reason("same_phone")] if candidate.phone_key else []
                if known.id in similar:
                    reasons.append(Reason("similar_name", similar[known.id]))
            else:
                reasons = _reasons(candidate, known)
            if reasons:
                found.append((known.id, reasons))
        found.extend((known_id, [Reason("similar_name", score)]) for known_id, score in similar.items()
                     if known_id not in same_phone and known_id != candidate.id)
        found.sort(key=lambda pair: (-len(pair[1]), -max(reason.score for reason in pair[1]), pair[0]))
        return found


def _known(household: Household) -> _Known:
    return _Known(household.id, household.phone_key or phone_key(household.contact_phone),
                  household.name_key or name_key(household.contact_name), household.size)


def dismissed_ids(household_id: int) -> set[int]:
    rows = db.session.execute(select(DuplicateDismissal.household_id, DuplicateDismissal.other_id).where(
        or_(DuplicateDismissal.household_id == household_id, DuplicateDismissal.other_id == household_id)))
    return {a if b == household_id else b for a, b in rows}


def possible_duplicates(household: Household) -> list[tuple[Household, list[Reason]]]:
    """Open households that may be this one (same phone, or similar name and same size), strongest first;
    pairs a caseworker dismissed are left out."""
    index = DuplicateIndex.load([(household.contact_phone, household.contact_name)])
    dismissed = dismissed_ids(household.id)
    found = [(other_id, reasons) for other_id, reasons in index.matches(_known(household))
             if other_id not in dismissed]
    return [(db.session.get_one(Household, other_id), reasons) for other_id, reasons in found]


def first_duplicate(index: DuplicateIndex, household: Household) -> int | None:
    """The strongest open match of a household about to be registered, from `index`."""
    found = index.matches(_known(household))
    return found[0][0] if found else None


def remember(index: DuplicateIndex, household: Household) -> None:
    index.add(_known(household))


def dismiss(household_id: int, other_id: int, actor_id: int) -> None:
    """Record that two households are different (in the caller's transaction); recording it twice is harmless."""
    low, high = sorted((household_id, other_id))
    exists = db.session.scalar(select(DuplicateDismissal.id).where(
        DuplicateDismissal.household_id == low, DuplicateDismissal.other_id == high))
    if exists is None:
        db.session.add(DuplicateDismissal(household_id=low, other_id=high, dismissed_by_id=actor_id))
