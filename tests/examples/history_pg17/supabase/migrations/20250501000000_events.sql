create table public.events (
  id bigint generated always as identity primary key,
  kind text not null,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create index events_created_at_idx on public.events (created_at);

alter table public.events enable row level security;

create policy "Service role reads events" on public.events for select to service_role using (true);

-- PostgreSQL 17: let the maintenance role VACUUM/ANALYZE/REFRESH without owning the table.
grant maintain on table public.events to service_role;
grant select, maintain on table public.events to supabase_read_only_user;
alter default privileges for role postgres in schema public grant maintain on tables to service_role;
