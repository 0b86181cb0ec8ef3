select vault.create_secret('local-functions-key', 'functions_key', 'Bearer token for edge functions');

insert into public.orders (customer_email, total_cents) values ('lin@example.com', 4200);
