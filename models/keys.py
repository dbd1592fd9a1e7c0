"""The master key: where it comes from, what is derived from it, and the check that it is
the key this database was encrypted with (docs/keys.md).

One master key (RECHTENLOKET_SECRET_KEY, or the data dir's ``secret.key`` that ``init``
writes for a new, empty database) is expanded with HKDF-SHA256 into one key per purpose,
so no two uses ever share a key:

| purpose    | HKDF info                       | used by                                      |
|------------|---------------------------------|----------------------------------------------|
| data       | ``rechtenloket/v1/aes-gcm``     | AES-256-GCM of the encrypted columns (models.crypto) |
| lookup     | ``rechtenloket-lookup``         | keyed hash to find a BSN or name (models.crypto) |
| audit      | ``rechtenloket/v1/audit-chain`` | HMAC-SHA256 chaining the audit trail (models.audit) |
| key id     | ``rechtenloket/v1/key-id``      | the key's public fingerprint, in every ciphertext and audit event |
| verifier   | ``rechtenloket/v1/key-verifier``| MAC of a fixed label, kept in table ``keyring`` |

Rotation (issue 13) is built in: a ``Keyring`` holds the current key, which encrypts and
signs, and older keys, which still decrypt and verify; every ciphertext and audit event
names the id of the key it was made with.
"""
import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENV_VAR = "RECHTENLOKET_SECRET_KEY"
KEYRING_TABLE = "keyring"
VERIFIER_LABEL = b"rechtenloket key verifier v1"
MIN_KEY_BYTES = 32


class CryptoError(RuntimeError):
    """A key or ciphertext problem. Its message is one Dutch line that names settings,
    tables, columns and row ids, never a value."""


class MissingKey(CryptoError):
    """No usable master key is configured."""


class WrongKey(CryptoError):
    """A key is configured, but it is not the one the data were encrypted with."""


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@dataclass(frozen=True)
class MasterKey:
    """One master key and everything derived from it. ``source`` says where it came from
    (the setting or the file), for error messages."""

    material: bytes = field(repr=False)
    source: str

    def derive(self, purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(self.material)

    @cached_property
    def key_id(self) -> str:
        return self.derive(b"rechtenloket/v1/key-id")[:8].hex()

    @cached_property
    def aead(self) -> AESGCM:
        return AESGCM(self.derive(b"rechtenloket/v1/aes-gcm"))

    @cached_property
    def lookup_key(self) -> bytes:
        # The info string of the first version: the BSN and name hashes stay valid.
        return self.derive(b"rechtenloket-lookup")

    @cached_property
    def audit_key(self) -> bytes:
        return self.derive(b"rechtenloket/v1/audit-chain")

    @cached_property
    def verifier(self) -> str:
        return hmac.new(self.derive(b"rechtenloket/v1/key-verifier"), VERIFIER_LABEL, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    """The current key (encrypts, signs) first, then older keys (decrypt, verify only)."""

    keys: tuple[MasterKey, ...]

    @property
    def current(self) -> MasterKey:
        return self.keys[0]

    def get(self, key_id: str) -> MasterKey | None:
        return next((k for k in self.keys if k.key_id == key_id), None)


def parse_master_key(raw: str, source: str) -> MasterKey:
    try:
        material = base64.urlsafe_b64decode(raw.strip())
    except ValueError as exc:
        raise MissingKey(f"{source} is geen geldige base64-sleutel") from exc
    if len(material) < MIN_KEY_BYTES:
        raise MissingKey(f"{source} moet een sleutel van minstens {MIN_KEY_BYTES} bytes zijn")
    return MasterKey(material=material, source=source)


def missing_key_message(settings) -> str:
    return (
        f"geen sleutel gevonden: zet {ENV_VAR} of zet het sleutelbestand {settings.key_file} "
        "terug uit de back-up van de sleutel (docs/keys.md); alleen voor een nieuwe, lege "
        "database maakt 'rechtenloket init' een nieuwe sleutel"
    )


@lru_cache
def keyring():
    """The configured keys: RECHTENLOKET_SECRET_KEY if set, else the data dir's key file."""
    from models.settings import get_settings

    settings = get_settings()
    if settings.secret_key:
        return Keyring((parse_master_key(settings.secret_key, ENV_VAR),))
    path = settings.key_file
    if not path.exists():
        raise MissingKey(missing_key_message(settings))
    try:
        raw = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise MissingKey(f"het sleutelbestand {path} is niet leesbaar ({type(exc).__name__})") from exc
    return Keyring((parse_master_key(raw, f"het sleutelbestand {path}"),))


def current() -> MasterKey:
    return keyring().current


# --- the key check against the database -------------------------------------------------

_verified: set[str] = set()


def reset() -> None:
    """Forget the loaded keys and which databases were checked (settings changed)."""
    keyring.cache_clear()
    _verified.clear()


def _database(connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)


def ensure_verified(connection) -> None:
    """Check once per process and database that the current key is the database's key.

    Called before the first write that uses the key (an encrypted column, an audit
    event). A database without a registered key (new, or made by migrations without a
    key) gets the current key registered in the caller's transaction. Before migration
    0003 there is no keyring table and nothing to check. Raises WrongKey."""
    from sqlalchemy import inspect as sa_inspect

    database = _database(connection)
    if database in _verified:
        return
    key = current()
    if not sa_inspect(connection).has_table(KEYRING_TABLE):
        return
    rows = {row.key_id: row for row in _keyring_rows(connection)}
    if not rows:
        register(connection, key)
    elif key.key_id not in rows or not hmac.compare_digest(rows[key.key_id].verifier, key.verifier):
        raise WrongKey(
            f"de sleutel uit {key.source} past niet bij deze database (sleutel-id {key.key_id}, "
            f"de database is versleuteld met {', '.join(sorted(rows))}): zet de juiste sleutel "
            "terug uit de back-up van de sleutel (docs/keys.md)"
        )
    elif rows[key.key_id].retired_at is not None:
        raise WrongKey(
            f"de sleutel uit {key.source} (sleutel-id {key.key_id}) is buiten gebruik gesteld; "
            "zet de huidige sleutel terug (docs/keys.md)"
        )
    _verified.add(database)


def _keyring_rows(connection):
    from sqlalchemy import select

    from models.tables.keyring import KeyringEntry

    t = KeyringEntry.__table__
    return connection.execute(select(t.c.key_id, t.c.verifier, t.c.retired_at)).all()


def register(connection, key: MasterKey) -> None:
    """Record the key's id and verifier (never the key). A second call changes nothing."""
    from sqlalchemy.dialects import postgresql, sqlite

    from models.tables.common import utcnow
    from models.tables.keyring import KeyringEntry

    dialect = {"postgresql": postgresql, "sqlite": sqlite}[connection.dialect.name]
    stmt = dialect.insert(KeyringEntry.__table__).values(
        key_id=key.key_id, verifier=key.verifier, created_at=utcnow()
    )
    connection.execute(stmt.on_conflict_do_nothing(index_elements=["key_id"]))


def database_holds_data(connection) -> bool:
    """True when the database holds anything that only the existing key opens or checks:
    a registered key, an encrypted column's row or an audit event."""
    from sqlalchemy import func, inspect as sa_inspect, select
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401  every table on the metadata
    from models.crypto import EncryptedString

    existing = set(sa_inspect(connection).get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        guarded = table.name in (KEYRING_TABLE, "auditevent") or any(
            isinstance(c.type, EncryptedString) for c in table.columns
        )
        if guarded and table.name in existing:
            if connection.execute(select(func.count()).select_from(table)).scalar():
                return True
    return False
