create extension if not exists btree_gist with schema extensions;

create type public.deal_stage as enum ('lead', 'qualified', 'won', 'lost');

create table public.organizations (
  id bigint generated always as identity primary key,
  name text not null,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  deleted_at timestamptz,
  constraint organizations_name_not_blank check (length(btrim(name)) > 0),
  constraint organizations_name_active_excl
    exclude using gist (lower(name) with =) where (deleted_at is null)
);

alter table public.organizations enable row level security;

create policy organizations_select_own on public.organizations
  for select to authenticated using (owner_id = (select auth.uid()));

-- Foreign keys want an index on the referencing side (deletes in auth.users cascade here).
create index organizations_owner_id_idx on public.organizations (owner_id);
