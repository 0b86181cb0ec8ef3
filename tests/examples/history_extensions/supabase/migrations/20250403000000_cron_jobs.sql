create function public.purge_cancelled_orders()
returns void
language sql
security definer
set search_path = ''
as $$
  delete from public.orders where status = 'cancelled' and created_at < now() - interval '30 days';
$$;

revoke execute on function public.purge_cancelled_orders() from public, anon, authenticated;

select cron.schedule('purge-cancelled-orders', '17 3 * * *', $$ select public.purge_cancelled_orders() $$);
select cron.schedule('ping-status-page', '*/5 * * * *', 'select public.ping_status_page()');

-- Renamed later in the same history: unschedule by name, schedule again.
select cron.unschedule('ping-status-page');
select cron.schedule('status-page-heartbeat', '*/5 * * * *', 'select public.ping_status_page()');
