"""bound encryption, keyed and anchored audit trail, key verifier

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:02:48

In one transaction (docs/keys.md, docs/architecture.md):

1. table ``keyring`` (key id and verifier, never the key);
2. ``row_uid`` on every table with encrypted columns, ``seq`` and ``key_id`` on ``auditevent``;
3. every encrypted value from Fernet (not bound) to AES-GCM bound to table.column.row_uid;
4. the old unkeyed SHA-256 chain is checked first (a broken chain stops the migration:
   re-chaining it would hide the damage), then every event gets its ``seq`` and the keyed
   HMAC, and one event ``audit.rechained`` says so;
5. the key's verifier is recorded; unique indexes, NOT NULL, and the triggers that refuse
   UPDATE and DELETE (and TRUNCATE) on ``auditevent``.

It needs the master key when the database holds data. ``rechtenloket init`` runs it and
then anchors the re-chained head (models.audit.checkpoint). There is no way back: a
downgrade would remove the protection; restore a backup instead.
"""
import uuid

import sqlalchemy as sa
import sqlmodel
from alembic import op
from cryptography.fernet import InvalidToken

import models.crypto  # noqa: F401  (the column type of earlier revisions)
from models import audit, keys, legacy
from models.crypto import Place, seal

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The encrypted columns as they are at revision 0002.
ENCRYPTED = {
    "datasubject": ("bsn", "name", "birth_date", "address"),
    "caseregistration": ("description", "eigen_verklaring"),
    "consultationtask": ("note",),
    "itemanswer": ("correction", "note"),
    "itemdecision": ("motivation",),
    "letter": ("html",),
    "outboxmessage": ("recipient", "body"),
    "representative": ("name", "address"),
    "requestright": ("statement",),
}
BATCH = 500
ACTOR = "system:migration"


