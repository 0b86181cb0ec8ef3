-- The shape of the schema, written the way `supabase test new` starts a file.
begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

select has_table('public', 'organizations', 'organizations exists');
select has_column('public', 'deals', 'amount', 'deals has an amount');
select col_type_is('public', 'deals', 'amount', 'numeric(12,2)', 'deals.amount is numeric(12,2)');
select col_not_null('public', 'deals', 'organization_id', 'a deal belongs to an organization');
select policies_are('public', 'organizations', array['organizations_select_own'],
  'organizations has exactly its select policy');
select function_returns('public', 'organization_deal_total', array['bigint'], 'numeric',
  'organization_deal_total(bigint) returns numeric');

select * from finish();
rollback;
