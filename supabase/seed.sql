-- Local development data (`supabase db reset` runs this after the migrations).
-- Users are created in auth.users; the on_auth_user_created trigger creates
-- the matching public.sales rows. Password for both: "password".

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change
) values
  ('00000000-0000-0000-0000-000000000000', '6f1c2a0e-5b7d-4c1a-9a51-2f0c8e1d3b01',
   'authenticated', 'authenticated', 'jane.doe@acmefoods.test',
   extensions.crypt('password', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}', '{"first_name": "Jane", "last_name": "Doe"}',
   now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '9b2e4c7f-1d3a-4e8b-b6c5-7a9d0f2e4c02',
   'authenticated', 'authenticated', 'sam.lee@acmefoods.test',
   extensions.crypt('password', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}', '{"first_name": "Sam", "last_name": "Lee"}',
   now(), now(), '', '', '', '');

insert into public.organizations (name, organization_type, sector, website, city, state_abbr)
values
  ('Harbor Bistro Group', 'customer', 'Restaurants', 'https://harborbistro.test', 'Portland', 'OR'),
  ('Blue Ridge Creamery', 'principal', 'Dairy', 'https://blueridgecreamery.test', 'Asheville', 'NC'),
  ('Pacific Foodservice Supply', 'distributor', 'Distribution', 'https://pacificfs.test', 'Seattle', 'WA'),
  ('Green Valley Markets', 'prospect', 'Grocery', null, 'Eugene', 'OR');

-- Harbor Bistro's downtown location belongs to the group.
insert into public.organizations (name, organization_type, parent_organization_id, city, state_abbr)
select 'Harbor Bistro Downtown', 'customer', o.id, 'Portland', 'OR'
from public.organizations o
where o.name = 'Harbor Bistro Group';

update public.organizations o
   set sales_id = s.id
  from public.sales s
 where s.email = 'jane.doe@acmefoods.test'
   and o.organization_type in ('customer', 'prospect');

insert into public.contacts (first_name, last_name, title, email, phone, sales_id)
select v.first_name, v.last_name, v.title, v.email::jsonb, v.phone::jsonb, s.id
from (values
  ('Maria', 'Gonzalez', 'Executive Chef',
   '[{"email": "maria@harborbistro.test", "type": "Work"}]', '[{"number": "+1 503 555 0101", "type": "Work"}]'),
  ('Tom', 'Becker', 'Purchasing Manager',
   '[{"email": "tom.becker@harborbistro.test", "type": "Work"}]', '[]'),
  ('Aisha', 'Khan', 'Brand Manager',
   '[{"email": "aisha@blueridgecreamery.test", "type": "Work"}]', '[{"number": "+1 828 555 0133", "type": "Mobile"}]')
) as v (first_name, last_name, title, email, phone)
cross join public.sales s
where s.email = 'jane.doe@acmefoods.test';

insert into public.contact_organizations (contact_id, organization_id, role, is_primary)
select c.id, o.id, v.role, v.is_primary
from (values
  ('Gonzalez', 'Harbor Bistro Group', 'Chef', true),
  ('Gonzalez', 'Harbor Bistro Downtown', 'Chef', false),
  ('Becker', 'Harbor Bistro Group', 'Buyer', true),
  ('Khan', 'Blue Ridge Creamery', 'Brand', true)
) as v (last_name, organization_name, role, is_primary)
join public.contacts c on c.last_name = v.last_name
join public.organizations o on o.name = v.organization_name;

update public.contacts c
   set tags = array(select t.id from public.tags t where t.name in ('key account', 'decision maker'))
 where c.last_name = 'Gonzalez';

insert into public.opportunities (
  name, customer_organization_id, principal_organization_id, distributor_organization_id,
  stage, pipeline, amount, probability, expected_close_date, description, sales_id
)
select
  'Artisan cheese program', cust.id, prin.id, dist.id,
  'sample_visit_offered', 'food_service', 18500.00, 40, date '2025-12-15',
  'Replace the house cheese board with Blue Ridge aged cheddar.', s.id
from public.organizations cust, public.organizations prin, public.organizations dist, public.sales s
where cust.name = 'Harbor Bistro Group'
  and prin.name = 'Blue Ridge Creamery'
  and dist.name = 'Pacific Foodservice Supply'
  and s.email = 'jane.doe@acmefoods.test';

insert into public.opportunities (name, customer_organization_id, stage, pipeline, amount, sales_id)
select 'Private label yogurt', cust.id, 'new_lead', 'retail', 42000.00, s.id
from public.organizations cust, public.sales s
where cust.name = 'Green Valley Markets'
  and s.email = 'sam.lee@acmefoods.test';

insert into public.opportunity_participants (opportunity_id, organization_id, role, is_primary)
select opp.id, org.id, v.role, v.is_primary
from (values
  ('Artisan cheese program', 'Harbor Bistro Group', 'customer', true),
  ('Artisan cheese program', 'Blue Ridge Creamery', 'principal', false),
  ('Artisan cheese program', 'Pacific Foodservice Supply', 'distributor', false),
  ('Private label yogurt', 'Green Valley Markets', 'customer', true)
) as v (opportunity_name, organization_name, role, is_primary)
join public.opportunities opp on opp.name = v.opportunity_name
join public.organizations org on org.name = v.organization_name;

insert into public.tasks (contact_id, opportunity_id, sales_id, type, text, due_date)
select c.id, opp.id, s.id, 'call', 'Confirm the tasting date with Maria', now() + interval '3 days'
from public.contacts c, public.opportunities opp, public.sales s
where c.last_name = 'Gonzalez'
  and opp.name = 'Artisan cheese program'
  and s.email = 'jane.doe@acmefoods.test';

insert into public.tasks (opportunity_id, sales_id, type, text, due_date)
select opp.id, s.id, 'email', 'Send the private label price sheet', now() + interval '1 day'
from public.opportunities opp, public.sales s
where opp.name = 'Private label yogurt'
  and s.email = 'sam.lee@acmefoods.test';

insert into public.contact_notes (contact_id, sales_id, text, status)
select c.id, s.id, 'Loves the aged cheddar; wants a sample for the spring menu.', 'warm'
from public.contacts c, public.sales s
where c.last_name = 'Gonzalez'
  and s.email = 'jane.doe@acmefoods.test';

insert into public.opportunity_notes (opportunity_id, sales_id, text)
select opp.id, s.id, 'Distributor confirmed they can stock two SKUs.'
from public.opportunities opp, public.sales s
where opp.name = 'Artisan cheese program'
  and s.email = 'jane.doe@acmefoods.test';

refresh materialized view public.opportunity_stage_stats;
