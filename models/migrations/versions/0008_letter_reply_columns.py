"""facts in columns, not in strings: a letter's reply flag and right; lists as JSON; dead table and column gone

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 13:00:00
"""
import json

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('letter', sa.Column('reply', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('letter', sa.Column('right_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    # Until now a reply was known by its key "<request id>:reply:<right>" ("reply:geen_gegevens":
    # every handled right). Read the keys once, here, into the columns.
    for letter_id, key in bind.execute(sa.text("SELECT id, key FROM letter WHERE key LIKE '%:reply:%'")).all():
        answered = key.rsplit(":", 1)[1]
        bind.execute(sa.text("UPDATE letter SET reply = :t, right_type = :r WHERE id = :i"),
                     {"t": True, "r": None if answered == "geen_gegevens" else answered, "i": letter_id})

    for table, column in (('referral', 'request_types'), ('deliberation', 'participants')):
        for row_id, value in bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all():
            values = [v for v in (value or "").split(",") if v]
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :i"),
                         {"v": json.dumps(values), "i": row_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, type_=sa.JSON(), existing_nullable=False,
                                  postgresql_using=f"{column}::json")

    op.drop_table('partnercontact')
    with op.batch_alter_table('representative', schema=None) as batch_op:
        batch_op.drop_column('proof_checked_on')


def downgrade() -> None:
    raise ValueError("migratie 0008 gaat niet terug; zet een back-up van vóór de upgrade terug")
