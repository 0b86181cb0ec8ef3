insert into public.notes (author_id, title, body)
select id, 'Welcome', 'Created by the seed.' from public.profiles where full_name is not null;

insert into storage.objects (bucket_id, name, owner, owner_id)
values ('avatars', '11111111-1111-4111-8111-111111111111/avatar.png',
        '11111111-1111-4111-8111-111111111111', '11111111-1111-4111-8111-111111111111');
