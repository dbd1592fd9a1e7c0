"""Encrypted backups of the database and the audit anchors, and restoring them.

``make(out)`` writes one file: a gzipped tar of the database (SQLite: a consistent copy made
with SQLite's online backup API while the product runs; PostgreSQL: ``pg_dump
--format=custom``), the audit anchor file and a manifest, encrypted as a whole.

The encryption: a backup key derived with HKDF from the master key (purpose
``rechtenloket/v1/backup``: not the master key itself, and no key of the data), then one
key per archive from it and a random salt; the archive is cut into chunks of 1 MiB, each
AES-256-GCM with its index and a last-chunk flag in the associated data (the STREAM
construction), so a changed, reordered or cut-off archive does not open. The clear header
names only the format and the key id. No key is ever inside a backup: to restore one you
need the master key it names, kept apart (docs/keys.md).

The anchor file is copied before the database, so every anchor in a backup points at an
event the database copy holds. ``restore`` refuses a target that already holds data
unless told to overwrite it, and checks everything (the key, the archive, the target)
before it writes anything.
"""
import base64
import gzip  # noqa: F401  (tarfile's "w|gz")
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import make_url

from models import anchor, keys, private

MAGIC = b"RLBACKUP1\n"
CHUNK = 1 << 20
MEMBERS = {"manifest.json", "database.sqlite", "database.pgdump", "audit-anchors.log"}
ACTOR = "system:backup"


class BackupError(ValueError):
    """One Dutch line; nothing was written."""


def backup_key(master: keys.MasterKey) -> bytes:
    return master.derive(b"rechtenloket/v1/backup")


def _archive_key(master: keys.MasterKey, salt: bytes) -> AESGCM:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"rechtenloket backup archive").derive(
        backup_key(master))
    return AESGCM(raw)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return MAGIC + header + struct.pack(">QB", index, 1 if last else 0)


def _nonce(index: int) -> bytes:
    return struct.pack(">4xQ", index)  # a fresh key per archive: the counter is a unique nonce


class _SealingWriter(io.RawIOBase):
    """Chunks of plaintext in, sealed chunks out; ``close`` seals the last one."""

    def __init__(self, out, aead: AESGCM, header: bytes):
        self.out, self.aead, self.header = out, aead, header
        self.buffer, self.index = bytearray(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # keep at least one byte: the last chunk is sealed on close
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.index), plain, _aad(self.header, self.index, last))
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self.buffer), last=True)
            self.buffer.clear()
        super().close()


class _OpeningReader(io.RawIOBase):
    def __init__(self, source, aead: AESGCM, header: bytes):
        self.source, self.aead, self.header = source, aead, header
        self.pending, self.index, self.done = b"", 0, False

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        size = self.source.read(4)
        if len(size) < 4:
            raise BackupError("de back-up is afgebroken: het laatste stuk ontbreekt")
        (length,) = struct.unpack(">I", size)
        sealed = self.source.read(length)
        if len(sealed) < length:
            raise BackupError("de back-up is afgebroken: een stuk is onvolledig")
        for last in (False, True):
            try:
                self.pending = self.aead.decrypt(_nonce(self.index), sealed, _aad(self.header, self.index, last))
            except InvalidTag:
                continue
            self.index += 1
            if last:
                self.done = True
                if self.source.read(1):
                    raise BackupError("de back-up is gewijzigd: er staat iets na het laatste stuk")
            return
        raise BackupError(f"de back-up is gewijzigd of beschadigd (stuk {self.index} klopt niet)")

    def readinto(self, target) -> int:
        while not self.pending and not self.done:
            self._next()
        n = min(len(target), len(self.pending))
        target[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


# --- the database, either kind ----------------------------------------------------------


def _url():
    from models.settings import get_settings

    return make_url(get_settings().effective_database_url)


def _pg_tool(name: str) -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    found = str(candidates[-1]) if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} ontbreekt: installeer de PostgreSQL-client (Debian: postgresql-client)")
    return found


