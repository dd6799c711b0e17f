"""audit log look-ups: by subject (a request's history) and by actor (a staff member's actions)

Revision ID: review_1
Revises: 0001
"""
from alembic import op


revision = "review_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_subject", ["subject_type", "subject_id"], unique=False)
        batch_op.create_index("ix_audit_event_actor", ["actor_kind", "actor_id"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_actor")
        batch_op.drop_index("ix_audit_event_subject")
