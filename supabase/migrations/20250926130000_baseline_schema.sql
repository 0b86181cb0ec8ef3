-- Baseline schema for the Acme Foods CRM.
--
-- Consolidates the pre-launch history (archived 2025-09-26) into one file:
-- organizations (with hierarchy), contacts, contact <-> organization links,
-- multi-principal opportunities, tasks, notes, sales reps and the legacy
-- `deals` table that opportunities replace (dropped in a later migration).
--
-- Conventions:
--   * bigint identity primary keys (GENERATED ALWAYS)
--   * soft delete through `deleted_at`; uniqueness only among active rows
--     (EXCLUDE ... WHERE (deleted_at IS NULL))
--   * full-text search through trigger-maintained tsvector columns + GIN
--   * RLS on every table; the API role `anon` gets nothing

create extension if not exists btree_gist with schema extensions;
create extension if not exists pg_trgm with schema extensions;

-------------------------------------------------------------------------------
-- Enums
-------------------------------------------------------------------------------

create type public.organization_type as enum (
  'customer',
  'prospect',
  'principal',
  'distributor',
  'unknown'
);

create type public.opportunity_stage as enum (
  'new_lead',
  'initial_outreach',
  'sample_visit_offered',
  'awaiting_response',
  'feedback_logged',
  'demo_scheduled',
  'closed_won',
  'closed_lost'
);

create type public.opportunity_pipeline as enum (
  'food_service',
  'retail',
  'distribution'
);

-------------------------------------------------------------------------------
-- Shared trigger functions
-------------------------------------------------------------------------------

create or replace function public.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;

-------------------------------------------------------------------------------
-- Sales reps (one per auth user)
-------------------------------------------------------------------------------

create table public.sales (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  first_name text not null,
  last_name text not null,
  email text not null,
  administrator boolean not null default false,
  disabled boolean not null default false,
  avatar jsonb,
  created_at timestamptz not null default now(),
  constraint sales_user_id_key unique (user_id)
);

comment on table public.sales is 'CRM users (sales reps), one row per auth.users row.';

-- Create the sales row when someone signs up / is invited.
create or replace function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_is_first boolean;
begin
  select not exists (select 1 from public.sales) into v_is_first;

  insert into public.sales (user_id, first_name, last_name, email, administrator)
  values (
    new.id,
    coalesce(new.raw_user_meta_data ->> 'first_name', ''),
    coalesce(new.raw_user_meta_data ->> 'last_name', ''),
    coalesce(new.email, ''),
    v_is_first  -- the first user of a fresh install is the administrator
  );
  return new;
end;
$$;

revoke execute on function public.handle_new_user() from public, anon, authenticated;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-------------------------------------------------------------------------------
-- Organizations
-------------------------------------------------------------------------------

