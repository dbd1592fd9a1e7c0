"""robust core: idempotent actions, the request's own subject details, failed steps

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01 09:59:46.810302
"""
import uuid

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.crypto
from models import keys
from models.crypto import Place, seal, unseal


revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None

SUBJECT_FIELDS = ('name', 'address', 'birth_date')


def _required(bind, name: str, type_, placeholder: str) -> sa.Column:
    """NOT NULL on a table with rows without rebuilding it (as in 0003): SQLite gets a
    placeholder default at once, PostgreSQL gets NOT NULL after the values are filled."""
    if bind.dialect.name == 'sqlite':
        return sa.Column(name, type_, nullable=False, server_default=sa.text(placeholder))
    return sa.Column(name, type_, nullable=True)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table('actionevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('input_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index(op.f('ix_actionevent_request_id'), 'actionevent', ['request_id'], unique=False)

    op.add_column('request', _required(bind, 'row_uid', sqlmodel.sql.sqltypes.AutoString(length=32), "''"))
    op.add_column('request', _required(bind, 'subject_name', models.crypto.EncryptedString(), "''"))
    op.add_column('request', _required(bind, 'subject_name_hash', sqlmodel.sql.sqltypes.AutoString(length=64), "''"))
    op.add_column('request', sa.Column('subject_address', models.crypto.EncryptedString(), nullable=True))
    op.add_column('request', sa.Column('subject_birth_date', models.crypto.EncryptedString(), nullable=True))
    op.add_column('request', sa.Column('failed_step', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.add_column('request', sa.Column('failure_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('request', sa.Column('failed_on', sa.Date(), nullable=True))
    op.add_column('request', sa.Column('failures', sa.Integer(), nullable=False, server_default='0'))
    _copy_subject_details(bind)
    if bind.dialect.name != 'sqlite':
        for column in ('row_uid', 'subject_name', 'subject_name_hash'):
            op.alter_column('request', column, nullable=False)
    op.create_index(op.f('ix_request_row_uid'), 'request', ['row_uid'], unique=True)
    op.create_index(op.f('ix_request_subject_name_hash'), 'request', ['subject_name_hash'], unique=False)


def _copy_subject_details(bind) -> None:
    """Existing requests were made with the subject's details as they are stored now: copy
    them onto the request, opened at the subject's row and sealed to the request's."""
    rows = bind.execute(sa.text(
        "SELECT r.id, s.row_uid AS s_uid, s.name, s.name_hash, s.address, s.birth_date "
        "FROM request r JOIN datasubject s ON s.id = r.subject_id")).all()
    if not rows:
        return
    key = keys.current()
    for row in rows:
        uid = uuid.uuid4().hex
        values = {'id': row.id, 'uid': uid, 'name_hash': row.name_hash}
        for field in SUBJECT_FIELDS:
            token = row._mapping[field]
            plain = None if token is None else unseal(token, Place('datasubject', field, row.s_uid), row.id)
            values[field] = None if plain is None else seal(plain, Place('request', f'subject_{field}', uid), key)
        bind.execute(sa.text(
            "UPDATE request SET row_uid = :uid, subject_name = :name, subject_name_hash = :name_hash, "
            "subject_address = :address, subject_birth_date = :birth_date WHERE id = :id"), values)


def downgrade() -> None:
    raise ValueError(
        "migratie 0005 gaat niet terug: de gegevens van de betrokkene per verzoek en de vastgelegde "
        "handelingen zouden verloren gaan; zet een back-up van vóór de upgrade terug")
