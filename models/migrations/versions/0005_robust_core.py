"""robust core: idempotent actions, the request's own subject details, failed steps

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-01 09:59:46.810302
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.crypto


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    with op.batch_alter_table('actionevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actionevent_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_name', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('subject_name_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('subject_address', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('subject_birth_date', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('failed_step', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('failure_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('failed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('failures', sa.Integer(), nullable=False, server_default='0'))
    # Existing requests were made with the subject's details as they are stored now: copy
    # them (the ciphertext is the same key's, so no decryption is needed here).
    op.execute(
        "UPDATE request SET subject_name = (SELECT name FROM datasubject WHERE datasubject.id = request.subject_id),"
        " subject_name_hash = (SELECT name_hash FROM datasubject WHERE datasubject.id = request.subject_id),"
        " subject_address = (SELECT address FROM datasubject WHERE datasubject.id = request.subject_id),"
        " subject_birth_date = (SELECT birth_date FROM datasubject WHERE datasubject.id = request.subject_id)"
    )
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.alter_column('subject_name', existing_type=models.crypto.EncryptedString(), nullable=False)
        batch_op.alter_column('subject_name_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
                              nullable=False)
        batch_op.alter_column('failures', existing_type=sa.Integer(), server_default=None)
        batch_op.create_index(batch_op.f('ix_request_subject_name_hash'), ['subject_name_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_subject_name_hash'))
        batch_op.drop_column('failures')
        batch_op.drop_column('failed_on')
        batch_op.drop_column('failure_code')
        batch_op.drop_column('failed_step')
        batch_op.drop_column('subject_birth_date')
        batch_op.drop_column('subject_address')
        batch_op.drop_column('subject_name_hash')
        batch_op.drop_column('subject_name')

    with op.batch_alter_table('actionevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actionevent_request_id'))

    op.drop_table('actionevent')
