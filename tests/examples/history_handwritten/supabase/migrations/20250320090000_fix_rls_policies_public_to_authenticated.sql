-- The advisor flagged policies that applied to every role; authenticated users only.
drop policy "Anyone can upload an avatar." on storage.objects;

create policy "Authenticated users upload into their own folder."
  on storage.objects for insert to authenticated
  with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));

alter policy "Users can insert their own profile." on public.profiles to authenticated;

alter policy "Users can update own profile." on public.profiles to authenticated;

comment on policy "Users can update own profile." on public.profiles is 'Only the owner edits a profile.';
