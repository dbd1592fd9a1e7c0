"""Key rotation: a new master key for every encrypted value, keyed hash and new audit event,
in batches, while the product keeps running (docs/keys.md, "Rotation").

1. ``begin``: the next key (RECHTENLOKET_SECRET_KEY_NEXT or ``secret.key.next``, already
   known to every process, so they can read what it encrypts) is registered in the keyring
   table, with an audit event signed by the old key that names it. From then on every
   process encrypts, hashes and signs with the next key (models.keys.ensure_verified
   notices within ``key_refresh_seconds``).
2. ``rewrite``: every table with encrypted columns, in batches of ``batch_size`` rows in
   primary-key order, one transaction per batch: each value under another key is opened
   and sealed again with the next key, and the keyed hashes of the row (BSN, name, a third
   recipient's name) are computed again from the plaintext. Each row is updated only if
   nobody changed it since it was read (compare-and-set), so a concurrent writer never
   loses an edit; the next pass takes that row again. What is done is read from the data
   themselves (each value names its key; each hash is compared with the plaintext's), so
   a killed run just starts again and finds the rest.
3. Passes repeat until one finds nothing left, and not before every process has had time
   to switch (twice ``key_refresh_seconds`` after ``begin``).
4. ``retire``: the old key's audit key is kept, sealed with the new key, in its keyring
   row (the events it signed stay verifiable), and the key is marked retired; an audit
   event signed by the new key says so. Then the key configuration is told: the key files
   are moved (``secret.key.next`` becomes ``secret.key``), or the operator is told which
   setting to change and what to delete from the secret store.

What is not rehashed, and why (docs/decisions.md): the keyed digests of actions
(``actionevent.key`` and ``input_digest``) are HMACs of inputs we deliberately do not keep,
so they cannot be computed again; they recognise a repeat (a rerun after a kill, a double
click), which ``previous`` checks under every configured key while a rotation runs. The
one that must last, a registration's derived key (region, BSN, types, receipt date,
channel), is computed again from the request. Login-throttle keys last 15 minutes and CSRF
tokens are checked under every configured key; password and session hashes are not keyed.
"""
import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Optional

from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

import models.tables  # noqa: F401  every table on the metadata
from models import audit, keys
from models.crypto import EncryptedString, Place, key_id_of, lookup_hash, seal, unseal
from models.tables import ActionEvent, DataSubject, KeyringEntry, Request, RequestRight
from models.tables.common import utcnow

ACTOR = "system:keys"
DEFAULT_BATCH = 500
MAX_PASSES = 50


class RotationError(ValueError):
    """A rotation cannot start or go on: one Dutch line, nothing changed."""


def _third_party(name: str, key: keys.MasterKey) -> str:
    from models.actions.disclosures import third_party_key

    return third_party_key(name, key)


# (hash column, the encrypted column it is a hash of, how): recomputed from the plaintext.
HASHES: dict[str, list[tuple[str, str, Callable[[str, keys.MasterKey], str]]]] = {
    "datasubject": [("bsn_hash", "bsn", lookup_hash), ("name_hash", "name", lookup_hash)],
    "request": [("subject_name_hash", "subject_name", lookup_hash)],
    "disclosure": [("recipient_key", "recipient_name", _third_party)],
}


@dataclass
class Report:
    old_key_id: str
    new_key_id: str
    started_now: bool = False
    passes: int = 0
    rewritten: dict[str, int] = field(default_factory=dict)  # rows per table
    registration_keys: int = 0
    retired_now: bool = False
    config_message: str = ""


def encrypted_tables() -> list:
    return [t for t in SQLModel.metadata.sorted_tables if any(isinstance(c.type, EncryptedString) for c in t.columns)]


def _keyring_entry(session: Session, key_id: str) -> Optional[KeyringEntry]:
    return session.exec(select(KeyringEntry).where(KeyringEntry.key_id == key_id)).first()


def begin(engine) -> tuple[keys.MasterKey, keys.MasterKey, bool]:
    """Register the next key (idempotent). Returns (old, new, started now)."""
    keys.reload()
    conf = keys.configured()
    if conf.next is None:
        raise RotationError(
            f"geen nieuwe sleutel: maak er een met 'rechtenloket keys new' (schrijft {_settings().next_key_file}) "
            f"of zet {keys.NEXT_ENV_VAR}; zorg dat elk proces (web-app, workers) hem kent en start dan "
            "'rechtenloket keys rotate' (docs/keys.md)")
    old, new = conf.primary, conf.next
    with Session(engine) as session:
        keys.ensure_verified(session.connection())
        if _keyring_entry(session, new.key_id) is not None:
            return old, new, False
        audit.record(session, ACTOR, "key.rotation_started", None, old_key_id=old.key_id, new_key_id=new.key_id)
        keys.register(session.connection(), new)
        session.commit()
    keys.forget_checks()  # this process encrypts with the new key from its next write
    return old, new, True


