"""A process instance knows the record it serves: its type and id, a title to show, and the caller's folded
search text. Indexed by (type, id) for re-describing a record's instances; on PostgreSQL with pg_trgm
installable, a trigram index serves the task and instance search (``LIKE '%word%'``).

Existing instances are described from their business keys where the key names the record ("lead-N",
"contract-N", "referral-N", a complaint's tracking code): type and id only; ``ravand describe-records``
(or the next change to the record) writes their titles.

Revision ID: 0018_instance_record
Revises: 0017_one_head
"""
import sqlalchemy as sa
from alembic import op

from engine.store.migrate import trigram_schema

revision = "0018_instance_record"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None

_PREFIXES = (("lead-", "lead", "lead_qualification"), ("contract-", "contract", "contract_approval"),
             ("referral-", "referral", "referral_rewards"))


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("record_type", sa.String(40), nullable=True))
        batch.add_column(sa.Column("record_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("record_title", sa.String(500), nullable=True))
        batch.add_column(sa.Column("record_search", sa.Text(), nullable=True))
        batch.create_index("ix_process_instance_record", ["record_type", "record_id"])
    bind = op.get_bind()
    trigram = trigram_schema(bind)
    if trigram is not None:
        op.execute(f'CREATE INDEX ix_process_instance_record_search ON process_instance '
                   f'USING gin (record_search "{trigram}".gin_trgm_ops)')
    instances = sa.table("process_instance", sa.column("process_key"), sa.column("business_key"),
                         sa.column("record_type"), sa.column("record_id"))
    for prefix, kind, key in _PREFIXES:
        rest = sa.func.substr(instances.c.business_key, len(prefix) + 1)
        op.execute(instances.update()
                   .where(instances.c.process_key == key, instances.c.business_key.like(f"{prefix}%"),
                          sa.not_(instances.c.business_key.like(f"{prefix}for-%")),
                          instances.c.record_type.is_(None))
                   .values(record_type=kind, record_id=rest))
    complaint = sa.table("complaint", sa.column("id"), sa.column("tracking_code"))
    found = (sa.select(sa.cast(complaint.c.id, sa.String(64)))
             .where(complaint.c.tracking_code == instances.c.business_key).scalar_subquery())
    op.execute(instances.update()
               .where(instances.c.process_key == "complaint_escalation", instances.c.record_type.is_(None),
                      instances.c.business_key.in_(sa.select(complaint.c.tracking_code)))
               .values(record_type="complaint", record_id=found))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_process_instance_record_search")
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_index("ix_process_instance_record")
        for column in ("record_search", "record_title", "record_id", "record_type"):
            batch.drop_column(column)
