"""Create the prediction log table.

Revision ID: 0001
Revises:
Created: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``prediction_log`` and its time index."""
    op.create_table(
        "prediction_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
    )
    op.create_index("ix_prediction_log_created_at", "prediction_log", ["created_at"])


def downgrade() -> None:
    """Drop ``prediction_log``."""
    op.drop_index("ix_prediction_log_created_at", table_name="prediction_log")
    op.drop_table("prediction_log")
