create table public.employees (
  id bigint generated always as identity primary key,
  department_id bigint not null references public.departments (id) on delete cascade,
  user_id uuid references auth.users (id) on delete set null,
  name text not null,
  status public.employee_status not null default 'active',
  salary numeric(10, 2) constraint employees_salary_positive check (salary >= 0),
  hired_on date not null default current_date
);

create index employees_department_id_idx on public.employees (department_id);
create index employees_user_id_idx on public.employees (user_id) where user_id is not null;

alter table public.employees enable row level security;

create policy employees_select_own on public.employees
  for select to authenticated using (user_id = (select auth.uid()));

create function public.department_headcount(p_department_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
  select count(*) from public.employees e where e.department_id = p_department_id;
$$;
