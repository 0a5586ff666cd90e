"""crisis region per patient, and erased patients' chats for /sos

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07

Patients enrolled before this keep a NULL region: the clinic's default
(COMPANION_CRISIS_REGION), as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("crisis_region", sa.String(length=2), nullable=True))
    op.create_table(
        "erased_chats",
        sa.Column("chat_index", sa.String(length=64), nullable=False),
        sa.Column("crisis_region", sa.String(length=2), nullable=True),
        sa.PrimaryKeyConstraint("chat_index", name=op.f("pk_erased_chats")),
    )


def downgrade() -> None:
    op.drop_table("erased_chats")
    with op.batch_alter_table("patients") as batch:
        batch.drop_column("crisis_region")
