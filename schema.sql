-- schema.sql: the schema supabase/migrations builds (8 migrations, 1 seed file(s); supabase flavor).
-- Written by pytest-schemaguard; do not edit by hand. Regenerate it with `schemaguard snapshot`
-- or `pytest --schemaguard --schemaguard-update`.
-- schemaguard-inputs: sha256:64fab191756b17e6aaa237c23ee9fa2a9e11c3d14d8635763c158d6607a55f12

SET check_function_bodies = false;
SET client_min_messages = warning;
SELECT pg_catalog.set_config('search_path', '', false);

-- Objects below get exactly the grants written here; the default privileges
-- of the Supabase roles are restored at the end.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated, service_role;

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;

--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;

--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';

--
-- Name: opportunity_pipeline; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.opportunity_pipeline AS ENUM (
    'food_service',
    'retail',
    'online',
    'distribution'
);

--
-- Name: opportunity_stage; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.opportunity_stage AS ENUM (
    'new_lead',
    'initial_outreach',
    'sample_visit_offered',
    'awaiting_response',
    'feedback_logged',
    'demo_scheduled',
    'closed_won',
    'closed_lost'
);

--
-- Name: organization_type; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.organization_type AS ENUM (
    'customer',
    'prospect',
    'principal',
    'distributor',
    'unknown'
);

--
-- Name: contacts_search_tsv_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.contacts_search_tsv_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  new.search_tsv :=
    setweight(to_tsvector('simple'::regconfig, coalesce(new.first_name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.last_name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.title, '')), 'B')
    || setweight(
         to_tsvector(
           'simple'::regconfig,
           coalesce(
             (select pg_catalog.string_agg(e ->> 'email', ' ')
                from pg_catalog.jsonb_array_elements(new.email) as e),
             ''
           )
         ),
         'C'
       );
  return new;
end;
$$;

