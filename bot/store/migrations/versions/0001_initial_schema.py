"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('patient_ref', sa.String(length=16), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=128), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_patient_ref'), 'audit_log', ['patient_ref'], unique=False)
    op.create_table('care_teams',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('policy', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_care_teams_name'))
    )
    op.create_table('counters',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('data_keys',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('master_key_id', sa.String(length=40), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_keys'))
    )
    op.create_index(op.f('ix_data_keys_master_key_id'), 'data_keys', ['master_key_id'], unique=False)
    op.create_table('enrolment_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('chat_index', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_attempts'))
    )
    op.create_index(op.f('ix_enrolment_attempts_chat_index'), 'enrolment_attempts', ['chat_index'], unique=False)
    op.create_table('inbox',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('payload_enc', sa.LargeBinary(), nullable=False),
    sa.Column('chat_index', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_inbox'))
    )
    op.create_index(op.f('ix_inbox_chat_index'), 'inbox', ['chat_index'], unique=False)
    op.create_index(op.f('ix_inbox_status'), 'inbox', ['status'], unique=False)
    op.create_table('meta',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_meta'))
    )
    op.create_table('staff',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('telegram_index', sa.String(length=64), nullable=True),
    sa.Column('telegram_chat_enc', sa.LargeBinary(), nullable=True),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('telegram_index', name=op.f('uq_staff_telegram_index')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_username'))
    )
    op.create_table('patients',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('data_key_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('name_enc', sa.LargeBinary(), nullable=True),
    sa.Column('chat_index', sa.String(length=64), nullable=True),
    sa.Column('chat_id_enc', sa.LargeBinary(), nullable=True),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('consent_version', sa.String(length=16), nullable=True),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('window_start', sa.String(length=5), nullable=False),
    sa.Column('window_end', sa.String(length=5), nullable=False),
    sa.Column('last_interaction_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('awaiting', sa.String(length=40), nullable=True),
    sa.Column('awaiting_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_patients_created_by_staff')),
    sa.ForeignKeyConstraint(['data_key_id'], ['data_keys.id'], name=op.f('fk_patients_data_key_id_data_keys')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_patients_team_id_care_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('chat_index', name=op.f('uq_patients_chat_index')),
    sa.UniqueConstraint('reference', name=op.f('uq_patients_reference'))
    )
    op.create_index(op.f('ix_patients_status'), 'patients', ['status'], unique=False)
    op.create_index(op.f('ix_patients_team_id'), 'patients', ['team_id'], unique=False)
    op.create_table('team_members',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('staff_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_team_members_staff_id_staff')),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], name=op.f('fk_team_members_team_id_care_teams')),
    sa.PrimaryKeyConstraint('team_id', 'staff_id', name=op.f('pk_team_members'))
    )
    op.create_table('coping_sessions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detail_enc', sa.LargeBinary(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('next_prompt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_coping_sessions_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coping_sessions'))
    )
    op.create_index(op.f('ix_coping_sessions_next_prompt_at'), 'coping_sessions', ['next_prompt_at'], unique=False)
    op.create_index(op.f('ix_coping_sessions_patient_id'), 'coping_sessions', ['patient_id'], unique=False)
    op.create_table('escalations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reasons_enc', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.String(length=32), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=32), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_enc', sa.LargeBinary(), nullable=True),
    sa.Column('notify_step', sa.Integer(), nullable=False),
    sa.Column('next_notify_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['staff.id'], name=op.f('fk_escalations_acknowledged_by_staff')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_escalations_patient_id_patients')),
    sa.ForeignKeyConstraint(['resolved_by'], ['staff.id'], name=op.f('fk_escalations_resolved_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('number', name=op.f('uq_escalations_number'))
    )
    op.create_index(op.f('ix_escalations_next_notify_at'), 'escalations', ['next_notify_at'], unique=False)
    op.create_index('ix_escalations_patient_rule', 'escalations', ['patient_id', 'rule', 'status'], unique=False)
    op.create_index(op.f('ix_escalations_status'), 'escalations', ['status'], unique=False)
    op.create_table('outbox',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=True),
    sa.Column('recipient_kind', sa.String(length=16), nullable=False),
    sa.Column('recipient_id', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('consent_scope', sa.String(length=32), nullable=True),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('payload_enc', sa.LargeBinary(), nullable=False),
    sa.Column('chat_index', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('ref_kind', sa.String(length=24), nullable=True),
    sa.Column('ref_id', sa.String(length=32), nullable=True),
    sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_outbox_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    op.create_index(op.f('ix_outbox_chat_index'), 'outbox', ['chat_index'], unique=False)
    op.create_index(op.f('ix_outbox_patient_id'), 'outbox', ['patient_id'], unique=False)
    op.create_index('ix_outbox_ready', 'outbox', ['status', 'priority', 'next_attempt_at'], unique=False)
    op.create_table('plan_suggestions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_enc', sa.LargeBinary(), nullable=True),
    sa.Column('accepted_version', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['staff.id'], name=op.f('fk_plan_suggestions_decided_by_staff')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_plan_suggestions_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_suggestions'))
    )
    op.create_index(op.f('ix_plan_suggestions_patient_id'), 'plan_suggestions', ['patient_id'], unique=False)
    op.create_table('plan_versions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.Column('note_enc', sa.LargeBinary(), nullable=True),
    sa.Column('author_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff.id'], name=op.f('fk_plan_versions_author_id_staff')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_plan_versions_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_versions')),
    sa.UniqueConstraint('patient_id', 'version', name=op.f('uq_plan_versions_patient_id_version'))
    )
    op.create_table('schedules',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('local_time', sa.String(length=5), nullable=False),
    sa.Column('days', sa.String(length=27), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('next_due_utc', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_schedules_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedules'))
    )
    op.create_index('ix_schedules_due', 'schedules', ['active', 'next_due_utc'], unique=False)
    op.create_index(op.f('ix_schedules_patient_id'), 'schedules', ['patient_id'], unique=False)
    op.create_table('supporters',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('name_enc', sa.LargeBinary(), nullable=False),
    sa.Column('alias_enc', sa.LargeBinary(), nullable=True),
    sa.Column('telegram_name_enc', sa.LargeBinary(), nullable=True),
    sa.Column('chat_index', sa.String(length=64), nullable=True),
    sa.Column('chat_id_enc', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('draft_scopes', sa.String(length=100), nullable=False),
    sa.Column('last_summary_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_supporters_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supporters'))
    )
    op.create_index(op.f('ix_supporters_chat_index'), 'supporters', ['chat_index'], unique=False)
    op.create_index(op.f('ix_supporters_patient_id'), 'supporters', ['patient_id'], unique=False)
    op.create_table('checkins',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('schedule_id', sa.String(length=32), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=True),
    sa.Column('cursor', sa.Integer(), nullable=False),
    sa.Column('selection_enc', sa.LargeBinary(), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('question_ref', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('risk_level', sa.String(length=8), nullable=True),
    sa.Column('risk_enc', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_checkins_patient_id_patients')),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_checkins_schedule_id_schedules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('schedule_id', 'due_at', name=op.f('uq_checkins_schedule_id_due_at'))
    )
    op.create_index('ix_checkins_patient_due', 'checkins', ['patient_id', 'due_at'], unique=False)
    op.create_index('ix_checkins_status_expires', 'checkins', ['status', 'expires_at'], unique=False)
    op.create_table('consents',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('supporter_id', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('scopes', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('text_version', sa.String(length=16), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_consents_patient_id_patients')),
    sa.ForeignKeyConstraint(['supporter_id'], ['supporters.id'], name=op.f('fk_consents_supporter_id_supporters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    op.create_index(op.f('ix_consents_patient_id'), 'consents', ['patient_id'], unique=False)
    op.create_index(op.f('ix_consents_supporter_id'), 'consents', ['supporter_id'], unique=False)
    op.create_table('enrolment_codes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('code_index', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=True),
    sa.Column('staff_id', sa.String(length=32), nullable=True),
    sa.Column('supporter_id', sa.String(length=32), nullable=True),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_enrolment_codes_created_by_staff')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_enrolment_codes_patient_id_patients')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_enrolment_codes_staff_id_staff')),
    sa.ForeignKeyConstraint(['supporter_id'], ['supporters.id'], name=op.f('fk_enrolment_codes_supporter_id_supporters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_codes')),
    sa.UniqueConstraint('code_index', name=op.f('uq_enrolment_codes_code_index'))
    )
    op.create_index(op.f('ix_enrolment_codes_patient_id'), 'enrolment_codes', ['patient_id'], unique=False)
    op.create_table('escalation_events',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('escalation_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('staff_id', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('detail_enc', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_escalation_events_escalation_id_escalations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_escalation_events_patient_id_patients')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_escalation_events_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_events'))
    )
    op.create_index(op.f('ix_escalation_events_escalation_id'), 'escalation_events', ['escalation_id'], unique=False)
    op.create_table('checkin_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('checkin_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('value_enc', sa.LargeBinary(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_checkin_answers_checkin_id_checkins')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_checkin_answers_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_answers')),
    sa.UniqueConstraint('checkin_id', 'question_id', name=op.f('uq_checkin_answers_checkin_id_question_id'))
    )
    op.create_index(op.f('ix_checkin_answers_patient_id'), 'checkin_answers', ['patient_id'], unique=False)

    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "patient", "value": 0}, {"name": "escalation", "value": 0}])
    head = sa.table(
        "audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.BigInteger),
        sa.column("hash", sa.String),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    
    op.drop_index(op.f('ix_checkin_answers_patient_id'), table_name='checkin_answers')
    op.drop_table('checkin_answers')
    op.drop_index(op.f('ix_escalation_events_escalation_id'), table_name='escalation_events')
    op.drop_table('escalation_events')
    op.drop_index(op.f('ix_enrolment_codes_patient_id'), table_name='enrolment_codes')
    op.drop_table('enrolment_codes')
    op.drop_index(op.f('ix_consents_supporter_id'), table_name='consents')
    op.drop_index(op.f('ix_consents_patient_id'), table_name='consents')
    op.drop_table('consents')
    op.drop_index('ix_checkins_status_expires', table_name='checkins')
    op.drop_index('ix_checkins_patient_due', table_name='checkins')
    op.drop_table('checkins')
    op.drop_index(op.f('ix_supporters_patient_id'), table_name='supporters')
    op.drop_index(op.f('ix_supporters_chat_index'), table_name='supporters')
    op.drop_table('supporters')
    op.drop_index(op.f('ix_schedules_patient_id'), table_name='schedules')
    op.drop_index('ix_schedules_due', table_name='schedules')
    op.drop_table('schedules')
    op.drop_table('plan_versions')
    op.drop_index(op.f('ix_plan_suggestions_patient_id'), table_name='plan_suggestions')
    op.drop_table('plan_suggestions')
    op.drop_index('ix_outbox_ready', table_name='outbox')
    op.drop_index(op.f('ix_outbox_patient_id'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_chat_index'), table_name='outbox')
    op.drop_table('outbox')
    op.drop_index(op.f('ix_escalations_status'), table_name='escalations')
    op.drop_index('ix_escalations_patient_rule', table_name='escalations')
    op.drop_index(op.f('ix_escalations_next_notify_at'), table_name='escalations')
    op.drop_table('escalations')
    op.drop_index(op.f('ix_coping_sessions_patient_id'), table_name='coping_sessions')
    op.drop_index(op.f('ix_coping_sessions_next_prompt_at'), table_name='coping_sessions')
    op.drop_table('coping_sessions')
    op.drop_table('team_members')
    op.drop_index(op.f('ix_patients_team_id'), table_name='patients')
    op.drop_index(op.f('ix_patients_status'), table_name='patients')
    op.drop_table('patients')
    op.drop_table('staff')
    op.drop_table('meta')
    op.drop_index(op.f('ix_inbox_status'), table_name='inbox')
    op.drop_index(op.f('ix_inbox_chat_index'), table_name='inbox')
    op.drop_table('inbox')
    op.drop_index(op.f('ix_enrolment_attempts_chat_index'), table_name='enrolment_attempts')
    op.drop_table('enrolment_attempts')
    op.drop_index(op.f('ix_data_keys_master_key_id'), table_name='data_keys')
    op.drop_table('data_keys')
    op.drop_table('counters')
    op.drop_table('care_teams')
    op.drop_index(op.f('ix_audit_log_patient_ref'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_table('audit_head')
    
