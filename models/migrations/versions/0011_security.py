"""security: key rotation (the keyring keeps a retired key's audit key), retention (request.anonymised_on), the processing log

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""
import uuid

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.crypto
from models import processing


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    # keyring.row_uid: NOT NULL on a table with rows (the key registered by init).
    if bind.dialect.name == 'sqlite':
        op.add_column('keyring', sa.Column('row_uid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                           server_default=sa.text("''")))
    else:
        op.add_column('keyring', sa.Column('row_uid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    for (key_id,) in bind.execute(sa.text("SELECT key_id FROM keyring")).all():
        bind.execute(sa.text("UPDATE keyring SET row_uid = :u WHERE key_id = :k"), {"u": uuid.uuid4().hex, "k": key_id})
    if bind.dialect.name != 'sqlite':
        op.alter_column('keyring', 'row_uid', nullable=False)
    op.create_index(op.f('ix_keyring_row_uid'), 'keyring', ['row_uid'], unique=True)
    op.add_column('keyring', sa.Column('audit_key', models.crypto.EncryptedString(), nullable=True))

    op.add_column('request', sa.Column('anonymised_on', sa.Date(), nullable=True))

    op.create_table('processinglog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('trace_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('span_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('parent_span_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('start_time', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('end_time', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('processing_activity_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('data_subject_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('data_subject_id_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('principal', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash'),
    sa.UniqueConstraint('prev_hash')
    )
    op.create_index(op.f('ix_processinglog_data_subject_id'), 'processinglog', ['data_subject_id'], unique=False)
    op.create_index(op.f('ix_processinglog_request_id'), 'processinglog', ['request_id'], unique=False)
    op.create_index(op.f('ix_processinglog_seq'), 'processinglog', ['seq'], unique=True)
    op.create_index(op.f('ix_processinglog_trace_id'), 'processinglog', ['trace_id'], unique=False)
    processing.create_append_only_triggers(bind)


def downgrade() -> None:
    raise ValueError("migratie 0011 gaat niet terug: het verwerkingenlogboek en de bewaarde auditsleutels "
                     "zouden verloren gaan; zet een back-up van vóór de upgrade terug")
