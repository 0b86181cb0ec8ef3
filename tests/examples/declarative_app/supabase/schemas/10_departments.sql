create table public.departments (
  id bigint generated always as identity primary key,
  name text not null,
  created_at timestamptz not null default now(),
  constraint departments_name_key unique (name)
);

alter table public.departments enable row level security;

create policy departments_select_authenticated on public.departments
  for select to authenticated using (true);
