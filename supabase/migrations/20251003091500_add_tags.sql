-- Tags: a small shared vocabulary attached to contacts (contacts.tags holds tag ids).

create table public.tags (
  id bigint generated always as identity primary key,
  name text not null,
  color varchar(7) not null default '#9e9e9e',
  created_at timestamptz not null default now(),
  constraint tags_name_key unique (name),
  constraint tags_color_hex check (color ~ '^#[0-9a-fA-F]{6}$')
);

alter table public.contacts
  add column tags bigint[] not null default '{}';

create index contacts_tags_idx on public.contacts using gin (tags);

alter table public.tags enable row level security;

create policy tags_select_authenticated on public.tags
  for select to authenticated using (true);
create policy tags_insert_authenticated on public.tags
  for insert to authenticated with check (true);
create policy tags_update_authenticated on public.tags
  for update to authenticated using (true) with check (true);
create policy tags_delete_authenticated on public.tags
  for delete to authenticated using (true);

revoke all on public.tags from anon, authenticated;
grant select, insert, update, delete on public.tags to authenticated;

-- Expose the tags in the contact list (columns may only be appended, and the
-- view options must be repeated or CREATE OR REPLACE resets them).
create or replace view public.contacts_summary
with (security_invoker = true)
as
select
  c.id,
  c.first_name,
  c.last_name,
  c.title,
  c.email,
  c.phone,
  c.sales_id,
  c.first_seen,
  c.last_seen,
  po.id as organization_id,
  po.name as organization_name,
  (select count(*) from public.tasks t where t.contact_id = c.id and t.done_date is null) as nb_tasks,
  c.tags
from public.contacts c
left join public.contact_organizations co on co.contact_id = c.id and co.is_primary
left join public.organizations po on po.id = co.organization_id
where c.deleted_at is null;

insert into public.tags (name, color) values
  ('key account', '#e53935'),
  ('decision maker', '#1e88e5'),
  ('sample requested', '#43a047');
