insert into auth.users (id, email, aud, role)
values ('00000000-0000-0000-0000-0000000000c1', 'cy@example.com', 'authenticated', 'authenticated');

insert into public.workflow_runs (owner_id) values ('00000000-0000-0000-0000-0000000000c1');

-- A run goes through the queue and is broadcast on the way.
do $$
declare
  job record;
begin
  perform public.enqueue_run(1);
  select * into job from public.next_job();
  if job.message ->> 'run_id' <> '1' then
    raise exception 'the queue returned %', job.message;
  end if;
  if not public.finish_job(job.msg_id) then
    raise exception 'the job was not archived';
  end if;
  perform public.notify_owner(1);
  if (select count(*) from realtime.messages where topic = 'run:1') <> 3 then
    raise exception 'expected two change broadcasts and one message on run:1';
  end if;
end
$$;
