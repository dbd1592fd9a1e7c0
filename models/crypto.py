"""Encryption at rest for personal data, and keyed hashes to search it.

One master key (RECHTENLOKET_SECRET_KEY, or var/secret.key written by ``init``) is split
with HKDF into an encryption key (Fernet: AES-128-CBC + HMAC) and a lookup key (HMAC-SHA256).
The lookup hash lets us find a subject by BSN without storing the BSN in the clear.
"""
import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.types import String, TypeDecorator


class MissingKey(RuntimeError):
    pass


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@lru_cache
def _keys() -> tuple[Fernet, bytes]:
    from models.settings import get_settings

    settings = get_settings()
    raw = settings.secret_key
    if not raw and settings.key_file.exists():
        raw = settings.key_file.read_text().strip()
    if not raw:
        raise MissingKey(
            "geen sleutel: zet RECHTENLOKET_SECRET_KEY of voer 'rechtenloket init' uit"
        )
    try:
        master = base64.urlsafe_b64decode(raw)
    except ValueError as exc:
        raise MissingKey("RECHTENLOKET_SECRET_KEY is geen geldige base64-sleutel") from exc
    if len(master) < 32:
        raise MissingKey("RECHTENLOKET_SECRET_KEY moet minstens 32 bytes zijn")
    fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"rechtenloket-encrypt")))
    return fernet, _derive(master, b"rechtenloket-lookup")


def reset_keys() -> None:
    _keys.cache_clear()


def encrypt(plain: str) -> str:
    return _keys()[0].encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _keys()[0].decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """Deterministic keyed hash: equal inputs give equal hashes, unreadable without the key."""
    return hmac.new(_keys()[1], value.strip().lower().encode(), hashlib.sha256).hexdigest()


def keyed_digest(purpose: str, value: str) -> str:
    """A case-sensitive keyed hash of ``value`` for ``purpose`` (e.g. an action's input):
    equal inputs give equal digests; without the key nobody can test a guessed BSN."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(_keys()[1], message, hashlib.sha256).hexdigest()


class EncryptedString(TypeDecorator):
    """A text column whose value is Fernet-encrypted on the way into the database."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)