def _settings():
    from models.settings import get_settings

    return get_settings()


def rewrite(engine, new: keys.MasterKey, batch_size: int = DEFAULT_BATCH,
            after_batch: Callable[[], None] = lambda: None) -> dict[str, int]:
    """One pass over every encrypted table; returns the rows rewritten per table (a row
    that changed under us counts too: the next pass takes it again)."""
    counts: dict[str, int] = {}
    for table in encrypted_tables():
        (pk,) = [c.name for c in table.primary_key.columns]
        columns = [c.name for c in table.columns if isinstance(c.type, EncryptedString)]
        hashes = HASHES.get(table.name, [])
        selected = [pk, "row_uid", *columns, *[h for h, _, _ in hashes]]
        after = None
        while True:
            with engine.begin() as conn:
                where = f"WHERE {pk} > :after " if after is not None else ""
                rows = conn.execute(text(f"SELECT {', '.join(selected)} FROM {table.name} {where}"
                                         f"ORDER BY {pk} LIMIT :n"), {"after": after, "n": batch_size}).all()
                for row in rows:
                    counts[table.name] = counts.get(table.name, 0) + _rewrite_row(
                        conn, table.name, pk, row._mapping, columns, hashes, new)
            if not rows:
                break
            after = rows[-1]._mapping[pk]
            after_batch()
            if len(rows) < batch_size:
                break
    return {k: v for k, v in counts.items() if v}


def _rewrite_row(conn, table: str, pk: str, row, columns: list[str], hashes, new: keys.MasterKey) -> int:
    place = lambda column: Place(table, column, row["row_uid"])  # noqa: E731
    plain: dict[str, Optional[str]] = {}
    changes: dict[str, str] = {}
    for column in columns:
        token = row[column]
        if token is None:
            continue
        if key_id_of(token) != new.key_id:
            plain[column] = unseal(token, place(column), row[pk])
            changes[column] = seal(plain[column], place(column), new)
    for hash_column, source, how in hashes:
        stored = row[hash_column]
        if row[source] is None or not stored:
            continue  # nothing to hash (a partner recipient, an erased subject)
        if table == "disclosure" and not stored.startswith("derde:"):
            continue
        value = plain.get(source)
        if value is None:
            value = plain[source] = unseal(row[source], place(source), row[pk])
        if not value:
            continue
        wanted = how(value, new)
        if stored != wanted:
            changes[hash_column] = wanted
    if not changes:
        return 0
    compared = [*columns, *[h for h, _, _ in hashes]]
    params = {"pk": row[pk], **{f"n_{c}": v for c, v in changes.items()}}
    conditions = [f"{pk} = :pk"]
    for c in compared:
        if row[c] is None:
            conditions.append(f"{c} IS NULL")
        else:
            conditions.append(f"{c} = :o_{c}")
            params[f"o_{c}"] = row[c]
    sets = ", ".join(f"{c} = :n_{c}" for c in changes)
    conn.execute(text(f"UPDATE {table} SET {sets} WHERE {' AND '.join(conditions)}"), params)
    return 1


def rehash_registration_keys(engine, old_keys: list[keys.MasterKey], new: keys.MasterKey,
                             batch_size: int = DEFAULT_BATCH) -> int:
    """A registration's derived idempotency key, computed again under ``new`` from the
    request (region, BSN, types, receipt date, channel). Keys the operator gave are left."""
    from models.actions.intake import ROTATED_DIGEST, rehashed_intake_key

    done, after = 0, 0
    while True:
        with Session(engine, expire_on_commit=False) as session:
            events = session.exec(select(ActionEvent).where(ActionEvent.action == "register", ActionEvent.id > after)
                                  .order_by(ActionEvent.id).limit(batch_size)).all()
            for ev in events:
                request = session.get(Request, ev.request_id)
                if request is None or request.anonymised_on is not None:
                    continue
                subject = session.get(DataSubject, request.subject_id)
                if subject is None or not subject.bsn:
                    continue
                types = list(session.exec(select(RequestRight.type).where(RequestRight.request_id == request.id)))
                for old in old_keys:
                    rehashed = rehashed_intake_key(request, subject.bsn, types, old, new, ev.key)
                    if rehashed is not None:
                        ev.key, ev.input_digest = rehashed, ROTATED_DIGEST
                        session.add(ev)
                        done += 1
                        break
            session.commit()
        if len(events) < batch_size:
            return done
        after = events[-1].id


