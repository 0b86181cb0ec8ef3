create extension if not exists btree_gist with schema extensions;

create type public.employee_status as enum ('active', 'on_leave');

create table public.departments (
  id bigint generated always as identity primary key,
  name text not null,
  created_at timestamptz not null default now()
);

alter table public.departments add constraint departments_name_key unique (name);
alter table public.departments enable row level security;

create policy departments_select_authenticated on public.departments
  for select to authenticated using (true);
