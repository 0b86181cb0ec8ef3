-- Generated from supabase/schemas/ with `supabase db diff -f employee_lifecycle`, then reviewed.
alter table public.employees add column updated_at timestamptz not null default now();

create or replace function public.department_headcount(p_department_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
  select count(*) from public.employees e where e.department_id = p_department_id and e.status <> 'left';
$$;

create function public.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger employees_touch_updated_at
  before update on public.employees
  for each row execute function public.touch_updated_at();

create view public.active_employees with (security_invoker = true) as
  select e.id, e.name, d.name as department
  from public.employees e
  join public.departments d on d.id = e.department_id
  where e.status = 'active';

comment on table public.employees is 'People on the payroll (comments live in migrations: db diff does not track them).';
