-- Enabled from the dashboard, then pulled into the history.
create extension if not exists pg_net with schema extensions;
create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists http with schema extensions;
create extension if not exists pgjwt with schema extensions;
create extension if not exists supabase_vault with schema vault;
create extension if not exists pg_graphql with schema graphql;
create extension if not exists hypopg with schema extensions;
create extension if not exists index_advisor with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;
create extension if not exists pg_trgm with schema extensions;

comment on extension pg_net is 'Async HTTP';
comment on extension pg_trgm is 'text similarity measurement and index searching based on trigrams';

grant usage on schema cron to postgres;
grant all privileges on all tables in schema cron to postgres;
