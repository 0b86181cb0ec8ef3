create extension if not exists vector with schema extensions;

create table public.documents (
  id bigint primary key generated always as identity,
  owner_id uuid not null references auth.users (id) on delete cascade,
  content text not null,
  embedding extensions.vector(3),
  created_at timestamptz not null default now()
);

alter table public.documents enable row level security;

create policy "Owners read their documents" on public.documents
  for select to authenticated using ((select auth.uid()) = owner_id);

create index documents_owner_id_idx on public.documents (owner_id);
create index documents_embedding_idx on public.documents using hnsw (embedding vector_cosine_ops);