--
-- Name: handle_new_user(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.handle_new_user() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_is_first boolean;
begin
  select not exists (select 1 from public.sales) into v_is_first;

  insert into public.sales (user_id, first_name, last_name, email, administrator)
  values (
    new.id,
    coalesce(new.raw_user_meta_data ->> 'first_name', ''),
    coalesce(new.raw_user_meta_data ->> 'last_name', ''),
    coalesce(new.email, ''),
    v_is_first  -- the first user of a fresh install is the administrator
  );
  return new;
end;
$$;

--
-- Name: opportunities_search_tsv_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.opportunities_search_tsv_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  new.search_tsv :=
    setweight(to_tsvector('simple'::regconfig, coalesce(new.name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(new.description, '')), 'B');
  return new;
end;
$$;

--
-- Name: organizations_search_tsv_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.organizations_search_tsv_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  new.search_tsv :=
    setweight(to_tsvector('simple'::regconfig, coalesce(new.name, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.website, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, coalesce(new.city, '')), 'C');
  return new;
end;
$$;

--
-- Name: set_primary_organization(bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_primary_organization(p_contact_id bigint, p_organization_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if auth.uid() is null then
    raise exception 'not authenticated' using errcode = '42501';
  end if;

  if not exists (
    select 1
    from public.contact_organizations co
    where co.contact_id = p_contact_id
      and co.organization_id = p_organization_id
  ) then
    raise exception 'contact % is not linked to organization %', p_contact_id, p_organization_id
      using errcode = '23503';
  end if;

  update public.contact_organizations
     set is_primary = false
   where contact_id = p_contact_id
     and is_primary
     and organization_id <> p_organization_id;

  update public.contact_organizations
     set is_primary = true
   where contact_id = p_contact_id
     and organization_id = p_organization_id;
end;
$$;

--
-- Name: set_updated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;

--
-- Name: contact_notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contact_notes (
    id bigint NOT NULL,
    contact_id bigint NOT NULL,
    sales_id bigint,
    text text NOT NULL,
    date timestamp with time zone DEFAULT now() NOT NULL,
    status text,
    attachments jsonb DEFAULT '[]'::jsonb NOT NULL
);

--
-- Name: contact_notes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contact_notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.contact_notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: contact_organizations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contact_organizations (
    id bigint NOT NULL,
    contact_id bigint NOT NULL,
    organization_id bigint NOT NULL,
    role text,
    is_primary boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: contact_organizations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contact_organizations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.contact_organizations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contacts (
    id bigint NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    title text,
    email jsonb DEFAULT '[]'::jsonb NOT NULL,
    phone jsonb DEFAULT '[]'::jsonb NOT NULL,
    background text,
    linkedin_url text,
    sales_id bigint,
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    tags bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    search_tsv tsvector,
    CONSTRAINT contacts_email_is_array CHECK ((jsonb_typeof(email) = 'array'::text)),
    CONSTRAINT contacts_phone_is_array CHECK ((jsonb_typeof(phone) = 'array'::text))
);

--
-- Name: contacts_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contacts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.contacts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: organizations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organizations (
    id bigint NOT NULL,
    name text NOT NULL,
    organization_type public.organization_type DEFAULT 'unknown'::public.organization_type NOT NULL,
    parent_organization_id bigint,
    sector text,
    website text,
    phone_number text,
    address text,
    city text,
    zipcode text,
    state_abbr character varying(2),
    country text DEFAULT 'US'::text NOT NULL,
    linkedin_url text,
    description text,
    sales_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    search_tsv tsvector,
    CONSTRAINT organizations_no_self_parent CHECK ((parent_organization_id IS DISTINCT FROM id))
);

--
-- Name: tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tasks (
    id bigint NOT NULL,
    contact_id bigint,
    opportunity_id bigint,
    sales_id bigint NOT NULL,
    type text DEFAULT 'todo'::text NOT NULL,
    text text NOT NULL,
    due_date timestamp with time zone NOT NULL,
    done_date timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tasks_has_subject CHECK (((contact_id IS NOT NULL) OR (opportunity_id IS NOT NULL)))
);

--
-- Name: contacts_summary; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.contacts_summary WITH (security_invoker='true') AS
 SELECT c.id,
    c.first_name,
    c.last_name,
    c.title,
    c.email,
    c.phone,
    c.sales_id,
    c.first_seen,
    c.last_seen,
    po.id AS organization_id,
    po.name AS organization_name,
    ( SELECT count(*) AS count
           FROM public.tasks t
          WHERE ((t.contact_id = c.id) AND (t.done_date IS NULL))) AS nb_tasks,
    c.tags
   FROM ((public.contacts c
     LEFT JOIN public.contact_organizations co ON (((co.contact_id = c.id) AND co.is_primary)))
     LEFT JOIN public.organizations po ON ((po.id = co.organization_id)))
  WHERE (c.deleted_at IS NULL);

--
-- Name: sales; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sales (
    id bigint NOT NULL,
    user_id uuid NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text NOT NULL,
    administrator boolean DEFAULT false NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    avatar jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: TABLE sales; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.sales IS 'CRM users (sales reps), one row per auth.users row.';

--
-- Name: init_state; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.init_state WITH (security_invoker='true') AS
 SELECT count(sub.id) AS is_initialized
   FROM ( SELECT s.id
           FROM public.sales s
         LIMIT 1) sub;

--
-- Name: migration_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.migration_history (
    id bigint NOT NULL,
    migration_name text NOT NULL,
    phase text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    rows_affected bigint,
    rollback_sql text,
    error_message text,
    CONSTRAINT migration_history_completed_after_start CHECK (((completed_at IS NULL) OR (completed_at >= started_at))),
    CONSTRAINT migration_history_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'running'::text, 'completed'::text, 'failed'::text, 'rolled_back'::text])))
);

--
-- Name: migration_history_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.migration_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.migration_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: opportunities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.opportunities (
    id bigint NOT NULL,
    name text NOT NULL,
    customer_organization_id bigint NOT NULL,
    principal_organization_id bigint,
    distributor_organization_id bigint,
    stage public.opportunity_stage DEFAULT 'new_lead'::public.opportunity_stage NOT NULL,
    pipeline public.opportunity_pipeline DEFAULT 'food_service'::public.opportunity_pipeline NOT NULL,
    amount numeric(12,2),
    probability smallint,
    expected_close_date date,
    description text,
    sales_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    search_tsv tsvector,
    CONSTRAINT opportunities_amount_non_negative CHECK (((amount IS NULL) OR (amount >= (0)::numeric))),
    CONSTRAINT opportunities_principal_not_customer CHECK ((principal_organization_id IS DISTINCT FROM customer_organization_id)),
    CONSTRAINT opportunities_probability_range CHECK (((probability >= 0) AND (probability <= 100)))
);

--
-- Name: opportunities_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.opportunities ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.opportunities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: opportunity_participants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.opportunity_participants (
    id bigint NOT NULL,
    opportunity_id bigint NOT NULL,
    organization_id bigint NOT NULL,
    role text NOT NULL,
    is_primary boolean DEFAULT false NOT NULL,
    commission_rate numeric(5,4),
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by uuid DEFAULT auth.uid(),
    deleted_at timestamp with time zone,
    CONSTRAINT opportunity_participants_commission_rate_check CHECK (((commission_rate >= (0)::numeric) AND (commission_rate <= (1)::numeric))),
    CONSTRAINT opportunity_participants_role_check CHECK ((role = ANY (ARRAY['customer'::text, 'principal'::text, 'distributor'::text, 'broker'::text, 'partner'::text])))
);

--
-- Name: opportunities_summary; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.opportunities_summary WITH (security_invoker='true') AS
 SELECT opp.id,
    opp.name,
    opp.stage,
    opp.pipeline,
    opp.amount,
    opp.probability,
    opp.expected_close_date,
    opp.customer_organization_id,
    cust.name AS customer_organization_name,
    opp.principal_organization_id,
    prin.name AS principal_organization_name,
    opp.distributor_organization_id,
    dist.name AS distributor_organization_name,
    opp.sales_id,
    opp.created_at,
    ( SELECT count(*) AS count
           FROM public.opportunity_participants op
          WHERE ((op.opportunity_id = opp.id) AND (op.deleted_at IS NULL))) AS nb_participants
   FROM (((public.opportunities opp
     JOIN public.organizations cust ON ((cust.id = opp.customer_organization_id)))
     LEFT JOIN public.organizations prin ON ((prin.id = opp.principal_organization_id)))
     LEFT JOIN public.organizations dist ON ((dist.id = opp.distributor_organization_id)))
  WHERE (opp.deleted_at IS NULL);

--
-- Name: opportunity_notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.opportunity_notes (
    id bigint NOT NULL,
    opportunity_id bigint NOT NULL,
    sales_id bigint,
    text text NOT NULL,
    date timestamp with time zone DEFAULT now() NOT NULL,
    attachments jsonb DEFAULT '[]'::jsonb NOT NULL
);

--
-- Name: opportunity_notes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.opportunity_notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.opportunity_notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: opportunity_participants_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.opportunity_participants ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.opportunity_participants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: opportunity_stage_stats; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.opportunity_stage_stats AS
 SELECT o.pipeline,
    o.stage,
    count(*) AS nb_opportunities,
    (COALESCE(sum(o.amount), (0)::numeric))::numeric(14,2) AS total_amount
   FROM public.opportunities o
  WHERE (o.deleted_at IS NULL)
  GROUP BY o.pipeline, o.stage
  WITH NO DATA;

--
-- Name: organizations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.organizations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.organizations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: organizations_summary; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.organizations_summary AS
SELECT
    NULL::bigint AS id,
    NULL::text AS name,
    NULL::public.organization_type AS organization_type,
    NULL::bigint AS parent_organization_id,
    NULL::text AS sector,
    NULL::text AS city,
    NULL::text AS website,
    NULL::bigint AS sales_id,
    NULL::timestamp with time zone AS created_at,
    NULL::bigint AS nb_contacts,
    NULL::bigint AS nb_opportunities;

--
-- Name: sales_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.sales ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sales_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    id bigint NOT NULL,
    name text NOT NULL,
    color character varying(7) DEFAULT '#9e9e9e'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tags_color_hex CHECK (((color)::text ~ '^#[0-9a-fA-F]{6}$'::text))
);

--
-- Name: tags_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tags ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.tags_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tasks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tasks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.tasks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: contact_notes contact_notes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_notes
    ADD CONSTRAINT contact_notes_pkey PRIMARY KEY (id);

--
-- Name: contact_organizations contact_organizations_contact_organization_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_organizations
    ADD CONSTRAINT contact_organizations_contact_organization_key UNIQUE (contact_id, organization_id);

--
-- Name: contact_organizations contact_organizations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_organizations
    ADD CONSTRAINT contact_organizations_pkey PRIMARY KEY (id);

--
-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_pkey PRIMARY KEY (id);

--
-- Name: migration_history migration_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.migration_history
    ADD CONSTRAINT migration_history_pkey PRIMARY KEY (id);

--
-- Name: opportunities opportunities_name_active_excl; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunities
    ADD CONSTRAINT opportunities_name_active_excl EXCLUDE USING gist (customer_organization_id WITH =, lower(name) WITH =) WHERE ((deleted_at IS NULL));

--
-- Name: opportunities opportunities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunities
    ADD CONSTRAINT opportunities_pkey PRIMARY KEY (id);

--
-- Name: opportunity_notes opportunity_notes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_notes
    ADD CONSTRAINT opportunity_notes_pkey PRIMARY KEY (id);

--
-- Name: opportunity_participants opportunity_participants_active_excl; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_participants
    ADD CONSTRAINT opportunity_participants_active_excl EXCLUDE USING gist (opportunity_id WITH =, organization_id WITH =, role WITH =) WHERE ((deleted_at IS NULL));

--
-- Name: opportunity_participants opportunity_participants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_participants
    ADD CONSTRAINT opportunity_participants_pkey PRIMARY KEY (id);

--
-- Name: organizations organizations_name_active_excl; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_name_active_excl EXCLUDE USING gist (lower(name) WITH =) WHERE ((deleted_at IS NULL));

--
-- Name: organizations organizations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);

--
-- Name: sales sales_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales
    ADD CONSTRAINT sales_pkey PRIMARY KEY (id);

--
-- Name: sales sales_user_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales
    ADD CONSTRAINT sales_user_id_key UNIQUE (user_id);

--
-- Name: tags tags_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_name_key UNIQUE (name);

--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (id);

--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (id);

--
-- Name: contact_notes_contact_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contact_notes_contact_id_idx ON public.contact_notes USING btree (contact_id);

--
-- Name: contact_notes_sales_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contact_notes_sales_id_idx ON public.contact_notes USING btree (sales_id);

--
-- Name: contact_organizations_one_primary_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX contact_organizations_one_primary_idx ON public.contact_organizations USING btree (contact_id) WHERE is_primary;

--
-- Name: contact_organizations_organization_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contact_organizations_organization_id_idx ON public.contact_organizations USING btree (organization_id);

--
-- Name: contacts_active_last_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contacts_active_last_name_idx ON public.contacts USING btree (last_name, first_name) WHERE (deleted_at IS NULL);

--
-- Name: contacts_sales_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contacts_sales_id_idx ON public.contacts USING btree (sales_id);

--
-- Name: contacts_search_tsv_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contacts_search_tsv_idx ON public.contacts USING gin (search_tsv);

--
-- Name: contacts_tags_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contacts_tags_idx ON public.contacts USING gin (tags);

--
-- Name: opportunities_customer_organization_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunities_customer_organization_id_idx ON public.opportunities USING btree (customer_organization_id);

--
-- Name: opportunities_distributor_organization_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunities_distributor_organization_id_idx ON public.opportunities USING btree (distributor_organization_id);

--
-- Name: opportunities_principal_organization_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunities_principal_organization_id_idx ON public.opportunities USING btree (principal_organization_id);

--
-- Name: opportunities_sales_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunities_sales_id_idx ON public.opportunities USING btree (sales_id);

--
-- Name: opportunities_search_tsv_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunities_search_tsv_idx ON public.opportunities USING gin (search_tsv);

--
-- Name: opportunity_notes_opportunity_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunity_notes_opportunity_id_idx ON public.opportunity_notes USING btree (opportunity_id);

--
-- Name: opportunity_notes_sales_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunity_notes_sales_id_idx ON public.opportunity_notes USING btree (sales_id);

--
-- Name: opportunity_participants_created_by_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunity_participants_created_by_idx ON public.opportunity_participants USING btree (created_by);

--
-- Name: opportunity_participants_opportunity_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunity_participants_opportunity_id_idx ON public.opportunity_participants USING btree (opportunity_id);

--
-- Name: opportunity_participants_organization_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX opportunity_participants_organization_id_idx ON public.opportunity_participants USING btree (organization_id);

--
-- Name: opportunity_stage_stats_pipeline_stage_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX opportunity_stage_stats_pipeline_stage_idx ON public.opportunity_stage_stats USING btree (pipeline, stage);

--
-- Name: organizations_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX organizations_name_trgm_idx ON public.organizations USING gin (name extensions.gin_trgm_ops);

--
-- Name: organizations_parent_organization_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX organizations_parent_organization_id_idx ON public.organizations USING btree (parent_organization_id);

--
-- Name: organizations_sales_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX organizations_sales_id_idx ON public.organizations USING btree (sales_id);

--
-- Name: organizations_search_tsv_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX organizations_search_tsv_idx ON public.organizations USING gin (search_tsv);

--
-- Name: tasks_contact_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_contact_id_idx ON public.tasks USING btree (contact_id);

--
-- Name: tasks_opportunity_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_opportunity_id_idx ON public.tasks USING btree (opportunity_id);

--
-- Name: tasks_sales_id_due_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_sales_id_due_date_idx ON public.tasks USING btree (sales_id, due_date) WHERE (done_date IS NULL);

--
-- Name: tasks_sales_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_sales_id_idx ON public.tasks USING btree (sales_id);

--
-- Name: organizations_summary _RETURN; Type: RULE; Schema: public; Owner: -
--

CREATE OR REPLACE VIEW public.organizations_summary WITH (security_invoker='true') AS
 SELECT o.id,
    o.name,
    o.organization_type,
    o.parent_organization_id,
    o.sector,
    o.city,
    o.website,
    o.sales_id,
    o.created_at,
    count(DISTINCT co.contact_id) AS nb_contacts,
    count(DISTINCT opp.id) AS nb_opportunities
   FROM ((public.organizations o
     LEFT JOIN public.contact_organizations co ON ((co.organization_id = o.id)))
     LEFT JOIN public.opportunities opp ON (((opp.customer_organization_id = o.id) AND (opp.deleted_at IS NULL))))
  WHERE (o.deleted_at IS NULL)
  GROUP BY o.id;

--
-- Name: contacts contacts_search_tsv_trigger; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER contacts_search_tsv_trigger BEFORE INSERT OR UPDATE ON public.contacts FOR EACH ROW EXECUTE FUNCTION public.contacts_search_tsv_update();

--
-- Name: contacts contacts_set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER contacts_set_updated_at BEFORE UPDATE ON public.contacts FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: opportunities opportunities_search_tsv_trigger; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER opportunities_search_tsv_trigger BEFORE INSERT OR UPDATE ON public.opportunities FOR EACH ROW EXECUTE FUNCTION public.opportunities_search_tsv_update();

--
-- Name: opportunities opportunities_set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER opportunities_set_updated_at BEFORE UPDATE ON public.opportunities FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: organizations organizations_search_tsv_trigger; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER organizations_search_tsv_trigger BEFORE INSERT OR UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION public.organizations_search_tsv_update();

--
-- Name: organizations organizations_set_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

--
-- Name: contact_notes contact_notes_contact_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_notes
    ADD CONSTRAINT contact_notes_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES public.contacts(id) ON DELETE CASCADE;

--
-- Name: contact_notes contact_notes_sales_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_notes
    ADD CONSTRAINT contact_notes_sales_id_fkey FOREIGN KEY (sales_id) REFERENCES public.sales(id) ON DELETE SET NULL;

--
-- Name: contact_organizations contact_organizations_contact_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_organizations
    ADD CONSTRAINT contact_organizations_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES public.contacts(id) ON DELETE CASCADE;

--
-- Name: contact_organizations contact_organizations_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contact_organizations
    ADD CONSTRAINT contact_organizations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: contacts contacts_sales_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_sales_id_fkey FOREIGN KEY (sales_id) REFERENCES public.sales(id) ON DELETE SET NULL;

--
-- Name: opportunities opportunities_customer_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunities
    ADD CONSTRAINT opportunities_customer_organization_id_fkey FOREIGN KEY (customer_organization_id) REFERENCES public.organizations(id) ON DELETE RESTRICT;

--
-- Name: opportunities opportunities_distributor_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunities
    ADD CONSTRAINT opportunities_distributor_organization_id_fkey FOREIGN KEY (distributor_organization_id) REFERENCES public.organizations(id) ON DELETE SET NULL;

--
-- Name: opportunities opportunities_principal_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunities
    ADD CONSTRAINT opportunities_principal_organization_id_fkey FOREIGN KEY (principal_organization_id) REFERENCES public.organizations(id) ON DELETE SET NULL;

--
-- Name: opportunities opportunities_sales_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunities
    ADD CONSTRAINT opportunities_sales_id_fkey FOREIGN KEY (sales_id) REFERENCES public.sales(id) ON DELETE SET NULL;

--
-- Name: opportunity_notes opportunity_notes_opportunity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_notes
    ADD CONSTRAINT opportunity_notes_opportunity_id_fkey FOREIGN KEY (opportunity_id) REFERENCES public.opportunities(id) ON DELETE CASCADE;

--
-- Name: opportunity_notes opportunity_notes_sales_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_notes
    ADD CONSTRAINT opportunity_notes_sales_id_fkey FOREIGN KEY (sales_id) REFERENCES public.sales(id) ON DELETE SET NULL;

--
-- Name: opportunity_participants opportunity_participants_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_participants
    ADD CONSTRAINT opportunity_participants_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL;

--
-- Name: opportunity_participants opportunity_participants_opportunity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_participants
    ADD CONSTRAINT opportunity_participants_opportunity_id_fkey FOREIGN KEY (opportunity_id) REFERENCES public.opportunities(id) ON DELETE CASCADE;

--
-- Name: opportunity_participants opportunity_participants_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.opportunity_participants
    ADD CONSTRAINT opportunity_participants_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;

--
-- Name: organizations organizations_parent_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_parent_organization_id_fkey FOREIGN KEY (parent_organization_id) REFERENCES public.organizations(id) ON DELETE SET NULL;

--
-- Name: organizations organizations_sales_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_sales_id_fkey FOREIGN KEY (sales_id) REFERENCES public.sales(id) ON DELETE SET NULL;

--
-- Name: sales sales_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales
    ADD CONSTRAINT sales_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

--
-- Name: tasks tasks_contact_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES public.contacts(id) ON DELETE CASCADE;

--
-- Name: tasks tasks_opportunity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_opportunity_id_fkey FOREIGN KEY (opportunity_id) REFERENCES public.opportunities(id) ON DELETE CASCADE;

--
-- Name: tasks tasks_sales_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_sales_id_fkey FOREIGN KEY (sales_id) REFERENCES public.sales(id) ON DELETE CASCADE;

--
-- Name: contact_notes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.contact_notes ENABLE ROW LEVEL SECURITY;

--
-- Name: contact_notes contact_notes_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contact_notes_delete_authenticated ON public.contact_notes FOR DELETE TO authenticated USING (true);

--
-- Name: contact_notes contact_notes_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contact_notes_insert_authenticated ON public.contact_notes FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: contact_notes contact_notes_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contact_notes_select_authenticated ON public.contact_notes FOR SELECT TO authenticated USING (true);

--
-- Name: contact_notes contact_notes_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contact_notes_update_authenticated ON public.contact_notes FOR UPDATE TO authenticated USING (true) WITH CHECK (true);

--
-- Name: contact_organizations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.contact_organizations ENABLE ROW LEVEL SECURITY;

--
-- Name: contact_organizations contact_organizations_all_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contact_organizations_all_authenticated ON public.contact_organizations TO authenticated USING (true) WITH CHECK (true);

--
-- Name: contacts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.contacts ENABLE ROW LEVEL SECURITY;

--
-- Name: contacts contacts_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contacts_delete_authenticated ON public.contacts FOR DELETE TO authenticated USING (true);

--
-- Name: contacts contacts_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contacts_insert_authenticated ON public.contacts FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: contacts contacts_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contacts_select_authenticated ON public.contacts FOR SELECT TO authenticated USING ((deleted_at IS NULL));

--
-- Name: contacts contacts_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contacts_update_authenticated ON public.contacts FOR UPDATE TO authenticated USING ((deleted_at IS NULL)) WITH CHECK (true);

--
-- Name: migration_history; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.migration_history ENABLE ROW LEVEL SECURITY;

--
-- Name: migration_history migration_history_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY migration_history_select_authenticated ON public.migration_history FOR SELECT TO authenticated USING (true);

--
-- Name: opportunities; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.opportunities ENABLE ROW LEVEL SECURITY;

--
-- Name: opportunities opportunities_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunities_delete_authenticated ON public.opportunities FOR DELETE TO authenticated USING (true);

--
-- Name: opportunities opportunities_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunities_insert_authenticated ON public.opportunities FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: opportunities opportunities_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunities_select_authenticated ON public.opportunities FOR SELECT TO authenticated USING ((deleted_at IS NULL));

--
-- Name: opportunities opportunities_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunities_update_authenticated ON public.opportunities FOR UPDATE TO authenticated USING ((deleted_at IS NULL)) WITH CHECK (true);

--
-- Name: opportunity_notes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.opportunity_notes ENABLE ROW LEVEL SECURITY;

--
-- Name: opportunity_notes opportunity_notes_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_notes_delete_authenticated ON public.opportunity_notes FOR DELETE TO authenticated USING (true);

--
-- Name: opportunity_notes opportunity_notes_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_notes_insert_authenticated ON public.opportunity_notes FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: opportunity_notes opportunity_notes_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_notes_select_authenticated ON public.opportunity_notes FOR SELECT TO authenticated USING (true);

--
-- Name: opportunity_notes opportunity_notes_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_notes_update_authenticated ON public.opportunity_notes FOR UPDATE TO authenticated USING (true) WITH CHECK (true);

--
-- Name: opportunity_participants; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.opportunity_participants ENABLE ROW LEVEL SECURITY;

--
-- Name: opportunity_participants opportunity_participants_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_participants_delete_authenticated ON public.opportunity_participants FOR DELETE TO authenticated USING (true);

--
-- Name: opportunity_participants opportunity_participants_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_participants_insert_authenticated ON public.opportunity_participants FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: opportunity_participants opportunity_participants_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_participants_select_authenticated ON public.opportunity_participants FOR SELECT TO authenticated USING ((deleted_at IS NULL));

--
-- Name: opportunity_participants opportunity_participants_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY opportunity_participants_update_authenticated ON public.opportunity_participants FOR UPDATE TO authenticated USING ((deleted_at IS NULL)) WITH CHECK (true);

--
-- Name: organizations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

--
-- Name: organizations organizations_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY organizations_delete_authenticated ON public.organizations FOR DELETE TO authenticated USING (true);

--
-- Name: organizations organizations_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY organizations_insert_authenticated ON public.organizations FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: organizations organizations_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY organizations_select_authenticated ON public.organizations FOR SELECT TO authenticated USING ((deleted_at IS NULL));

--
-- Name: organizations organizations_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY organizations_update_authenticated ON public.organizations FOR UPDATE TO authenticated USING ((deleted_at IS NULL)) WITH CHECK (true);

--
-- Name: sales; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.sales ENABLE ROW LEVEL SECURITY;

--
-- Name: sales sales_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY sales_select_authenticated ON public.sales FOR SELECT TO authenticated USING (true);

--
-- Name: sales sales_update_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY sales_update_own ON public.sales FOR UPDATE TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

--
-- Name: tags; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tags ENABLE ROW LEVEL SECURITY;

--
-- Name: tags tags_delete_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tags_delete_authenticated ON public.tags FOR DELETE TO authenticated USING (true);

--
-- Name: tags tags_insert_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tags_insert_authenticated ON public.tags FOR INSERT TO authenticated WITH CHECK (true);

--
-- Name: tags tags_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tags_select_authenticated ON public.tags FOR SELECT TO authenticated USING (true);

--
-- Name: tags tags_update_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tags_update_authenticated ON public.tags FOR UPDATE TO authenticated USING (true) WITH CHECK (true);

--
-- Name: tasks; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: tasks tasks_delete_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_delete_own ON public.tasks FOR DELETE TO authenticated USING ((sales_id IN ( SELECT s.id
   FROM public.sales s
  WHERE (s.user_id = ( SELECT auth.uid() AS uid)))));

--
-- Name: tasks tasks_insert_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_insert_own ON public.tasks FOR INSERT TO authenticated WITH CHECK ((sales_id IN ( SELECT s.id
   FROM public.sales s
  WHERE (s.user_id = ( SELECT auth.uid() AS uid)))));

--
-- Name: tasks tasks_select_authenticated; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_select_authenticated ON public.tasks FOR SELECT TO authenticated USING (true);

--
-- Name: tasks tasks_update_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_update_own ON public.tasks FOR UPDATE TO authenticated USING ((sales_id IN ( SELECT s.id
   FROM public.sales s
  WHERE (s.user_id = ( SELECT auth.uid() AS uid))))) WITH CHECK ((sales_id IN ( SELECT s.id
   FROM public.sales s
  WHERE (s.user_id = ( SELECT auth.uid() AS uid)))));

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO anon;
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT USAGE ON SCHEMA public TO service_role;

--
-- Name: FUNCTION contacts_search_tsv_update(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.contacts_search_tsv_update() TO anon;
GRANT ALL ON FUNCTION public.contacts_search_tsv_update() TO authenticated;
GRANT ALL ON FUNCTION public.contacts_search_tsv_update() TO service_role;

--
-- Name: FUNCTION handle_new_user(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.handle_new_user() FROM PUBLIC;
GRANT ALL ON FUNCTION public.handle_new_user() TO service_role;

--
-- Name: FUNCTION opportunities_search_tsv_update(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.opportunities_search_tsv_update() TO anon;
GRANT ALL ON FUNCTION public.opportunities_search_tsv_update() TO authenticated;
GRANT ALL ON FUNCTION public.opportunities_search_tsv_update() TO service_role;

--
-- Name: FUNCTION organizations_search_tsv_update(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.organizations_search_tsv_update() TO anon;
GRANT ALL ON FUNCTION public.organizations_search_tsv_update() TO authenticated;
GRANT ALL ON FUNCTION public.organizations_search_tsv_update() TO service_role;

--
-- Name: FUNCTION set_primary_organization(p_contact_id bigint, p_organization_id bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.set_primary_organization(p_contact_id bigint, p_organization_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_primary_organization(p_contact_id bigint, p_organization_id bigint) TO authenticated;
GRANT ALL ON FUNCTION public.set_primary_organization(p_contact_id bigint, p_organization_id bigint) TO service_role;

--
-- Name: FUNCTION set_updated_at(); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.set_updated_at() TO anon;
GRANT ALL ON FUNCTION public.set_updated_at() TO authenticated;
GRANT ALL ON FUNCTION public.set_updated_at() TO service_role;

--
-- Name: TABLE contact_notes; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.contact_notes TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.contact_notes TO authenticated;

--
-- Name: SEQUENCE contact_notes_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.contact_notes_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.contact_notes_id_seq TO service_role;

--
-- Name: TABLE contact_organizations; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.contact_organizations TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.contact_organizations TO authenticated;

--
-- Name: SEQUENCE contact_organizations_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.contact_organizations_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.contact_organizations_id_seq TO service_role;

--
-- Name: TABLE contacts; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.contacts TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.contacts TO authenticated;

--
-- Name: SEQUENCE contacts_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.contacts_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.contacts_id_seq TO service_role;

--
-- Name: TABLE organizations; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.organizations TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.organizations TO authenticated;

--
-- Name: TABLE tasks; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.tasks TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tasks TO authenticated;

--
-- Name: TABLE contacts_summary; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.contacts_summary TO service_role;
GRANT SELECT ON TABLE public.contacts_summary TO authenticated;

--
-- Name: TABLE sales; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.sales TO service_role;
GRANT SELECT,UPDATE ON TABLE public.sales TO authenticated;

--
-- Name: TABLE init_state; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.init_state TO service_role;
GRANT SELECT ON TABLE public.init_state TO authenticated;

--
-- Name: TABLE migration_history; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.migration_history TO service_role;
GRANT SELECT ON TABLE public.migration_history TO authenticated;

--
-- Name: SEQUENCE migration_history_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.migration_history_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.migration_history_id_seq TO service_role;

--
-- Name: TABLE opportunities; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.opportunities TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.opportunities TO authenticated;

--
-- Name: SEQUENCE opportunities_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.opportunities_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.opportunities_id_seq TO service_role;

--
-- Name: TABLE opportunity_participants; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.opportunity_participants TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.opportunity_participants TO authenticated;

--
-- Name: TABLE opportunities_summary; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.opportunities_summary TO service_role;
GRANT SELECT ON TABLE public.opportunities_summary TO authenticated;

--
-- Name: TABLE opportunity_notes; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.opportunity_notes TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.opportunity_notes TO authenticated;

--
-- Name: SEQUENCE opportunity_notes_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.opportunity_notes_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.opportunity_notes_id_seq TO service_role;

--
-- Name: SEQUENCE opportunity_participants_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.opportunity_participants_id_seq TO anon;
GRANT ALL ON SEQUENCE public.opportunity_participants_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.opportunity_participants_id_seq TO service_role;

--
-- Name: TABLE opportunity_stage_stats; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.opportunity_stage_stats TO service_role;

--
-- Name: SEQUENCE organizations_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.organizations_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.organizations_id_seq TO service_role;

--
-- Name: TABLE organizations_summary; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.organizations_summary TO service_role;
GRANT SELECT ON TABLE public.organizations_summary TO authenticated;

--
-- Name: SEQUENCE sales_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.sales_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.sales_id_seq TO service_role;

--
-- Name: TABLE tags; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON TABLE public.tags TO service_role;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tags TO authenticated;

--
-- Name: SEQUENCE tags_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.tags_id_seq TO anon;
GRANT ALL ON SEQUENCE public.tags_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.tags_id_seq TO service_role;

--
-- Name: SEQUENCE tasks_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON SEQUENCE public.tasks_id_seq TO authenticated;
GRANT ALL ON SEQUENCE public.tasks_id_seq TO service_role;

--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES  TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES  TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES  TO service_role;

--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS  TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS  TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS  TO service_role;

--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES  TO anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES  TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES  TO service_role;
