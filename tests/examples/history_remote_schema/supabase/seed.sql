-- Local development users, the way `supabase db dump --data-only` and hand-written seeds add them.
INSERT INTO auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, email_change, email_change_token_new, recovery_token,
  is_sso_user, is_anonymous
) VALUES (
  '00000000-0000-0000-0000-000000000000', 'a1b2c3d4-0000-4000-8000-000000000001', 'authenticated',
  'authenticated', 'ada@example.com', extensions.crypt('password123', extensions.gen_salt('bf')), now(),
  '{"provider": "email", "providers": ["email"]}', '{"full_name": "Ada Lovelace"}', now(), now(),
  '', '', '', '', false, false
);

INSERT INTO auth.identities (id, user_id, provider_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
VALUES (
  gen_random_uuid(), 'a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000001',
  '{"sub": "a1b2c3d4-0000-4000-8000-000000000001", "email": "ada@example.com"}', 'email', now(), now(), now()
);

INSERT INTO public.teams (name, created_by) VALUES ('Analytical Engines', 'a1b2c3d4-0000-4000-8000-000000000001');
INSERT INTO public.team_members (team_id, user_id, role)
SELECT id, created_by, 'owner' FROM public.teams;
