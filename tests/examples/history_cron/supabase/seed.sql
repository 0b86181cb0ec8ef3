insert into public.orders (total_cents, created_at) values
  (1200, '2025-09-01 10:00+00'),
  (800, '2025-09-01 15:30+00'),
  (4500, '2025-09-02 09:00+00');

select public.refresh_daily_reports('2025-09-01');
