create table public.notes (
  id bigint generated always as identity primary key,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  title text not null,
  body text not null default '',
  attachment_path text,
  created_at timestamptz not null default now()
);

create index notes_author_id_idx on public.notes (author_id);

alter table public.notes enable row level security;

create policy "Authors manage their notes"
  on public.notes for all to authenticated
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));

-- Attachments live in a private bucket, under <user id>/<note id>/<file>.
insert into storage.buckets (id, name) values ('note-attachments', 'note-attachments');

create policy "Authors read their attachments"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'note-attachments'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and storage.extension(name) in ('pdf', 'png')
  );
