"""request right statement

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:56:25.135219
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.crypto


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('requestright', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement', models.crypto.EncryptedString(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('requestright', schema=None) as batch_op:
        batch_op.drop_column('statement')

