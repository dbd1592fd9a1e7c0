"""Encryption at rest, bound to the place of each value, and keyed hashes to search it.

Every encrypted value is AES-256-GCM with associated data naming its place: table,
column and the row's ``row_uid``. A ciphertext copied to another row or another column
does not decrypt there (``DecryptionFailed`` names table, column and row, never the
value). The stored text is ``rl1.<key id>.<base64url(nonce | ciphertext | tag)>``: the
format version, then the id of the key that made it (models.keys), so a rotated key can
still open old values while new ones use the new key.

The ORM does the work (models.sealing): application code reads and writes plain
attributes. ``EncryptedString`` is the column type; it accepts only values the ORM has
placed, so a bulk statement that would write plaintext (or an unbound ciphertext) fails
instead.
"""
import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from sqlalchemy.types import String, TypeDecorator

from models import keys
from models.keys import CryptoError, MissingKey, WrongKey, generate_master_key  # noqa: F401  (public here too)

FORMAT = "rl1"
_NONCE_BYTES = 12


class DecryptionFailed(CryptoError):
    """A stored value does not open at its place: copied from elsewhere, or damaged."""

    def __init__(self, table: str, column: str, row: object, why: str):
        self.table, self.column, self.row = table, column, row
        super().__init__(
            f"de versleutelde waarde in {table}.{column} van rij {row} {why} "
            "(gekopieerd van een andere rij of kolom, of beschadigd)"
        )


@dataclass(frozen=True)
class Place:
    """Where a value lives: the associated data of its ciphertext."""

    table: str
    column: str
    row_uid: str

    def aad(self, key_id: str) -> bytes:
        return f"{FORMAT}|{key_id}|{self.table}.{self.column}.{self.row_uid}".encode()


class PlacedText(str):
    """Plaintext that knows its place: what the ORM hands to ``EncryptedString`` at flush."""

    place: Place

    def __new__(cls, value: str, place: Place):
        text = super().__new__(cls, value)
        text.place = place
        return text


def reset_keys() -> None:
    keys.reset()


def seal(plain: str, place: Place, key: keys.MasterKey | None = None) -> str:
    """Encrypt ``plain`` for ``place`` with ``key`` (default: the current key)."""
    key = key or keys.current()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plain.encode("utf-8"), place.aad(key.key_id))
    return f"{FORMAT}.{key.key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str | None:
    """The key id a stored value names, or None when it is not in our format."""
    parts = token.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == FORMAT else None


def unseal(token: str, place: Place, row: object = None) -> str:
    """Decrypt a stored value at ``place``. ``row`` (the row's id) is for the message."""
    row = place.row_uid if row is None else row
    key_id = key_id_of(token)
    if key_id is None:
        raise DecryptionFailed(place.table, place.column, row, "is niet in het formaat rl1")
    key = keys.keyring().get(key_id)
    if key is None:
        keys.reload()  # a rotation may have added the key (secret.key.next) since this process read it
        key = keys.keyring().get(key_id)
    if key is None:
        current = keys.current()
        raise WrongKey(
            f"{place.table}.{place.column} is versleuteld met sleutel-id {key_id}, maar de "
            f"sleutel uit {current.source} heeft id {current.key_id}: zet de juiste sleutel "
            "terug uit de back-up van de sleutel (docs/keys.md)"
        )
    try:
        raw = base64.urlsafe_b64decode(token.split(".", 2)[2])
        plain = key.aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], place.aad(key_id))
    except (InvalidTag, ValueError) as exc:
        raise DecryptionFailed(place.table, place.column, row, "hoort niet op deze plek") from exc
    return plain.decode("utf-8")


def lookup_hash(value: str, key: keys.MasterKey | None = None) -> str:
    """Deterministic keyed hash with the current key (or ``key``): equal inputs give equal
    hashes, unreadable without the key. Case and surrounding spaces do not count. For
    writing a hash; a search uses ``lookup_hashes``."""
    return _lookup(key or keys.current(), value)


def lookup_hashes(value: str) -> list[str]:
    """The value's hash under every key in the keyring, current first: during a key
    rotation a search must also find rows hashed with the older key."""
    return [_lookup(k, value) for k in keys.keyring().keys]


def _lookup(key: keys.MasterKey, value: str) -> str:
    return hmac.new(key.lookup_key, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def keyed_digest(purpose: str, value: str, key: keys.MasterKey | None = None) -> str:
    """A case-sensitive keyed hash of ``value`` for ``purpose`` (e.g. an action's input):
    equal inputs give equal digests; without the key nobody can test a guessed BSN."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new((key or keys.current()).lookup_key, message, hashlib.sha256).hexdigest()


def keyed_digests(purpose: str, value: str) -> list[str]:
    """``keyed_digest`` under every key in the keyring, current first (to recognise a digest
    made before or during a rotation)."""
    return [keyed_digest(purpose, value, k) for k in keys.keyring().keys]


class EncryptedString(TypeDecorator):
    """A text column holding values sealed to their place (see the module docstring).

    Writing: only a ``PlacedText`` (made by models.sealing at flush) is accepted, and
    stored sealed. Reading: the stored text comes back unchanged; the ORM's load event
    opens it, because only the ORM knows the row."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, PlacedText):
            raise TypeError(
                "an encrypted column can only be written through the ORM (models.sealing); "
                "bulk statements and comparisons on it are not supported"
            )
        return seal(str(value), value.place)

    def process_result_value(self, value, dialect):
        return value
