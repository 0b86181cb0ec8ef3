create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text,
  last_seen_at timestamptz
);

alter table public.profiles enable row level security;

create policy "Profiles are readable by their owner" on public.profiles
  for select to authenticated using ((select auth.uid()) = id);

-- A trigger on auth.sessions, as apps that track "last seen" write it.
create function public.touch_last_seen() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.profiles set last_seen_at = new.created_at where id = new.user_id;
  return new;
end
$$;

create trigger on_auth_session_created
  after insert on auth.sessions
  for each row execute function public.touch_last_seen();
