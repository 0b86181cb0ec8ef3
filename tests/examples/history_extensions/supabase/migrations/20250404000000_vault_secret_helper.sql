-- Reads a secret stored with vault.create_secret (only the service role may call it).
create function public.functions_key()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select decrypted_secret from vault.decrypted_secrets where name = 'functions_key';
$$;

revoke execute on function public.functions_key() from public, anon, authenticated;
grant execute on function public.functions_key() to service_role;
