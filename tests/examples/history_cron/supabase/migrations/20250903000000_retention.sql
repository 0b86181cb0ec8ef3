-- keep 90 days of reports; the first version of this job ran hourly by mistake
select cron.schedule('purge-old-reports', '0 * * * *',
  $$ delete from public.daily_reports where day < current_date - 90 $$);
select cron.unschedule('purge-old-reports');
select cron.schedule('purge-old-reports', '30 3 * * 0',
  $$ delete from public.daily_reports where day < current_date - 90 $$);
