create table public.deals (
  id bigint generated always as identity primary key,
  organization_id bigint not null references public.organizations (id) on delete cascade,
  stage public.deal_stage not null default 'lead',
  amount numeric(12, 2) not null default 0,
  updated_at timestamptz not null default now(),
  constraint deals_amount_nonnegative check (amount >= 0)
);

create index deals_organization_id_idx on public.deals (organization_id);

alter table public.deals enable row level security;

create policy deals_select_authenticated on public.deals
  for select to authenticated using (true);

create function public.set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger deals_set_updated_at before update on public.deals
  for each row execute function public.set_updated_at();
