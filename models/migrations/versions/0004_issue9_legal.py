"""issue 9: explanation for the betrokkene, verzet weighing, source tasks, recipients log

Revision ID: 0004
Revises: 0005
Create Date: 2026-11-26 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.crypto


revision = '0004'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('itemanswer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explanation', models.crypto.EncryptedString(), nullable=True))

    with op.batch_alter_table('itemdecision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('situation', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('compelling_grounds', models.crypto.EncryptedString(), nullable=True))
        batch_op.add_column(sa.Column('weighing', models.crypto.EncryptedString(), nullable=True))

    op.create_table('sourcetask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_uid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_partner_id', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('source', models.crypto.EncryptedString(), nullable=True),
    sa.Column('source_partner_id', sa.Integer(), nullable=True),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['caseregistration.id'], ),
    sa.ForeignKeyConstraint(['reported_by_partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.ForeignKeyConstraint(['source_partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'registration_id')
    )
    with op.batch_alter_table('sourcetask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sourcetask_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sourcetask_row_uid'), ['row_uid'], unique=True)

    op.create_table('disclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_uid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('recipient_partner_id', sa.Integer(), nullable=True),
    sa.Column('recipient_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('recipient_name', models.crypto.EncryptedString(), nullable=True),
    sa.Column('recipient_address', models.crypto.EncryptedString(), nullable=True),
    sa.Column('how', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('casus_ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('disclosed_on', sa.Date(), nullable=True),
    sa.Column('derived', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recipient_partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['registration_id'], ['caseregistration.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('registration_id', 'recipient_key', 'how')
    )
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_row_uid'), ['row_uid'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_registration_id'))
    op.drop_table('disclosure')
    with op.batch_alter_table('sourcetask', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sourcetask_request_id'))
    op.drop_table('sourcetask')
    with op.batch_alter_table('itemdecision', schema=None) as batch_op:
        batch_op.drop_column('weighing')
        batch_op.drop_column('compelling_grounds')
        batch_op.drop_column('situation')
    with op.batch_alter_table('itemanswer', schema=None) as batch_op:
        batch_op.drop_column('explanation')
