"""CRM records: customers, contacts, leads, opportunities, complaints, contracts, referrals,
loyalty, purchases, and the notification outbox.

Revision ID: 0003_crm
Revises: 0002_identity
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_crm"
down_revision = "0002_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('company_name', sa.String(length=255), nullable=True),
    sa.Column('person_name', sa.String(length=255), nullable=True),
    sa.Column('name_key', sa.String(length=512), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('industry', sa.String(length=120), nullable=True),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('segment', sa.String(length=80), nullable=True),
    sa.Column('owner', sa.String(length=150), nullable=True),
    sa.Column('referral_code', sa.String(length=16), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('referral_code', name=op.f('uq_customer_referral_code'))
    )
    op.create_index(op.f('ix_customer_email'), 'customer', ['email'], unique=False)
    op.create_index(op.f('ix_customer_mobile'), 'customer', ['mobile'], unique=False)
    op.create_index(op.f('ix_customer_name_key'), 'customer', ['name_key'], unique=False)
    op.create_index(op.f('ix_customer_owner'), 'customer', ['owner'], unique=False)
    op.create_index(op.f('ix_customer_phone'), 'customer', ['phone'], unique=False)
    op.create_index(op.f('ix_customer_region'), 'customer', ['region'], unique=False)
    op.create_index(op.f('ix_customer_status'), 'customer', ['status'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':  # name_key LIKE 'key|%' (duplicates) in any collation
        op.create_index('ix_customer_name_key_prefix', 'customer', ['name_key'], unique=False,
                        postgresql_ops={'name_key': 'varchar_pattern_ops'})
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('recipient', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('template', sa.String(length=80), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('process_instance_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    op.create_index(op.f('ix_notification_customer_id'), 'notification', ['customer_id'], unique=False)
    op.create_index(op.f('ix_notification_next_attempt_at'), 'notification', ['next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notification_process_instance_id'), 'notification', ['process_instance_id'], unique=False)
    op.create_index(op.f('ix_notification_status'), 'notification', ['status'], unique=False)
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sa.String(length=24), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=255), nullable=True),
    sa.Column('contact_mobile', sa.String(length=20), nullable=True),
    sa.Column('contact_email', sa.String(length=255), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=80), nullable=True),
    sa.Column('assignee', sa.String(length=150), nullable=True),
    sa.Column('sla_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('breaches', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('satisfaction_comment', sa.Text(), nullable=True),
    sa.Column('handling_seconds', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('process_instance_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_complaint_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_complaint_tracking_code'))
    )
    op.create_index(op.f('ix_complaint_customer_id'), 'complaint', ['customer_id'], unique=False)
    op.create_index(op.f('ix_complaint_process_instance_id'), 'complaint', ['process_instance_id'], unique=False)
    op.create_index(op.f('ix_complaint_status'), 'complaint', ['status'], unique=False)
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contact_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    op.create_index(op.f('ix_contact_customer_id'), 'contact', ['customer_id'], unique=False)
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('discount_percent', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('standard_terms', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('document_html', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('process_instance_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contract_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract'))
    )
    op.create_index(op.f('ix_contract_customer_id'), 'contract', ['customer_id'], unique=False)
    op.create_index(op.f('ix_contract_process_instance_id'), 'contract', ['process_instance_id'], unique=False)
    op.create_index(op.f('ix_contract_status'), 'contract', ['status'], unique=False)
    op.create_table('lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=255), nullable=True),
    sa.Column('company_name', sa.String(length=255), nullable=True),
    sa.Column('name_key', sa.String(length=512), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('product', sa.String(length=120), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('estimated_revenue', sa.BigInteger(), nullable=False),
    sa.Column('budget_confirmed', sa.Boolean(), nullable=False),
    sa.Column('authority', sa.Boolean(), nullable=False),
    sa.Column('need', sa.String(length=16), nullable=True),
    sa.Column('timeline', sa.String(length=16), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('grade', sa.String(length=8), nullable=True),
    sa.Column('sales_group', sa.String(length=80), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('disqualify_reason', sa.Text(), nullable=True),
    sa.Column('recontact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duplicate_of', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('process_instance_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_lead_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead'))
    )
    op.create_index(op.f('ix_lead_customer_id'), 'lead', ['customer_id'], unique=False)
    op.create_index(op.f('ix_lead_mobile'), 'lead', ['mobile'], unique=False)
    op.create_index(op.f('ix_lead_name_key'), 'lead', ['name_key'], unique=False)
    op.create_index(op.f('ix_lead_process_instance_id'), 'lead', ['process_instance_id'], unique=False)
    op.create_index(op.f('ix_lead_status'), 'lead', ['status'], unique=False)
    op.create_table('loyalty_account',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('lifetime_value', sa.BigInteger(), nullable=False),
    sa.Column('ranked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_loyalty_account_customer_id_customer')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_loyalty_account'))
    )
    op.create_table('loyalty_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_loyalty_entry_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_entry'))
    )
    op.create_index(op.f('ix_loyalty_entry_customer_id'), 'loyalty_entry', ['customer_id'], unique=False)
    op.create_table('purchase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('purchased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('paid_on_time', sa.Boolean(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=True),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_purchase_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase'))
    )
    op.create_index(op.f('ix_purchase_customer_id'), 'purchase', ['customer_id'], unique=False)
    op.create_index(op.f('ix_purchase_purchased_at'), 'purchase', ['purchased_at'], unique=False)
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=False),
    sa.Column('referred_name', sa.String(length=255), nullable=False),
    sa.Column('referred_mobile', sa.String(length=20), nullable=True),
    sa.Column('referred_email', sa.String(length=255), nullable=True),
    sa.Column('referred_customer_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('reward_kind', sa.String(length=16), nullable=True),
    sa.Column('reward_value', sa.Integer(), nullable=True),
    sa.Column('purchase_id', sa.Integer(), nullable=True),
    sa.Column('rewarded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('process_instance_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['referrer_id'], ['customer.id'], name=op.f('fk_referral_referrer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    op.create_index(op.f('ix_referral_code'), 'referral', ['code'], unique=False)
    op.create_index(op.f('ix_referral_process_instance_id'), 'referral', ['process_instance_id'], unique=False)
    op.create_index(op.f('ix_referral_referrer_id'), 'referral', ['referrer_id'], unique=False)
    op.create_index(op.f('ix_referral_status'), 'referral', ['status'], unique=False)
    op.create_table('complaint_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=150), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_update_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_update'))
    )
    op.create_index(op.f('ix_complaint_update_complaint_id'), 'complaint_update', ['complaint_id'], unique=False)
    op.create_table('contract_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('by', sa.String(length=150), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_decision_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_decision'))
    )
    op.create_index(op.f('ix_contract_decision_contract_id'), 'contract_decision', ['contract_id'], unique=False)
    op.create_table('contract_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=150), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_revision_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_revision'))
    )
    op.create_index(op.f('ix_contract_revision_contract_id'), 'contract_revision', ['contract_id'], unique=False)
    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('owner', sa.String(length=150), nullable=True),
    sa.Column('stage_entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_opportunity_customer_id_customer')),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], name=op.f('fk_opportunity_lead_id_lead')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity'))
    )
    op.create_index(op.f('ix_opportunity_customer_id'), 'opportunity', ['customer_id'], unique=False)
    op.create_index(op.f('ix_opportunity_stage'), 'opportunity', ['stage'], unique=False)
    op.create_table('opportunity_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_stage_opportunity_id_opportunity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_stage'))
    )
    op.create_index(op.f('ix_opportunity_stage_opportunity_id'), 'opportunity_stage', ['opportunity_id'], unique=False)
    op.create_index(op.f('ix_opportunity_stage_stage'), 'opportunity_stage', ['stage'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_opportunity_stage_stage'), table_name='opportunity_stage')
    op.drop_index(op.f('ix_opportunity_stage_opportunity_id'), table_name='opportunity_stage')
    op.drop_table('opportunity_stage')
    op.drop_index(op.f('ix_opportunity_stage'), table_name='opportunity')
    op.drop_index(op.f('ix_opportunity_customer_id'), table_name='opportunity')
    op.drop_table('opportunity')
    op.drop_index(op.f('ix_contract_revision_contract_id'), table_name='contract_revision')
    op.drop_table('contract_revision')
    op.drop_index(op.f('ix_contract_decision_contract_id'), table_name='contract_decision')
    op.drop_table('contract_decision')
    op.drop_index(op.f('ix_complaint_update_complaint_id'), table_name='complaint_update')
    op.drop_table('complaint_update')
    op.drop_index(op.f('ix_referral_status'), table_name='referral')
    op.drop_index(op.f('ix_referral_referrer_id'), table_name='referral')
    op.drop_index(op.f('ix_referral_process_instance_id'), table_name='referral')
    op.drop_index(op.f('ix_referral_code'), table_name='referral')
    op.drop_table('referral')
    op.drop_index(op.f('ix_purchase_purchased_at'), table_name='purchase')
    op.drop_index(op.f('ix_purchase_customer_id'), table_name='purchase')
    op.drop_table('purchase')
    op.drop_index(op.f('ix_loyalty_entry_customer_id'), table_name='loyalty_entry')
    op.drop_table('loyalty_entry')
    op.drop_table('loyalty_account')
    op.drop_index(op.f('ix_lead_status'), table_name='lead')
    op.drop_index(op.f('ix_lead_process_instance_id'), table_name='lead')
    op.drop_index(op.f('ix_lead_name_key'), table_name='lead')
    op.drop_index(op.f('ix_lead_mobile'), table_name='lead')
    op.drop_index(op.f('ix_lead_customer_id'), table_name='lead')
    op.drop_table('lead')
    op.drop_index(op.f('ix_contract_status'), table_name='contract')
    op.drop_index(op.f('ix_contract_process_instance_id'), table_name='contract')
    op.drop_index(op.f('ix_contract_customer_id'), table_name='contract')
    op.drop_table('contract')
    op.drop_index(op.f('ix_contact_customer_id'), table_name='contact')
    op.drop_table('contact')
    op.drop_index(op.f('ix_complaint_status'), table_name='complaint')
    op.drop_index(op.f('ix_complaint_process_instance_id'), table_name='complaint')
    op.drop_index(op.f('ix_complaint_customer_id'), table_name='complaint')
    op.drop_table('complaint')
    op.drop_index(op.f('ix_notification_status'), table_name='notification')
    op.drop_index(op.f('ix_notification_process_instance_id'), table_name='notification')
    op.drop_index(op.f('ix_notification_next_attempt_at'), table_name='notification')
    op.drop_index(op.f('ix_notification_customer_id'), table_name='notification')
    op.drop_table('notification')
    op.drop_index(op.f('ix_customer_status'), table_name='customer')
    op.drop_index(op.f('ix_customer_region'), table_name='customer')
    op.drop_index(op.f('ix_customer_phone'), table_name='customer')
    op.drop_index(op.f('ix_customer_owner'), table_name='customer')
    op.drop_index(op.f('ix_customer_name_key'), table_name='customer')
    op.drop_index(op.f('ix_customer_mobile'), table_name='customer')
    op.drop_index(op.f('ix_customer_email'), table_name='customer')
    op.drop_table('customer')
