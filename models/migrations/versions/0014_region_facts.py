"""region facts: the region's own facts kept by its administrator (regionfact), and the stamp that tells every process they changed (regionfactstamp)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:40:00

Issue 18 point 12: the letterhead, signers, bezwaar addressees, mandates, identity desks and
the addresses of the police and OM bodies are filled in on the region page and override the
``unverified`` placeholders of config/regions/*.yaml (models/region_facts.py).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('regionfact',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('region_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
                    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
                    sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
                    sa.Column('confirmed_on', sa.Date(), nullable=False),
                    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
                    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('region_id', 'key'))
    with op.batch_alter_table('regionfact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regionfact_region_id'), ['region_id'], unique=False)
    op.create_table('regionfactstamp',
                    sa.Column('region_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('stamp', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
                    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
                    sa.PrimaryKeyConstraint('region_id'))


def downgrade() -> None:
    op.drop_table('regionfactstamp')
    with op.batch_alter_table('regionfact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regionfact_region_id'))
    op.drop_table('regionfact')
