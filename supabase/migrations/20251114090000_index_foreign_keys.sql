-- Foreign keys without an index on the referencing side make cascading deletes and joins scan
-- whole tables (flagged by the unindexed_foreign_keys rule). Small tables today, so a plain
-- CREATE INDEX inside the migration's transaction is fine.
set lock_timeout = '5s';

create index contact_notes_sales_id_idx on public.contact_notes (sales_id);
create index opportunity_notes_sales_id_idx on public.opportunity_notes (sales_id);
create index opportunity_participants_created_by_idx on public.opportunity_participants (created_by);
create index opportunity_participants_opportunity_id_idx on public.opportunity_participants (opportunity_id);
create index tasks_sales_id_idx on public.tasks (sales_id);
