"""what a data item is, as its supplier says (itemanswer.special_category): health, another special category, criminal data or none, for item b of the inzage reply

Revision ID: 0015
Revises: 0013
Create Date: 2027-01-15 12:00:00

Issue 18 point 8: special categories (AVG art. 9) and criminal data (AVG art. 10) are marked
by what the data are, not by a word in the category text. The partner's answer may say so per
item; NULL means it did not, and the supplier's default holds (models/letters/categories.py).
The coordinator re-chains down_revision to the facts helper's 0014 at merge.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('itemanswer') as batch:
        batch.add_column(sa.Column('special_category', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('itemanswer') as batch:
        batch.drop_column('special_category')
