create or replace function public.match_documents(
  query_embedding extensions.vector(3),
  match_threshold float,
  match_count int
)
returns table (id bigint, content text, similarity float)
language sql stable
set search_path = ''
as $$
  select documents.id, documents.content,
         1 - (documents.embedding operator(extensions.<=>) query_embedding) as similarity
  from public.documents
  where 1 - (documents.embedding operator(extensions.<=>) query_embedding) > match_threshold
  order by documents.embedding operator(extensions.<=>) query_embedding
  limit least(match_count, 200);
$$;

create index documents_embedding_l2_idx on public.documents
  using ivfflat (embedding extensions.vector_l2_ops) with (lists = 100);