class MigrationRefused(ValueError):
    """The migration cannot run on this database; the message says why (Dutch, one line)."""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # pysqlite runs DDL outside any transaction until the first INSERT or UPDATE. Open
        # one now, so that a refusal half-way (a wrong key, a damaged trail) leaves the
        # database at 0002 exactly as it was; alembic's final commit ends it.
        bind.exec_driver_sql("SAVEPOINT migration_0003")
    op.create_table('keyring',
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('verifier', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key_id')
    )
    for table in ENCRYPTED:
        _add_required_column(bind, table, 'row_uid', sqlmodel.sql.sqltypes.AutoString(length=32), "''")
    _add_required_column(bind, 'auditevent', 'seq', sa.Integer(), "0")
    _add_required_column(bind, 'auditevent', 'key_id', sqlmodel.sql.sqltypes.AutoString(length=16), "''")

    key = _key(bind)
    reencrypted = sum(_reencrypt(bind, table, columns, key) for table, columns in ENCRYPTED.items())
    _rechain(bind, key, reencrypted)
    if key is not None:
        keys.register(bind, key)

    for table in ENCRYPTED:
        _require(bind, table, 'row_uid')
        op.create_index(op.f(f'ix_{table}_row_uid'), table, ['row_uid'], unique=True)
    _require(bind, 'auditevent', 'seq')
    _require(bind, 'auditevent', 'key_id')
    op.create_index(op.f('ix_auditevent_seq'), 'auditevent', ['seq'], unique=True)
    audit.create_append_only_triggers(bind)


def downgrade() -> None:
    raise MigrationRefused(
        "migratie 0003 gaat niet terug: dat zou de versleuteling per rij en het gesleutelde "
        "auditspoor weghalen; zet een back-up van vóór de upgrade terug"
    )


def _add_required_column(bind, table: str, name: str, type_, placeholder: str) -> None:
    """A NOT NULL column on a table with rows, without rebuilding the table (SQLite would
    have to drop and recreate tables that others reference): SQLite gets NOT NULL with a
    placeholder default at once, PostgreSQL gets NOT NULL after the values are filled."""
    if bind.dialect.name == "sqlite":
        column = sa.Column(name, type_, nullable=False, server_default=sa.text(placeholder))
    else:
        column = sa.Column(name, type_, nullable=True)
    op.add_column(table, column)


def _require(bind, table: str, column: str) -> None:
    if bind.dialect.name != "sqlite":
        op.alter_column(table, column, nullable=False)


def _has_rows(bind, table: str) -> bool:
    return bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None


def _key(bind) -> keys.MasterKey | None:
    """The master key; required when there is anything to re-encrypt or re-chain."""
    if any(_has_rows(bind, t) for t in (*ENCRYPTED, 'auditevent')):
        return keys.current()  # MissingKey names the setting and the key file
    try:
        return keys.current()
    except keys.MissingKey:
        return None  # an empty database: the key is registered at its first use


def _batches(bind, table: sa.TableClause):
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _reencrypt(bind, name: str, columns: tuple[str, ...], key) -> int:
    table = sa.table(name, sa.column('id', sa.Integer()), sa.column('row_uid', sa.String()),
                     *[sa.column(c, sa.String()) for c in columns])
    fernet = legacy.fernet(key) if key is not None else None
    count = 0
    for rows in _batches(bind, table):
        updates = []
        for row in rows:
            uid = uuid.uuid4().hex
            values = {'_id': row.id, 'row_uid': uid}
            for column in columns:
                token = row._mapping[column]
                if token is None:
                    values[column] = None
                    continue
                try:
                    plain = fernet.decrypt(token.encode()).decode('utf-8')
                except InvalidToken:
                    raise keys.WrongKey(
                        f"de sleutel uit {key.source} opent de bestaande gegevens niet ({name}.{column}, "
                        f"rij {row.id}): zet de juiste sleutel terug uit de back-up van de sleutel (docs/keys.md)"
                    ) from None
                values[column] = seal(plain, Place(name, column, uid), key)
                count += 1
            updates.append(values)
        bind.execute(table.update().where(table.c.id == sa.bindparam('_id')), updates)
    return count


def _rechain(bind, key, reencrypted: int) -> None:
    table = sa.table(
        'auditevent',
        sa.column('id', sa.Integer()), sa.column('seq', sa.Integer()),
        sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime()), sa.column('actor', sa.String()),
        sa.column('action', sa.String()), sa.column('request_id', sa.String()),
        sa.column('detail', sa.JSON()), sa.column('key_id', sa.String()),
        sa.column('prev_hash', sa.String()), sa.column('hash', sa.String()),
    )
    old_prev = new_prev = audit.GENESIS
    seq = 0
    for rows in _batches(bind, table):
        updates = []
        for row in rows:
            expected = legacy.chain_digest(old_prev, row.at, row.actor, row.action, row.request_id, row.detail)
            if row.prev_hash != old_prev or row.hash != expected:
                raise MigrationRefused(
                    f"het auditspoor was al beschadigd bij gebeurtenis {row.id}: migratie 0003 koppelt het "
                    "niet opnieuw, want dat zou de schade verbergen; zet eerst een back-up terug"
                )
            old_prev = row.hash
            seq += 1
            new = audit.mac(key, seq, new_prev, row.at, row.actor, row.action, row.request_id, row.detail)
            updates.append({'_id': row.id, 'seq': seq, 'key_id': key.key_id, 'prev_hash': new_prev, 'hash': new})
            new_prev = new
        bind.execute(table.update().where(table.c.id == sa.bindparam('_id')), updates)
    if seq == 0:
        return
    at = audit.utcnow()
    detail = {"migration": "0003", "events": seq, "values_reencrypted": reencrypted,
              "chain": "hmac-sha256", "was": "sha256"}
    seq += 1
    bind.execute(table.insert().values(
        seq=seq, at=at, actor=ACTOR, action="audit.rechained", request_id=None, detail=detail,
        key_id=key.key_id, prev_hash=new_prev,
        hash=audit.mac(key, seq, new_prev, at, ACTOR, "audit.rechained", None, detail),
    ))
