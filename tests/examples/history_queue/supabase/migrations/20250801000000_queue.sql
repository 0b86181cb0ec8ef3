create schema pgmq;
create extension if not exists pgmq with schema pgmq;

select pgmq.create('workflow_jobs');

create table public.workflow_runs (
  id bigint primary key generated always as identity,
  owner_id uuid not null references auth.users (id) on delete cascade,
  status text not null default 'queued',
  job_msg_id bigint
);

alter table public.workflow_runs enable row level security;

create policy "Owners see their runs" on public.workflow_runs
  for select to authenticated using ((select auth.uid()) = owner_id);

create index workflow_runs_owner_id_idx on public.workflow_runs (owner_id);

create function public.enqueue_run(run_id bigint) returns bigint
language sql security definer set search_path = ''
as $$
  update public.workflow_runs
  set job_msg_id = (select pgmq.send('workflow_jobs', jsonb_build_object('run_id', run_id)))
  where id = run_id
  returning job_msg_id;
$$;

create function public.next_job() returns setof pgmq.message_record
language sql security definer set search_path = ''
as $$ select * from pgmq.read('workflow_jobs', 30, 1) $$;

create function public.finish_job(msg_id bigint) returns boolean
language sql security definer set search_path = ''
as $$ select pgmq.archive('workflow_jobs', msg_id) $$;

revoke execute on function public.enqueue_run(bigint), public.next_job(), public.finish_job(bigint)
  from public, anon, authenticated;