def retire(engine, old: keys.MasterKey, new: keys.MasterKey) -> bool:
    """Keep the old key's audit key (sealed) and mark it retired. True if done now."""
    keys.forget_checks()
    with Session(engine) as session:
        keys.ensure_verified(session.connection())
        if keys.current().key_id != new.key_id:
            raise RotationError("de nieuwe sleutel versleutelt nog niet: start 'rechtenloket keys rotate' opnieuw")
        entry = _keyring_entry(session, old.key_id)
        if entry is None or entry.retired_at is not None:
            return False
        entry.audit_key = base64.b64encode(old.audit_key).decode()
        entry.retired_at = utcnow()
        session.add(entry)
        audit.record(session, ACTOR, "key.retired", None, retired_key_id=old.key_id, current_key_id=new.key_id)
        session.commit()
    return True


def settle_seconds() -> float:
    """How long after ``begin`` every running process has switched to the new key."""
    return 2 * _settings().key_refresh_seconds


def rotate(engine, batch_size: int = DEFAULT_BATCH, after_batch: Callable[[], None] = lambda: None,
           sleep: Callable[[float], None] = time.sleep) -> Report:
    """The whole rotation, resumable at any point (see the module doc)."""
    old, new, started = begin(engine)
    report = Report(old.key_id, new.key_id, started_now=started)
    with Session(engine) as session:
        registered = _keyring_entry(session, new.key_id).created_at
        old_retired = _keyring_entry(session, old.key_id).retired_at is not None
    if registered.tzinfo is None:
        from datetime import UTC

        registered = registered.replace(tzinfo=UTC)
    switched_at = registered + timedelta(seconds=settle_seconds())
    while True:
        report.passes += 1
        counts = rewrite(engine, new, batch_size, after_batch)
        for name, n in counts.items():
            report.rewritten[name] = report.rewritten.get(name, 0) + n
        if not counts:
            wait = (switched_at - utcnow()).total_seconds()
            if wait <= 0:
                break
            sleep(wait)  # a process that has not switched yet may still write with the old key
        if report.passes >= MAX_PASSES:
            raise RotationError("de sleutelwissel komt niet rond: er blijven waarden met de oude sleutel "
                                "bijkomen; start 'rechtenloket keys rotate' opnieuw")
    report.registration_keys = rehash_registration_keys(engine, [old], new, batch_size)
    if not old_retired:
        report.retired_now = retire(engine, old, new)
    report.config_message = finish_configuration(old, new)
    return report


def finish_configuration(old: keys.MasterKey, new: keys.MasterKey) -> str:
    """Take the old key out of the key configuration where we can (the key files), and say
    in Dutch what the operator must change and delete where we cannot."""
    import os

    settings = _settings()
    keep = ("Bewaar de oude sleutel alleen nog zolang u back-ups van vóór deze sleutelwissel bewaart "
            "(die zijn ermee versleuteld), apart van die back-ups; daarna mag hij weg.")
    if not settings.secret_key and not settings.secret_key_next and settings.next_key_file.exists():
        os.replace(settings.next_key_file, settings.key_file)  # atomic: the old key is gone from disk
        keys.reload()
        return (f"{settings.key_file} bevat nu de nieuwe sleutel (id {new.key_id}) en {settings.next_key_file} "
                f"is weg. Maak nu een back-up van de nieuwe sleutel en verwijder de oude sleutel (id {old.key_id}) "
                f"uit de sleutelkluis. {keep}")
    if settings.secret_key and settings.secret_key_next:
        return (f"Zet nu in de configuratie van elk proces (web-app, workers) {keys.ENV_VAR} op de waarde van "
                f"{keys.NEXT_ENV_VAR} (id {new.key_id}) en verwijder {keys.NEXT_ENV_VAR}; verwijder de oude "
                f"sleutel (id {old.key_id}) uit de sleutelkluis. {keep}")
    if settings.secret_key and settings.next_key_file.exists():
        return (f"Zet nu {keys.ENV_VAR} op de inhoud van {settings.next_key_file} (id {new.key_id}), verwijder "
                f"dat bestand en de oude sleutel (id {old.key_id}) uit de sleutelkluis. {keep}")
    return (f"Vervang nu {settings.key_file} door de nieuwe sleutel uit {keys.NEXT_ENV_VAR} (id {new.key_id}) en "
            f"verwijder {keys.NEXT_ENV_VAR}; verwijder de oude sleutel (id {old.key_id}) uit de sleutelkluis. {keep}")


def status(engine) -> dict:
    """The keys and their state, ids only (``rechtenloket keys status``)."""
    conf = keys.configured()
    with Session(engine) as session:
        keys.ensure_verified(session.connection())
        rows = session.exec(select(KeyringEntry).order_by(KeyringEntry.created_at)).all()
        return {
            "configured": {"primary": conf.primary.key_id, "next": conf.next.key_id if conf.next else None},
            "encrypting": keys.current().key_id,
            "keyring": [{"key_id": r.key_id, "created_at": r.created_at.isoformat(),
                         "retired_at": r.retired_at.isoformat() if r.retired_at else None} for r in rows],
        }
