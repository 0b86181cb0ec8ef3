create view public.organizations_summary with (security_invoker = true) as
  select o.id, o.name, count(d.id) as nb_deals
  from public.organizations o
  left join public.deals d on d.organization_id = o.id
  group by o.id, o.name;

create function public.organization_deal_total(p_organization_id bigint) returns numeric
language sql stable security definer set search_path = '' as $$
  select coalesce(sum(amount), 0) from public.deals where organization_id = p_organization_id;
$$;

revoke execute on function public.organization_deal_total(bigint) from public, anon;
grant execute on function public.organization_deal_total(bigint) to authenticated;
