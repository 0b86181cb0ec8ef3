-- Behaviour: the total of an organization's deals, and the amount check. No `create extension`:
-- the runner enables pgTAP the way `supabase test db` does.
begin;
select plan(3);

insert into public.deals (organization_id, amount)
select id, amount from public.organizations, (values (100.00), (50.50)) as v(amount)
where name = 'Seeded Org';

select results_eq(
  $$ select public.organization_deal_total(id) from public.organizations where name = 'Seeded Org' $$,
  $$ values (150.50::numeric) $$,
  'organization_deal_total sums the amounts'
);
select throws_ok(
  $$ insert into public.deals (organization_id, amount) select id, -1 from public.organizations $$,
  '23514', null, 'a negative amount is refused'
);
select is((select count(*) from public.deals)::int, 2, 'two deals');

select * from finish();
rollback;
