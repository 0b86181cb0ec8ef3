-- Matched by the glob only; runs between 00_users.sql (named first) and 10_notes.sql.
update public.profiles set avatar_path = id || '/avatar.png' where full_name is not null;