def _pg_args(url) -> tuple[str, dict]:
    """A libpq URL without the password (which goes in PGPASSWORD, not on the command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # pg_dump's messages name tables and rows, never values; still keep one line.
        reason = (done.stderr.strip().splitlines() or ["onbekende fout"])[-1][:200]
        raise BackupError(f"{what} mislukt: {reason}")


def _dump_database(folder: Path) -> str:
    url = _url()
    if url.get_backend_name() == "sqlite":
        target = folder / "database.sqlite"
        source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # the online backup API: a consistent copy while others write
        finally:
            copy.close()
            source.close()
        return target.name
    target = folder / "database.pgdump"
    dbname, env = _pg_args(url)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", "--file", str(target),
          "--dbname", dbname], env, "pg_dump")
    return target.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Made:
    path: Path
    key_id: str
    database: str
    size: int
    sha256: str


def make(out: Path) -> Made:
    """Write an encrypted backup to ``out`` (atomically: the file appears whole or not at all)."""
    from models.db import get_engine

    with get_engine().connect() as connection:
        keys.ensure_verified(connection)
    key = keys.current()
    out = out.resolve()
    if out.exists():
        raise BackupError(f"{out} bestaat al: kies een nieuwe bestandsnaam")
    if not out.parent.is_dir():
        raise BackupError(f"de map {out.parent} bestaat niet")
    with tempfile.TemporaryDirectory(prefix=".rechtenloket-backup-", dir=out.parent) as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o700)
        anchors = anchor.anchor_file()  # first: every anchor copied points into the copy below
        (folder / "audit-anchors.log").write_bytes(anchors.read_bytes() if anchors.exists() else b"")
        database = _dump_database(folder)
        manifest = {
            "format": 1, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": _url().get_backend_name(), "key_id": key.key_id,
            "files": {name: {"size": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
                      for name in (database, "audit-anchors.log")},
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        salt = os.urandom(16)
        header = json.dumps({"format": 1, "key_id": key.key_id, "salt": base64.b64encode(salt).decode(),
                             "chunk": CHUNK}, sort_keys=True).encode() + b"\n"
        partial = folder / "archive.part"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + header)
            writer = _SealingWriter(fh, _archive_key(key, salt), header)
            with tarfile.open(fileobj=writer, mode="w|gz") as tar:
                for name in ("manifest.json", database, "audit-anchors.log"):
                    tar.add(folder / name, arcname=name)
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, out)
    made = Made(out, key.key_id, manifest["database"], out.stat().st_size, _sha256(out))
    _record("backup.created", key_id=made.key_id, database=made.database, sha256=made.sha256)
    return made


def _record(action: str, **detail) -> None:
    from models import audit
    from models.db import session_scope

    with session_scope() as session:
        audit.record(session, ACTOR, action, None, **detail)


# --- restoring --------------------------------------------------------------------------


def read_header(source) -> dict:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("dit is geen back-up van Rechtenloket")
    line = source.readline(4096)
    try:
        header = json.loads(line)
    except ValueError:
        raise BackupError("de kop van de back-up is beschadigd") from None
    header["_raw"] = line
    return header


def _key_for(key_id: str) -> keys.MasterKey:
    keys.reload()
    key = keys.keyring().get(key_id)
    if key is None:
        raise BackupError(
            f"de back-up is versleuteld met sleutel-id {key_id}, die niet is ingesteld: zet die sleutel in "
            f"{keys.ENV_VAR} (of het bestand secret.key) uit de back-up van de sleutel (docs/keys.md)")
    return key


def _target_holds_data() -> bool:
    from sqlalchemy import inspect as sa_inspect

    from models.db import get_engine

    url = _url()
    if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
        return False
    with get_engine().connect() as connection:
        if not sa_inspect(connection).get_table_names():
            return False
        return keys.database_holds_data(connection)


@dataclass(frozen=True)
class Restored:
    database: str
    key_id: str
    created_at: str
    events: int
    intact: bool
    problem: Optional[str]


def restore(archive: Path, overwrite: bool = False) -> Restored:
    """Restore ``archive`` into the configured database and anchor file (see the module doc)."""
    from models.db import reset_engine

    if not archive.is_file():
        raise BackupError(f"{archive} bestaat niet")
    anchors = anchor.anchor_file()
    if not overwrite and _target_holds_data():
        raise BackupError("de database bevat al gegevens: terugzetten zou ze overschrijven; geef --overwrite "
                          "als dat de bedoeling is (stop eerst de web-app en de workers)")
    if not overwrite and anchors.exists() and anchors.stat().st_size:
        raise BackupError(f"het ankerbestand {anchors} bestaat al: geef --overwrite als dat de bedoeling is")
    private.ensure_dir(anchors.parent)
    with tempfile.TemporaryDirectory(prefix=".rechtenloket-restore-", dir=anchors.parent) as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o700)
        with archive.open("rb") as source:
            header = read_header(source)
            key = _key_for(str(header.get("key_id")))
            salt = base64.b64decode(header["salt"])
            reader = io.BufferedReader(_OpeningReader(source, _archive_key(key, salt), header["_raw"]), CHUNK)
            with tarfile.open(fileobj=reader, mode="r|gz") as tar:
                for member in tar:
                    if member.name not in MEMBERS or not member.isfile():
                        raise BackupError(f"onverwacht bestand in de back-up: {member.name[:80]!r}")
                    with tar.extractfile(member) as data, open(folder / member.name, "wb") as fh:
                        shutil.copyfileobj(data, fh)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for name, facts in manifest["files"].items():
            if _sha256(folder / name) != facts["sha256"]:
                raise BackupError(f"{name} in de back-up klopt niet met het manifest")
        kind = _url().get_backend_name()
        if manifest["database"] != kind:
            raise BackupError(f"de back-up is van een {manifest['database']}-database, ingesteld is {kind}")
        # Everything checked: now write.
        reset_engine()
        if kind == "sqlite":
            _restore_sqlite(folder / "database.sqlite")
        else:
            _restore_postgres(folder / "database.pgdump", overwrite)
        if anchors.exists() and anchors.stat().st_size:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(anchors, anchors.with_name(f"{anchors.name}.voor-terugzetten-{stamp}"))
        _write_private(anchors, (folder / "audit-anchors.log").read_bytes())
    reset_engine()
    from models import audit
    from models.db import session_scope
    from models.schema import upgrade_database

    upgrade_database()  # a backup of an older version gets the newest schema
    with session_scope() as session:
        result = audit.check(session)
    if result.intact:
        _record("backup.restored", key_id=key.key_id, created_at=manifest["created_at"])
    return Restored(kind, key.key_id, manifest["created_at"], result.events, result.intact,
                    result.problem.message if result.problem else None)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _restore_sqlite(copy: Path) -> None:
    target = Path(_url().database)
    private.ensure_dir(target.parent)
    staged = target.with_name(f".{target.name}.restore")
    _write_private(staged, copy.read_bytes())
    for suffix in ("-wal", "-shm"):  # the old database's journal must not be replayed onto the copy
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staged, target)


def _restore_postgres(dump: Path, overwrite: bool) -> None:
    dbname, env = _pg_args(_url())
    command = [_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
               "--dbname", dbname]
    if overwrite:
        command += ["--clean", "--if-exists"]
    _run(command + [str(dump)], env, "pg_restore")
