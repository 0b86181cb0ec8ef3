-- Opportunities involve more organizations than customer/principal/distributor
-- (brokers, co-packers, ...): record every participant with its role.

create table public.opportunity_participants (
  id bigint generated always as identity primary key,
  opportunity_id bigint not null references public.opportunities (id) on delete cascade,
  organization_id bigint not null references public.organizations (id) on delete cascade,
  role text not null,
  is_primary boolean not null default false,
  commission_rate numeric(5, 4),
  notes text,
  created_at timestamptz not null default now(),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  deleted_at timestamptz,
  constraint opportunity_participants_role_check
    check (role in ('customer', 'principal', 'distributor', 'broker', 'partner')),
  constraint opportunity_participants_commission_rate_check
    check (commission_rate >= 0 and commission_rate <= 1),
  constraint opportunity_participants_active_excl
    exclude using gist (opportunity_id with =, organization_id with =, role with =)
    where (deleted_at is null)
);

create index opportunity_participants_organization_id_idx
  on public.opportunity_participants (organization_id);

alter table public.opportunity_participants enable row level security;

create policy opportunity_participants_select_authenticated on public.opportunity_participants
  for select to authenticated using (deleted_at is null);
create policy opportunity_participants_insert_authenticated on public.opportunity_participants
  for insert to authenticated with check (true);
create policy opportunity_participants_update_authenticated on public.opportunity_participants
  for update to authenticated using (deleted_at is null) with check (true);
create policy opportunity_participants_delete_authenticated on public.opportunity_participants
  for delete to authenticated using (true);

revoke all on public.opportunity_participants from anon, authenticated;
grant select, insert, update, delete on public.opportunity_participants to authenticated;

-- Backfill from the three fixed columns.
insert into public.opportunity_participants (opportunity_id, organization_id, role, is_primary)
select o.id, o.customer_organization_id, 'customer', true
from public.opportunities o
union all
select o.id, o.principal_organization_id, 'principal', false
from public.opportunities o
where o.principal_organization_id is not null
union all
select o.id, o.distributor_organization_id, 'distributor', false
from public.opportunities o
where o.distributor_organization_id is not null;

-- Count participants in the opportunity list.
create or replace view public.opportunities_summary
with (security_invoker = true)
as
select
  opp.id,
  opp.name,
  opp.stage,
  opp.pipeline,
  opp.amount,
  opp.probability,
  opp.expected_close_date,
  opp.customer_organization_id,
  cust.name as customer_organization_name,
  opp.principal_organization_id,
  prin.name as principal_organization_name,
  opp.distributor_organization_id,
  dist.name as distributor_organization_name,
  opp.sales_id,
  opp.created_at,
  (
    select count(*)
    from public.opportunity_participants op
    where op.opportunity_id = opp.id and op.deleted_at is null
  ) as nb_participants
from public.opportunities opp
join public.organizations cust on cust.id = opp.customer_organization_id
left join public.organizations prin on prin.id = opp.principal_organization_id
left join public.organizations dist on dist.id = opp.distributor_organization_id
where opp.deleted_at is null;

-- Online marketplaces get their own pipeline.
alter type public.opportunity_pipeline add value if not exists 'online' after 'retail';

insert into public.migration_history (migration_name, phase, status, completed_at, rollback_sql)
values (
  '20251010143000_opportunity_participants',
  'phase_1_participants',
  'completed',
  now(),
  'drop table if exists public.opportunity_participants cascade;'
);
