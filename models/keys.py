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
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENV_VAR = "RECHTENLOKET_SECRET_KEY"
NEXT_ENV_VAR = "RECHTENLOKET_SECRET_KEY_NEXT"
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
class AuditOnlyKey:
    """What is kept of a retired key: only its audit key, to verify the events it signed.
    It cannot decrypt, hash or sign anything new (models.rotation stores it sealed)."""

    key_id: str
    audit_key: bytes = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    """The configured keys, the one that encrypts and signs first (``current``), then the
    one that only decrypts and verifies. Outside a rotation there is one key."""

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


def _read_key_file(path) -> MasterKey:
    try:
        raw = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise MissingKey(f"het sleutelbestand {path} is niet leesbaar ({type(exc).__name__})") from exc
    return parse_master_key(raw, f"het sleutelbestand {path}")


@dataclass(frozen=True)
class Configured:
    """The keys in the configuration: the primary key (RECHTENLOKET_SECRET_KEY, else the
    data dir's ``secret.key``) and, during a rotation, the next key
    (RECHTENLOKET_SECRET_KEY_NEXT, else ``secret.key.next``)."""

    primary: MasterKey
    next: MasterKey | None = None


@lru_cache
def configured() -> Configured:
    from models.settings import get_settings

    settings = get_settings()
    if settings.secret_key:
        primary = parse_master_key(settings.secret_key, ENV_VAR)
    elif settings.key_file.exists():
        primary = _read_key_file(settings.key_file)
    else:
        raise MissingKey(missing_key_message(settings))
    nxt = None
    if settings.secret_key_next:
        nxt = parse_master_key(settings.secret_key_next, NEXT_ENV_VAR)
    elif settings.next_key_file.exists():
        nxt = _read_key_file(settings.next_key_file)
    if nxt is not None and nxt.key_id == primary.key_id:
        nxt = None  # the next key became the primary one (the end of a rotation)
    return Configured(primary, nxt)


# Set by ``ensure_verified``: the database has registered the next key, so a rotation is
# under way (or done) and the next key encrypts and signs. One database per process.
_promoted = False


def keyring() -> Keyring:
    """The configured keys, the encrypting one first (see ``Configured`` and ``_promoted``)."""
    conf = configured()
    if conf.next is None:
        return Keyring((conf.primary,))
    return Keyring((conf.next, conf.primary) if _promoted else (conf.primary, conf.next))


def reload() -> None:
    """Read the key configuration again (a value named a key id this process does not know:
    a key file may have been added by a rotation since)."""
    configured.cache_clear()


def current() -> MasterKey:
    return keyring().current


# --- the key check against the database -------------------------------------------------

# database -> when it was last checked (time.monotonic()). Checked again after
# ``key_refresh_seconds``, so every process notices a rotation that another one started.
_verified: dict[str, float] = {}


def reset() -> None:
    """Forget the loaded keys and which databases were checked (settings changed)."""
    global _promoted
    configured.cache_clear()
    _verified.clear()
    _promoted = False


def forget_checks() -> None:
    """Check the database's keyring again at the next write (a rotation changed it)."""
    _verified.clear()


def _database(connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)


def _refresh_seconds() -> float:
    from models.settings import get_settings

    return get_settings().key_refresh_seconds


def ensure_verified(connection) -> None:
    """Check that the configured keys are this database's keys, once per process and
    database and again every ``key_refresh_seconds``.

    Called before every write that uses a key (an encrypted column, an audit event); the
    check itself runs only when due. A database without a registered key (new, or made by
    migrations without a key) gets the primary key registered in the caller's transaction.
    When the database has registered the next key (``keys rotate`` started), the next key
    encrypts and signs from then on. Before migration 0003 there is no keyring table and
    nothing to check. Raises WrongKey."""
    global _promoted
    from sqlalchemy import inspect as sa_inspect

    database = _database(connection)
    checked = _verified.get(database)
    if checked is not None and time.monotonic() - checked < _refresh_seconds():
        return
    if checked is not None:
        reload()  # a rotation may have written or moved a key file since
    conf = configured()
    if not sa_inspect(connection).has_table(KEYRING_TABLE):
        return
    rows = {row.key_id: row for row in _keyring_rows(connection)}
    if not rows:
        register(connection, conf.primary)
        rows = {row.key_id: row for row in _keyring_rows(connection)}
    known = {conf.primary.key_id} | ({conf.next.key_id} if conf.next else set())
    stranger = sorted(k for k, row in rows.items() if row.retired_at is None and k not in known)
    nxt_row = rows.get(conf.next.key_id) if conf.next else None
    primary_row = rows.get(conf.primary.key_id)
    if primary_row is None or not hmac.compare_digest(primary_row.verifier, conf.primary.verifier):
        raise WrongKey(
            f"de sleutel uit {conf.primary.source} past niet bij deze database (sleutel-id "
            f"{conf.primary.key_id}, de database is versleuteld met {', '.join(sorted(rows))}): zet de "
            "juiste sleutel terug uit de back-up van de sleutel (docs/keys.md)"
        )
    if nxt_row is not None and not hmac.compare_digest(nxt_row.verifier, conf.next.verifier):
        raise WrongKey(f"de nieuwe sleutel uit {conf.next.source} past niet bij de sleutel-id die de database "
                       "ervoor kent: zet de nieuwe sleutel terug zoals 'keys rotate' hem begon (docs/keys.md)")
    if stranger:
        raise WrongKey(
            f"de database gebruikt sleutel-id {stranger[0]}, die deze installatie niet kent: er loopt een "
            f"sleutelwissel; zet de nieuwe sleutel in {NEXT_ENV_VAR} (of het bestand secret.key.next) en "
            "start dit proces opnieuw (docs/keys.md)"
        )
    if nxt_row is None and primary_row.retired_at is not None:
        raise WrongKey(
            f"de sleutel uit {conf.primary.source} (sleutel-id {conf.primary.key_id}) is buiten gebruik "
            "gesteld; zet de huidige sleutel terug (docs/keys.md)"
        )
    _promoted = nxt_row is not None
    _verified[database] = time.monotonic()


def _keyring_rows(connection):
    from sqlalchemy import select

    from models.tables.keyring import KeyringEntry

    t = KeyringEntry.__table__
    return connection.execute(select(t.c.key_id, t.c.verifier, t.c.retired_at)).all()


def register(connection, key: MasterKey) -> None:
    """Record the key's id and verifier (never the key). A second call changes nothing."""
    from sqlalchemy.dialects import postgresql, sqlite

    from models.tables.common import new_id, utcnow
    from models.tables.keyring import KeyringEntry

    from sqlalchemy import inspect as sa_inspect

    dialect = {"postgresql": postgresql, "sqlite": sqlite}[connection.dialect.name]
    values = dict(key_id=key.key_id, verifier=key.verifier, created_at=utcnow())
    if "row_uid" in {c["name"] for c in sa_inspect(connection).get_columns(KEYRING_TABLE)}:
        values["row_uid"] = new_id()  # the column came with migration 0011
    from sqlalchemy import column, table as plain_table

    # Only the columns named: the model's defaults would add columns an older schema lacks.
    table = plain_table(KEYRING_TABLE, *(column(name) for name in values))
    stmt = dialect.insert(table).values(**values)
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
