"""Customer imports as background jobs: the job, its stored file, and its report's rows.

Revision ID: 0005_import_jobs
Revises: 0004_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_import_jobs"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("on_duplicate", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runner", sa.String(length=120), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    op.create_index(op.f("ix_import_job_created_by"), "import_job", ["created_by"], unique=False)
    op.create_index(op.f("ix_import_job_state"), "import_job", ["state"], unique=False)
    op.create_table(
        "import_upload",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["import_job.id"], name=op.f("fk_import_upload_job_id_import_job"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_import_upload")),
    )
    op.create_table(
        "import_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("duplicate_ids", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["import_job.id"], name=op.f("fk_import_row_job_id_import_job"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_row")),
    )
    op.create_index("ix_import_row_job_outcome_row", "import_row", ["job_id", "outcome", "row"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_import_row_job_outcome_row", table_name="import_row")
    op.drop_table("import_row")
    op.drop_table("import_upload")
    op.drop_index(op.f("ix_import_job_state"), table_name="import_job")
    op.drop_index(op.f("ix_import_job_created_by"), table_name="import_job")
    op.drop_table("import_job")
