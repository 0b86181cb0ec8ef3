create table public.orders (
  id bigint generated always as identity primary key,
  customer_email text not null,
  total_cents integer not null check (total_cents >= 0),
  status text not null default 'new',
  notified_request_id bigint,
  created_at timestamptz not null default now()
);

alter table public.orders enable row level security;

create policy "Service role reads orders" on public.orders for select to service_role using (true);

create index orders_customer_email_trgm_idx on public.orders using gin (customer_email extensions.gin_trgm_ops);

-- plpgsql bodies are checked when they run, so this creates even without pg_net.
create function public.notify_order_created()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  request_id bigint;
begin
  select net.http_post(
    url := 'https://example.invalid/functions/v1/order-created',
    body := jsonb_build_object('order_id', new.id, 'total_cents', new.total_cents),
    headers := jsonb_build_object('Authorization', 'Bearer ' || (
      select decrypted_secret from vault.decrypted_secrets where name = 'functions_key'))
  ) into request_id;
  update public.orders set notified_request_id = request_id where id = new.id;
  return new;
end;
$$;

create trigger orders_notify_created
  after insert on public.orders
  for each row execute function public.notify_order_created();

-- A LANGUAGE sql body is checked at CREATE time: this one needs net.http_get to exist.
create function public.ping_status_page()
returns bigint
language sql
security definer
set search_path = ''
as $$
  select net.http_get('https://status.example.invalid/ping');
$$;

revoke execute on function public.ping_status_page() from public, anon, authenticated;
