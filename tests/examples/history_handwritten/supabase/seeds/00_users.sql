-- Two confirmed email users with identities, as a local seed creates them.
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at, confirmation_token, recovery_token,
  email_change_token_new, email_change, is_super_admin, is_sso_user, is_anonymous
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('password123', extensions.gen_salt('bf')), now(), now(),
  '{"provider":"email","providers":["email"]}'::jsonb,
  jsonb_build_object('full_name', u.full_name, 'avatar_url', u.id || '/avatar.png'),
  now(), now(), '', '', '', '', false, false, false
from (values
  ('11111111-1111-4111-8111-111111111111'::uuid, 'grace@example.com', 'Grace Hopper'),
  ('22222222-2222-4222-8222-222222222222'::uuid, 'alan@example.com', 'Alan Turing')
) as u (id, email, full_name);

insert into auth.identities (id, user_id, provider_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select gen_random_uuid(), id, id::text,
       jsonb_build_object('sub', id::text, 'email', email, 'email_verified', true),
       'email', now(), now(), now()
from auth.users;

-- One anonymous sign-in.
insert into auth.users (instance_id, id, aud, role, created_at, updated_at, is_anonymous)
values ('00000000-0000-0000-0000-000000000000', '33333333-3333-4333-8333-333333333333', 'authenticated',
        'authenticated', now(), now(), true);
