"""One head again: the workspace's branches (a process instance's record, a record's history, record access,
the pipeline's stages, contract and purchase pages, saved filters, groups and settings) join here.

Revision ID: 0026_one_head
Revises: 0018_instance_record, 0019_record_history, 0020_record_access, 0021_pipeline_stages,
         0022_contract_pages, 0023_purchase_pages, 0024_saved_filters, 0025_settings_admin
"""

revision = "0026_one_head"
down_revision = ("0018_instance_record", "0019_record_history", "0020_record_access", "0021_pipeline_stages",
                 "0022_contract_pages", "0023_purchase_pages", "0024_saved_filters", "0025_settings_admin")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the join alone."""


def downgrade() -> None:
    """Nothing to change: the join alone."""
