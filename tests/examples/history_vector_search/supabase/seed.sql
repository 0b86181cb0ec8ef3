insert into auth.users (id, email, aud, role)
values ('00000000-0000-0000-0000-0000000000a1', 'ada@example.com', 'authenticated', 'authenticated');

insert into public.documents (owner_id, content, embedding) values
  ('00000000-0000-0000-0000-0000000000a1', 'about cats', '[1,0,0]'),
  ('00000000-0000-0000-0000-0000000000a1', 'about kittens', '[0.9,0.1,0]'),
  ('00000000-0000-0000-0000-0000000000a1', 'about taxes', '[0,0,1]');

-- The search works on the stand-in: the nearest documents come first.
do $$
begin
  if (select array_agg(content) from public.match_documents('[1,0,0]', 0.5, 5))
     is distinct from array['about cats', 'about kittens'] then
    raise exception 'match_documents returned the wrong documents';
  end if;
end
$$;
