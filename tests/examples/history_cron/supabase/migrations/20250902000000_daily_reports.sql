create table public.orders (
  id bigint primary key generated always as identity,
  total_cents integer not null check (total_cents >= 0),
  created_at timestamptz not null default now()
);

create table public.daily_reports (
  day date primary key,
  order_count integer not null,
  revenue_cents bigint not null,
  refreshed_at timestamptz not null default now()
);

alter table public.orders enable row level security;
alter table public.daily_reports enable row level security;

create policy "Orders are readable by staff" on public.orders
  for select to authenticated
  using ((select auth.jwt() ->> 'user_role') = 'staff');

create policy "Reports are readable by staff" on public.daily_reports
  for select to authenticated
  using ((select auth.jwt() ->> 'user_role') = 'staff');

create or replace function public.refresh_daily_reports(for_day date default (now() - interval '1 day')::date)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  written integer;
begin
  insert into public.daily_reports (day, order_count, revenue_cents)
  select for_day, count(*), coalesce(sum(total_cents), 0)
  from public.orders
  where created_at >= for_day and created_at < for_day + 1
  on conflict (day) do update
    set order_count = excluded.order_count,
        revenue_cents = excluded.revenue_cents,
        refreshed_at = now();
  get diagnostics written = row_count;
  return written;
end;
$$;

-- every night at 02:00 UTC
select cron.schedule('refresh-daily-reports', '0 2 * * *', $$ select public.refresh_daily_reports() $$);
