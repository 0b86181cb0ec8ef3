SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET client_min_messages = warning;
SET row_security = off;

CREATE TABLE IF NOT EXISTS "public"."event_kinds" (
    "kind" "text" NOT NULL,
    "description" "text"
);

ALTER TABLE "public"."event_kinds" OWNER TO "postgres";

ALTER TABLE ONLY "public"."event_kinds"
    ADD CONSTRAINT "event_kinds_pkey" PRIMARY KEY ("kind");

ALTER TABLE "public"."event_kinds" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Everyone reads event kinds" ON "public"."event_kinds" FOR SELECT USING (true);

-- pg_dump 17 lists every privilege when a role has all but some of them.
GRANT SELECT,INSERT,REFERENCES,DELETE,TRIGGER,TRUNCATE,MAINTAIN,UPDATE ON TABLE "public"."event_kinds" TO "service_role";
GRANT SELECT ON TABLE "public"."event_kinds" TO "anon";
GRANT SELECT ON TABLE "public"."event_kinds" TO "authenticated";
REVOKE MAINTAIN ON TABLE "public"."events" FROM "supabase_read_only_user";

RESET ALL;
