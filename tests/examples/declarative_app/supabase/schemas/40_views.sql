create view public.active_employees with (security_invoker = true) as
  select e.id, e.name, d.name as department
  from public.employees e
  join public.departments d on d.id = e.department_id
  where e.status = 'active';
