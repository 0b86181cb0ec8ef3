SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET row_security = off;

--
-- Data for Name: audit_log_entries; Type: TABLE DATA; Schema: auth; Owner: supabase_auth_admin
--

INSERT INTO "auth"."audit_log_entries" ("instance_id", "id", "payload", "created_at", "ip_address") VALUES
	('00000000-0000-0000-0000-000000000000', '5b3c2d1e-0000-4000-8000-000000000001', '{"action":"user_signedup","actor_id":"00000000-0000-0000-0000-0000000000b1","log_type":"team"}', '2025-07-01 10:00:00.000000+00', '');

--
-- Data for Name: users; Type: TABLE DATA; Schema: auth; Owner: supabase_auth_admin
--

INSERT INTO "auth"."users" ("instance_id", "id", "aud", "role", "email", "encrypted_password", "email_confirmed_at", "invited_at", "confirmation_token", "confirmation_sent_at", "recovery_token", "recovery_sent_at", "email_change_token_new", "email_change", "email_change_sent_at", "last_sign_in_at", "raw_app_meta_data", "raw_user_meta_data", "is_super_admin", "created_at", "updated_at", "phone", "phone_confirmed_at", "phone_change", "phone_change_token", "phone_change_sent_at", "email_change_token_current", "email_change_confirm_status", "banned_until", "reauthentication_token", "reauthentication_sent_at", "is_sso_user", "deleted_at", "is_anonymous") VALUES
	('00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-0000000000b1', 'authenticated', 'authenticated', 'bea@example.com', '$2a$10$abcdefghijklmnopqrstuv', '2025-07-01 10:00:00.000000+00', NULL, '', NULL, '', NULL, '', '', NULL, '2025-07-01 10:05:00.000000+00', '{"provider": "email", "providers": ["email"]}', '{"email_verified": true}', NULL, '2025-07-01 10:00:00.000000+00', '2025-07-01 10:05:00.000000+00', NULL, NULL, '', '', NULL, '', 0, NULL, '', NULL, false, NULL, false);

--
-- Data for Name: identities; Type: TABLE DATA; Schema: auth; Owner: supabase_auth_admin
--

INSERT INTO "auth"."identities" ("provider_id", "user_id", "identity_data", "provider", "last_sign_in_at", "created_at", "updated_at", "id") VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b1', '{"sub": "00000000-0000-0000-0000-0000000000b1", "email": "bea@example.com", "email_verified": false, "phone_verified": false}', 'email', '2025-07-01 10:00:00.000000+00', '2025-07-01 10:00:00.000000+00', '2025-07-01 10:00:00.000000+00', '7c1d0e2f-0000-4000-8000-000000000002');

--
-- Data for Name: profiles; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO "public"."profiles" ("id", "display_name", "last_seen_at") VALUES
	('00000000-0000-0000-0000-0000000000b1', 'Bea', NULL);

--
-- Data for Name: sessions; Type: TABLE DATA; Schema: auth; Owner: supabase_auth_admin
--

INSERT INTO "auth"."sessions" ("id", "user_id", "created_at", "updated_at", "factor_id", "aal", "not_after", "refreshed_at", "user_agent", "ip", "tag") VALUES
	('9e8d7c6b-0000-4000-8000-000000000003', '00000000-0000-0000-0000-0000000000b1', '2025-07-01 10:05:00.000000+00', '2025-07-01 10:05:00.000000+00', NULL, 'aal1', NULL, NULL, 'Mozilla/5.0', '192.0.2.10', NULL);

--
-- Data for Name: mfa_amr_claims; Type: TABLE DATA; Schema: auth; Owner: supabase_auth_admin
--

INSERT INTO "auth"."mfa_amr_claims" ("session_id", "created_at", "updated_at", "authentication_method", "id") VALUES
	('9e8d7c6b-0000-4000-8000-000000000003', '2025-07-01 10:05:00.000000+00', '2025-07-01 10:05:00.000000+00', 'password', 'a1b2c3d4-0000-4000-8000-000000000004');

--
-- Data for Name: refresh_tokens; Type: TABLE DATA; Schema: auth; Owner: supabase_auth_admin
--

INSERT INTO "auth"."refresh_tokens" ("instance_id", "id", "token", "user_id", "revoked", "created_at", "updated_at", "parent", "session_id") VALUES
	('00000000-0000-0000-0000-000000000000', 1, 'r3fr35h', '00000000-0000-0000-0000-0000000000b1', false, '2025-07-01 10:05:00.000000+00', '2025-07-01 10:05:00.000000+00', NULL, '9e8d7c6b-0000-4000-8000-000000000003');

SELECT pg_catalog.setval('"auth"."refresh_tokens_id_seq"', 1, true);

-- The trigger on auth.sessions ran.
DO $$
BEGIN
  IF (SELECT last_seen_at FROM public.profiles) IS DISTINCT FROM '2025-07-01 10:05:00+00' THEN
    RAISE EXCEPTION 'the trigger on auth.sessions did not record the session';
  END IF;
END
$$;
