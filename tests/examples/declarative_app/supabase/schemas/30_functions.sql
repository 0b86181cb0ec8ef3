create or replace function public.department_headcount(p_department_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
  select count(*) from public.employees e where e.department_id = p_department_id and e.status <> 'left';
$$;

create or replace function public.touch_updated_at()
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
