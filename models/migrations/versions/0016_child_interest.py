"""issue 18 point 5: the partner's weighing of a child's own interest (consultationtask.child_interest)

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-08 12:00:00

A parent or guardian who asks for the data of a child of 12 to 16 gets them only after the
supplying partner weighed the child's own interest (art. 41 lid 1 onder i UAVG); the answer
records that weighing, encrypted like every free text. Issue 18 point 6 (the eigen verklaring
split per item) needs no column: each part is kept in ``caseregistration.eigen_verklaring``
of the item it is attached to.

The coordinator re-chains this revision at merge (0014 and 0015 are other helpers').
"""
from alembic import op
import sqlalchemy as sa
import models.crypto


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consultationtask', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_interest', models.crypto.EncryptedString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('consultationtask', schema=None) as batch_op:
        batch_op.drop_column('child_interest')
