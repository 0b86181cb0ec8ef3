-- Full-text search for contacts (names, title and e-mail addresses), same
-- pattern as organizations and opportunities: trigger-maintained tsvector + GIN.

alter table public.contacts add column search_tsv tsvector;

create or replace function public.contacts_search_tsv_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.search_tsv :=
    setweight(to_tsvector('simple'::regconfig, coalesce(new.first_name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.last_name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.title, '')), 'B')
    || setweight(
         to_tsvector(
           'simple'::regconfig,
           coalesce(
             (select pg_catalog.string_agg(e ->> 'email', ' ')
                from pg_catalog.jsonb_array_elements(new.email) as e),
             ''
           )
         ),
         'C'
       );
  return new;
end;
$$;

create trigger contacts_search_tsv_trigger
  before insert or update on public.contacts
  for each row execute function public.contacts_search_tsv_update();

create index contacts_search_tsv_idx on public.contacts using gin (search_tsv);

-- Backfill existing rows (fires the trigger).
update public.contacts set search_tsv = null where search_tsv is null;