create table public.organizations (
  id bigint generated always as identity primary key,
  name text not null,
  organization_type public.organization_type not null default 'unknown',
  parent_organization_id bigint references public.organizations (id) on delete set null,
  sector text,
  website text,
  phone_number text,
  address text,
  city text,
  zipcode text,
  state_abbr varchar(2),
  country text not null default 'US',
  linkedin_url text,
  description text,
  legacy_crm_code text,  -- imported from the old CRM; dropped once the import is reconciled
  sales_id bigint references public.sales (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  search_tsv tsvector,
  constraint organizations_no_self_parent
    check (parent_organization_id is distinct from id),
  constraint organizations_name_active_excl
    exclude using gist (lower(name) with =) where (deleted_at is null)
);

create index organizations_parent_organization_id_idx
  on public.organizations (parent_organization_id);
create index organizations_sales_id_idx on public.organizations (sales_id);
create index organizations_search_tsv_idx on public.organizations using gin (search_tsv);
create index organizations_name_trgm_idx
  on public.organizations using gin (name extensions.gin_trgm_ops);

create or replace function public.organizations_search_tsv_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.search_tsv :=
    setweight(to_tsvector('simple'::regconfig, coalesce(new.name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.website, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.city, '')), 'C');
  return new;
end;
$$;

create trigger organizations_search_tsv_trigger
  before insert or update on public.organizations
  for each row execute function public.organizations_search_tsv_update();

create trigger organizations_set_updated_at
  before update on public.organizations
  for each row execute function public.set_updated_at();

-------------------------------------------------------------------------------
-- Contacts
-------------------------------------------------------------------------------

create table public.contacts (
  id bigint generated always as identity primary key,
  first_name text not null,
  last_name text not null,
  title text,
  -- [{"email": "...", "type": "Work"}, ...]
  email jsonb not null default '[]'::jsonb,
  -- [{"number": "...", "type": "Mobile"}, ...]
  phone jsonb not null default '[]'::jsonb,
  background text,
  linkedin_url text,
  sales_id bigint references public.sales (id) on delete set null,
  first_seen timestamptz not null default now(),
  last_seen timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  constraint contacts_email_is_array check (jsonb_typeof(email) = 'array'),
  constraint contacts_phone_is_array check (jsonb_typeof(phone) = 'array')
);

create index contacts_sales_id_idx on public.contacts (sales_id);
create index contacts_active_last_name_idx
  on public.contacts (last_name, first_name) where (deleted_at is null);

create trigger contacts_set_updated_at
  before update on public.contacts
  for each row execute function public.set_updated_at();

create table public.contact_organizations (
  id bigint generated always as identity primary key,
  contact_id bigint not null references public.contacts (id) on delete cascade,
  organization_id bigint not null references public.organizations (id) on delete cascade,
  role text,
  is_primary boolean not null default false,
  created_at timestamptz not null default now(),
  constraint contact_organizations_contact_organization_key unique (contact_id, organization_id)
);

create index contact_organizations_organization_id_idx
  on public.contact_organizations (organization_id);
-- At most one primary organization per contact.
create unique index contact_organizations_one_primary_idx
  on public.contact_organizations (contact_id) where is_primary;

-------------------------------------------------------------------------------
-- Opportunities (customer + principal + distributor)
-------------------------------------------------------------------------------

create table public.opportunities (
  id bigint generated always as identity primary key,
  name text not null,
  customer_organization_id bigint not null
    references public.organizations (id) on delete restrict,
  principal_organization_id bigint
    references public.organizations (id) on delete set null,
  distributor_organization_id bigint
    references public.organizations (id) on delete set null,
  stage public.opportunity_stage not null default 'new_lead',
  pipeline public.opportunity_pipeline not null default 'food_service',
  amount numeric(12, 2),
  probability smallint,
  expected_close_date date,
  description text,
  sales_id bigint references public.sales (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  search_tsv tsvector,
  constraint opportunities_amount_non_negative check (amount is null or amount >= 0),
  constraint opportunities_probability_range check (probability between 0 and 100),
  constraint opportunities_principal_not_customer
    check (principal_organization_id is distinct from customer_organization_id),
  constraint opportunities_name_active_excl
    exclude using gist (customer_organization_id with =, lower(name) with =)
    where (deleted_at is null)
);

create index opportunities_customer_organization_id_idx
  on public.opportunities (customer_organization_id);
create index opportunities_principal_organization_id_idx
  on public.opportunities (principal_organization_id);
create index opportunities_distributor_organization_id_idx
  on public.opportunities (distributor_organization_id);
create index opportunities_sales_id_idx on public.opportunities (sales_id);
create index opportunities_search_tsv_idx on public.opportunities using gin (search_tsv);

create or replace function public.opportunities_search_tsv_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.search_tsv :=
    setweight(to_tsvector('simple'::regconfig, coalesce(new.name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(new.description, '')), 'B');
  return new;
end;
$$;

create trigger opportunities_search_tsv_trigger
  before insert or update on public.opportunities
  for each row execute function public.opportunities_search_tsv_update();

create trigger opportunities_set_updated_at
  before update on public.opportunities
  for each row execute function public.set_updated_at();

-------------------------------------------------------------------------------
-- Legacy deals (superseded by opportunities; kept until the data is migrated)
-------------------------------------------------------------------------------

create table public.deals (
  id bigint generated always as identity primary key,
  name text not null,
  organization_id bigint references public.organizations (id) on delete cascade,
  stage text not null default 'opportunity',
  amount numeric(12, 2),
  sales_id bigint references public.sales (id) on delete set null,
  created_at timestamptz not null default now()
);

create or replace function public.deals_total(p_organization_id bigint)
returns numeric
language sql
stable
set search_path = ''
as $$
  select coalesce(sum(d.amount), 0)
  from public.deals d
  where d.organization_id = p_organization_id;
$$;

-------------------------------------------------------------------------------
-- Tasks and notes
-------------------------------------------------------------------------------

create table public.tasks (
  id bigint generated always as identity primary key,
  contact_id bigint references public.contacts (id) on delete cascade,
  opportunity_id bigint references public.opportunities (id) on delete cascade,
  sales_id bigint not null references public.sales (id) on delete cascade,
  type text not null default 'todo',
  text text not null,
  due_date timestamptz not null,
  done_date timestamptz,
  created_at timestamptz not null default now(),
  constraint tasks_has_subject check (contact_id is not null or opportunity_id is not null)
);

create index tasks_contact_id_idx on public.tasks (contact_id);
create index tasks_opportunity_id_idx on public.tasks (opportunity_id);

create table public.contact_notes (
  id bigint generated always as identity primary key,
  contact_id bigint not null references public.contacts (id) on delete cascade,
  sales_id bigint references public.sales (id) on delete set null,
  text text not null,
  date timestamptz not null default now(),
  status text,
  attachments jsonb not null default '[]'::jsonb
);

create index contact_notes_contact_id_idx on public.contact_notes (contact_id);

create table public.opportunity_notes (
  id bigint generated always as identity primary key,
  opportunity_id bigint not null references public.opportunities (id) on delete cascade,
  sales_id bigint references public.sales (id) on delete set null,
  text text not null,
  date timestamptz not null default now(),
  attachments jsonb not null default '[]'::jsonb
);

create index opportunity_notes_opportunity_id_idx on public.opportunity_notes (opportunity_id);

-------------------------------------------------------------------------------
-- Migration bookkeeping (phased data migrations, with their rollback SQL)
-------------------------------------------------------------------------------

create table public.migration_history (
  id bigint generated always as identity primary key,
  migration_name text not null,
  phase text not null,
  status text not null default 'pending',
  started_at timestamptz not null default now(),
  completed_at timestamptz,
  rows_affected bigint,
  rollback_sql text,
  error_message text,
  constraint migration_history_status_check
    check (status in ('pending', 'running', 'completed', 'failed', 'rolled_back')),
  constraint migration_history_completed_after_start
    check (completed_at is null or completed_at >= started_at)
);

-------------------------------------------------------------------------------
-- Contact <-> organization helper
-------------------------------------------------------------------------------

create or replace function public.set_primary_organization(
  p_contact_id bigint,
  p_organization_id bigint
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'not authenticated' using errcode = '42501';
  end if;

  if not exists (
    select 1
    from public.contact_organizations co
    where co.contact_id = p_contact_id
      and co.organization_id = p_organization_id
  ) then
    raise exception 'contact % is not linked to organization %', p_contact_id, p_organization_id
      using errcode = '23503';
  end if;

  update public.contact_organizations
     set is_primary = false
   where contact_id = p_contact_id
     and is_primary
     and organization_id <> p_organization_id;

  update public.contact_organizations
     set is_primary = true
   where contact_id = p_contact_id
     and organization_id = p_organization_id;
end;
$$;

revoke execute on function public.set_primary_organization(bigint, bigint) from public, anon;
grant execute on function public.set_primary_organization(bigint, bigint) to authenticated;

-------------------------------------------------------------------------------
-- Views (security_invoker: callers' RLS applies)
-------------------------------------------------------------------------------

create view public.organizations_summary
with (security_invoker = true)
as
select
  o.id,
  o.name,
  o.organization_type,
  o.parent_organization_id,
  o.sector,
  o.city,
  o.website,
  o.sales_id,
  o.created_at,
  count(distinct co.contact_id) as nb_contacts,
  count(distinct opp.id) as nb_opportunities
from public.organizations o
left join public.contact_organizations co on co.organization_id = o.id
left join public.opportunities opp
  on opp.customer_organization_id = o.id and opp.deleted_at is null
where o.deleted_at is null
group by o.id;

create view public.contacts_summary
with (security_invoker = true)
as
select
  c.id,
  c.first_name,
  c.last_name,
  c.title,
  c.email,
  c.phone,
  c.sales_id,
  c.first_seen,
  c.last_seen,
  po.id as organization_id,
  po.name as organization_name,
  (select count(*) from public.tasks t where t.contact_id = c.id and t.done_date is null) as nb_tasks
from public.contacts c
left join public.contact_organizations co on co.contact_id = c.id and co.is_primary
left join public.organizations po on po.id = co.organization_id
where c.deleted_at is null;

create view public.opportunities_summary
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
  opp.created_at
from public.opportunities opp
join public.organizations cust on cust.id = opp.customer_organization_id
left join public.organizations prin on prin.id = opp.principal_organization_id
left join public.organizations dist on dist.id = opp.distributor_organization_id
where opp.deleted_at is null;

create view public.deals_summary
with (security_invoker = true)
as
select d.id, d.name, d.stage, d.amount, o.name as organization_name
from public.deals d
left join public.organizations o on o.id = d.organization_id;

-- Whether the first user has been created (drives the sign-up screen).
create view public.init_state
with (security_invoker = true)
as
select count(sub.id) as is_initialized
from (select s.id from public.sales s limit 1) as sub;

-------------------------------------------------------------------------------
-- Row level security
-------------------------------------------------------------------------------

alter table public.sales enable row level security;
alter table public.organizations enable row level security;
alter table public.contacts enable row level security;
alter table public.contact_organizations enable row level security;
alter table public.opportunities enable row level security;
alter table public.deals enable row level security;
alter table public.tasks enable row level security;
alter table public.contact_notes enable row level security;
alter table public.opportunity_notes enable row level security;
alter table public.migration_history enable row level security;

-- sales: everyone signed in sees the team; you edit your own profile.
create policy sales_select_authenticated on public.sales
  for select to authenticated using (true);
create policy sales_update_own on public.sales
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- organizations: shared by the whole team, soft-deleted rows are hidden.
-- (A caller cannot UPDATE a row into a state its own SELECT policy hides, so
-- soft deletes are performed by the API's service_role handler.)
create policy organizations_select_authenticated on public.organizations
  for select to authenticated using (deleted_at is null);
create policy organizations_insert_authenticated on public.organizations
  for insert to authenticated with check (true);
create policy organizations_update_authenticated on public.organizations
  for update to authenticated using (deleted_at is null) with check (true);
create policy organizations_delete_authenticated on public.organizations
  for delete to authenticated using (true);

create policy contacts_select_authenticated on public.contacts
  for select to authenticated using (deleted_at is null);
create policy contacts_insert_authenticated on public.contacts
  for insert to authenticated with check (true);
create policy contacts_update_authenticated on public.contacts
  for update to authenticated using (deleted_at is null) with check (true);
create policy contacts_delete_authenticated on public.contacts
  for delete to authenticated using (true);

create policy contact_organizations_all_authenticated on public.contact_organizations
  for all to authenticated using (true) with check (true);

create policy opportunities_select_authenticated on public.opportunities
  for select to authenticated using (deleted_at is null);
create policy opportunities_insert_authenticated on public.opportunities
  for insert to authenticated with check (true);
create policy opportunities_update_authenticated on public.opportunities
  for update to authenticated using (deleted_at is null) with check (true);
create policy opportunities_delete_authenticated on public.opportunities
  for delete to authenticated using (true);

create policy deals_all_authenticated on public.deals
  for all to authenticated using (true) with check (true);

-- tasks: shared read; any rep may update (tightened in a later migration).
create policy tasks_select_authenticated on public.tasks
  for select to authenticated using (true);
create policy tasks_insert_own on public.tasks
  for insert to authenticated
  with check (sales_id in (select s.id from public.sales s where s.user_id = (select auth.uid())));
create policy tasks_update_authenticated on public.tasks
  for update to authenticated using (true) with check (true);
create policy tasks_delete_own on public.tasks
  for delete to authenticated
  using (sales_id in (select s.id from public.sales s where s.user_id = (select auth.uid())));

create policy contact_notes_select_authenticated on public.contact_notes
  for select to authenticated using (true);
create policy contact_notes_insert_authenticated on public.contact_notes
  for insert to authenticated with check (true);
create policy contact_notes_update_authenticated on public.contact_notes
  for update to authenticated using (true) with check (true);
create policy contact_notes_delete_authenticated on public.contact_notes
  for delete to authenticated using (true);

create policy opportunity_notes_select_authenticated on public.opportunity_notes
  for select to authenticated using (true);
create policy opportunity_notes_insert_authenticated on public.opportunity_notes
  for insert to authenticated with check (true);
create policy opportunity_notes_update_authenticated on public.opportunity_notes
  for update to authenticated using (true) with check (true);
create policy opportunity_notes_delete_authenticated on public.opportunity_notes
  for delete to authenticated using (true);

-- migration_history: readable by the team, written only by migrations/service_role.
create policy migration_history_select_authenticated on public.migration_history
  for select to authenticated using (true);

-------------------------------------------------------------------------------
-- Grants: Supabase's default privileges give anon and authenticated ALL on new
-- tables; the CRM is for signed-in users only.
-------------------------------------------------------------------------------

revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon;

grant select, insert, update, delete on
  public.organizations,
  public.contacts,
  public.contact_organizations,
  public.opportunities,
  public.deals,
  public.tasks,
  public.contact_notes,
  public.opportunity_notes
to authenticated;

grant select, update on public.sales to authenticated;
grant select on public.migration_history to authenticated;

grant select on
  public.organizations_summary,
  public.contacts_summary,
  public.opportunities_summary,
  public.deals_summary,
  public.init_state
to authenticated;
