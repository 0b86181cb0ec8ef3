-- Nightly pipeline statistics for the dashboard (refreshed by a scheduled job;
-- not exposed to API users).

create materialized view public.opportunity_stage_stats as
select
  o.pipeline,
  o.stage,
  count(*) as nb_opportunities,
  coalesce(sum(o.amount), 0)::numeric(14, 2) as total_amount
from public.opportunities o
where o.deleted_at is null
group by o.pipeline, o.stage
with data;

create unique index opportunity_stage_stats_pipeline_stage_idx
  on public.opportunity_stage_stats (pipeline, stage);

revoke all on public.opportunity_stage_stats from anon, authenticated;
