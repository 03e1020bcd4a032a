"""Argon2id password hashes; parameters come from config so they can be raised later."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# A syntactically valid hash to verify against when the account does not exist,
# so a wrong email takes as long as a wrong password.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105 - no account has it; hashed only to spend the time


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config.get("ARGON2_PARAMETERS", {}))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(password_hash or hasher.hash(_DUMMY_PASSWORD), password)  # raises unless it matches
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
