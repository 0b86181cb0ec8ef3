-- Written by `supabase db diff` (migra style) after changes made in the dashboard.
alter table "public"."teams" add column "archived_at" timestamp with time zone;

drop policy "Members can read their teams" on "public"."teams";

create policy "Members can read their active teams"
on "public"."teams"
as permissive
for select
to authenticated
using ((public.is_team_member(id) AND (archived_at IS NULL)));

set check_function_bodies = off;

CREATE OR REPLACE FUNCTION public.touch_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  new.updated_at := now();
  return new;
end;
$function$
;

CREATE TRIGGER profiles_touch_updated_at BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- A database webhook created in the dashboard.
CREATE TRIGGER "team_created_webhook" AFTER INSERT ON "public"."teams" FOR EACH ROW EXECUTE FUNCTION "supabase_functions"."http_request"('https://example.invalid/functions/v1/team-created', 'POST', '{"Content-type":"application/json"}', '{}', '5000');

insert into storage.buckets (id, name, public)
values ('avatars', 'avatars', true);

create policy "Avatar images are publicly accessible"
on "storage"."objects"
as permissive
for select
to public
using ((bucket_id = 'avatars'::text));

create policy "Users upload their own avatar"
on "storage"."objects"
as permissive
for insert
to authenticated
with check (((bucket_id = 'avatars'::text) AND ((storage.foldername(name))[1] = (( SELECT auth.uid() AS uid))::text)));

grant select on table "public"."teams" to "supabase_read_only_user";

revoke delete on table "public"."profiles" from "anon";

revoke truncate on table "public"."profiles" from "anon";
