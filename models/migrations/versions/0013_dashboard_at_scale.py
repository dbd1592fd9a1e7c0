"""the dashboard and the statistics at 100,000 requests: partial covering indexes on the open requests and tasks, the statistics kept per period (statisticssnapshot, request.stats_version)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01 17:00:00

Issue 12's benchmark (docs/performance.md): the dashboard reads only the open requests and
open tasks through partial indexes that hold every column it needs; the statistics of a
period are kept with a fingerprint of its requests (models/statistics_cache.py).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN_TARGET_COLUMNS = ['sla_target_due', 'region_id', 'status', 'failed_step', 'sla_completed_on', 'sla_status',
                       'sla_suspended_since', 'sla_at_risk_from', 'sla_task_due', 'sla_extended', 'reference',
                       'first_received_on', 'sla_protocol_due', 'sla_legal_due', 'id']

RECEIVED_STATS_COLUMNS = ['first_received_on', 'region_id', 'stats_version', 'id', 'status', 'channel',
                          'sla_completed_on', 'sla_protocol_met', 'sla_legal_met']


def upgrade() -> None:
    op.add_column('request', sa.Column('stats_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_index('ix_request_open_target', 'request', OPEN_TARGET_COLUMNS, unique=False,
                    sqlite_where=sa.text("status <> 'closed'"), postgresql_where=sa.text("status <> 'closed'"))
    op.create_index('ix_request_closed_on', 'request', ['closed_on'], unique=False)
    # The statistics: every column they read, so no row is fetched (replaces 0010's
    # ix_request_received_region, its first two columns).
    op.create_index('ix_request_received_stats', 'request', RECEIVED_STATS_COLUMNS, unique=False)
    op.drop_index('ix_request_received_region', table_name='request')
    op.create_index('ix_requestright_stats', 'requestright', ['request_id', 'type', 'outcome', 'legal_due_extended'],
                    unique=False)
    op.create_index('ix_itemdecision_stats', 'itemdecision', ['request_id', 'outcome', 'ground'], unique=False)
    op.create_index('ix_consultationtask_stats', 'consultationtask', ['request_id', 'partner_id', 'created_on',
                                                                      'answered_on', 'reminded_on', 'escalated_on'],
                    unique=False)
    op.create_index('ix_consultationtask_open', 'consultationtask', ['request_id', 'partner_id', 'due_on',
                                                                     'escalated_on'], unique=False,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    op.create_table('statisticssnapshot',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('period_start', sa.Date(), nullable=False),
                    sa.Column('period_end', sa.Date(), nullable=False),
                    sa.Column('scope', sa.String(length=1000), nullable=False),
                    sa.Column('requests', sa.Integer(), nullable=False),
                    sa.Column('versions', sa.Integer(), nullable=False),
                    sa.Column('groups', sa.Text(), nullable=False),
                    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('period_start', 'period_end', 'scope'))


def downgrade() -> None:
    op.drop_table('statisticssnapshot')
    op.drop_index('ix_consultationtask_open', table_name='consultationtask')
    op.drop_index('ix_consultationtask_stats', table_name='consultationtask')
    op.drop_index('ix_itemdecision_stats', table_name='itemdecision')
    op.drop_index('ix_requestright_stats', table_name='requestright')
    op.create_index('ix_request_received_region', 'request', ['first_received_on', 'region_id'], unique=False)
    op.drop_index('ix_request_received_stats', table_name='request')
    op.drop_index('ix_request_closed_on', table_name='request')
    op.drop_index('ix_request_open_target', table_name='request')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_column('stats_version')
