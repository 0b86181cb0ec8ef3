create function public.broadcast_run_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform realtime.broadcast_changes('run:' || new.id::text, tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end
$$;

create trigger workflow_runs_broadcast
  after insert or update on public.workflow_runs
  for each row execute function public.broadcast_run_change();

create policy "Owners receive their run broadcasts" on realtime.messages
  for select to authenticated
  using (realtime.topic() like 'run:%' and exists (
    select 1 from public.workflow_runs r
    where 'run:' || r.id::text = realtime.topic() and r.owner_id = (select auth.uid())));

create function public.notify_owner(run_id bigint) returns void
language sql security definer set search_path = ''
as $$ select realtime.send(jsonb_build_object('run_id', run_id), 'done', 'run:' || run_id::text, true) $$;
