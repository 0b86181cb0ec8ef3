-- One organization owned by user ...0001.
insert into auth.users (id, email) values ('00000000-0000-4000-8000-000000000001', 'one@example.com');
insert into public.organizations (name, owner_id) values ('Seeded Org', '00000000-0000-4000-8000-000000000001');
