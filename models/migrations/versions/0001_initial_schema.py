"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 21:40:53.188709
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.crypto


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash'),
    sa.UniqueConstraint('prev_hash')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_request_id'), ['request_id'], unique=False)

    op.create_table('datasubject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bsn', models.crypto.EncryptedString(), nullable=True),
    sa.Column('bsn_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('name', models.crypto.EncryptedString(), nullable=False),
    sa.Column('name_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('birth_date', models.crypto.EncryptedString(), nullable=True),
    sa.Column('address', models.crypto.EncryptedString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('datasubject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datasubject_bsn_hash'), ['bsn_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_datasubject_name_hash'), ['name_hash'], unique=False)

    op.create_table('region',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('config_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('regime', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('notification_channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('notification_address', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('region_id', 'slug')
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_region_id'), ['region_id'], unique=False)

    op.create_table('caseregistration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('casus_ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('regime', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('description', models.crypto.EncryptedString(), nullable=False),
    sa.Column('supplied_on', sa.Date(), nullable=True),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.Column('anonymised', sa.Boolean(), nullable=False),
    sa.Column('eigen_verklaring', models.crypto.EncryptedString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['subject_id'], ['datasubject.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('caseregistration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caseregistration_casus_ref'), ['casus_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_caseregistration_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_caseregistration_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_caseregistration_subject_id'), ['subject_id'], unique=False)

    op.create_table('partnercontact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partnercontact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnercontact_partner_id'), ['partner_id'], unique=False)

    op.create_table('request',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('region_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('first_received_on', sa.Date(), nullable=False),
    sa.Column('received_by_partner_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_on', sa.Date(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('requester_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('delete_after', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['received_by_partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['subject_id'], ['datasubject.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_region_status', ['region_id', 'status'], unique=False)
        batch_op.create_index('ix_request_status_received', ['status', 'first_received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_subject_id'), ['subject_id'], unique=False)

    op.create_table('clockevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('right_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clockevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clockevent_request_id'), ['request_id'], unique=False)

    op.create_table('consultationtask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reminder_on', sa.Date(), nullable=False),
    sa.Column('escalation_on', sa.Date(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('escalated_on', sa.Date(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('note', models.crypto.EncryptedString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'partner_id')
    )
    with op.batch_alter_table('consultationtask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultationtask_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultationtask_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_consultationtask_status_due', ['status', 'due_on'], unique=False)

    op.create_table('deliberation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('forum', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participants', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deliberation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_request_id'), ['request_id'], unique=False)

    op.create_table('identitycheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('officer', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('document_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('document_last_digits', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id')
    )
    op.create_table('itemdecision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('right_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('ground', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('motivation', models.crypto.EncryptedString(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('executed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['caseregistration.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'right_type', 'registration_id')
    )
    with op.batch_alter_table('itemdecision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_itemdecision_request_id'), ['request_id'], unique=False)

    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('recipient_partner_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('html', models.crypto.EncryptedString(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recipient_partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_request_id'), ['request_id'], unique=False)

    op.create_table('outboxmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('recipient', models.crypto.EncryptedString(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', models.crypto.EncryptedString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outboxmessage_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outboxmessage_status'), ['status'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('request_types', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('answer_received_on', sa.Date(), nullable=True),
    sa.Column('outcome_summary', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference'),
    sa.UniqueConstraint('request_id', 'partner_id', 'target')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_request_id'), ['request_id'], unique=False)

    op.create_table('representative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', models.crypto.EncryptedString(), nullable=False),
    sa.Column('address', models.crypto.EncryptedString(), nullable=True),
    sa.Column('proof_of_authority', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('proof_checked_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id')
    )
    op.create_table('requestright',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('executed_on', sa.Date(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'type')
    )
    with op.batch_alter_table('requestright', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requestright_request_id'), ['request_id'], unique=False)

    op.create_table('itemanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('supplied_by_us', sa.Boolean(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('correction', models.crypto.EncryptedString(), nullable=True),
    sa.Column('withhold', sa.Boolean(), nullable=False),
    sa.Column('withhold_ground', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('note', models.crypto.EncryptedString(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['caseregistration.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['consultationtask.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id', 'registration_id')
    )
    with op.batch_alter_table('itemanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_itemanswer_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_itemanswer_task_id'), ['task_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('itemanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_itemanswer_task_id'))
        batch_op.drop_index(batch_op.f('ix_itemanswer_registration_id'))

    op.drop_table('itemanswer')
    with op.batch_alter_table('requestright', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requestright_request_id'))

    op.drop_table('requestright')
    op.drop_table('representative')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_request_id'))

    op.drop_table('referral')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxmessage_status'))
        batch_op.drop_index(batch_op.f('ix_outboxmessage_request_id'))

    op.drop_table('outboxmessage')
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_request_id'))

    op.drop_table('letter')
    with op.batch_alter_table('itemdecision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_itemdecision_request_id'))

    op.drop_table('itemdecision')
    op.drop_table('identitycheck')
    with op.batch_alter_table('deliberation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_request_id'))

    op.drop_table('deliberation')
    with op.batch_alter_table('consultationtask', schema=None) as batch_op:
        batch_op.drop_index('ix_consultationtask_status_due')
        batch_op.drop_index(batch_op.f('ix_consultationtask_request_id'))
        batch_op.drop_index(batch_op.f('ix_consultationtask_partner_id'))

    op.drop_table('consultationtask')
    with op.batch_alter_table('clockevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clockevent_request_id'))

    op.drop_table('clockevent')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_subject_id'))
        batch_op.drop_index('ix_request_status_received')
        batch_op.drop_index('ix_request_region_status')

    op.drop_table('request')
    with op.batch_alter_table('partnercontact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnercontact_partner_id'))

    op.drop_table('partnercontact')
    with op.batch_alter_table('caseregistration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseregistration_subject_id'))
        batch_op.drop_index(batch_op.f('ix_caseregistration_region_id'))
        batch_op.drop_index(batch_op.f('ix_caseregistration_partner_id'))
        batch_op.drop_index(batch_op.f('ix_caseregistration_casus_ref'))

    op.drop_table('caseregistration')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_region_id'))

    op.drop_table('partner')
    op.drop_table('region')
    with op.batch_alter_table('datasubject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_datasubject_name_hash'))
        batch_op.drop_index(batch_op.f('ix_datasubject_bsn_hash'))

    op.drop_table('datasubject')
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_request_id'))
        batch_op.drop_index(batch_op.f('ix_auditevent_at'))

    op.drop_table('auditevent')
