create extension if not exists btree_gist with schema extensions;

create type public.employee_status as enum ('active', 'on_leave', 'left');
