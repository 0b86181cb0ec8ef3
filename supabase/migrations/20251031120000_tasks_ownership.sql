-- Tasks belong to the rep they are assigned to: only the owner may edit them.
-- Also index the "my open tasks" query.

alter policy tasks_update_authenticated on public.tasks rename to tasks_update_own;

alter policy tasks_update_own on public.tasks
  using (sales_id in (select s.id from public.sales s where s.user_id = (select auth.uid())))
  with check (sales_id in (select s.id from public.sales s where s.user_id = (select auth.uid())));

create index tasks_sales_id_due_date_idx
  on public.tasks (sales_id, due_date)
  where done_date is null;
