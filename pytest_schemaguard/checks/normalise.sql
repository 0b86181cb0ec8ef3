-- Server-side normalisation of expected type names and SQL expressions.
--
-- Created as a pg_temp function inside a transaction that the caller always rolls back, so
-- nothing outlives one batch. Each request is compiled against the real table in its own
-- BEGIN ... EXCEPTION block (a subtransaction): a success is read back from the catalog and then
-- undone by raising SG000, a failure keeps PostgreSQL's message. One call resolves a whole batch,
-- so normalising every expectation of a file costs a handful of round trips.
--
-- kinds: type | check | predicate | element | default | generated | using | with_check
-- (generated adds a stored generated column of the real column's type: that rewrites the table,
-- which is cheap on a throwaway database and undone with the rest of the probe)
-- Returns one row per request: plain = the catalog's non-pretty spelling (pg_get_expr /
-- format_type), pretty = the pretty-printed one, error = the first error message.
CREATE FUNCTION pg_temp.sg_normalise(
    kinds text[], schemas text[], tables text[], columns text[], texts text[], hints text[]
) RETURNS TABLE (i integer, plain text, pretty text, error text)
LANGUAGE plpgsql
-- a lock held elsewhere on a table must not hang a test run (the probes take table locks)
SET lock_timeout = '10s'
AS $fn$
DECLARE
    rel text;
    type_oid regtype;
    statements text[];
    stmt text;
    first_error text;
BEGIN
    FOR n IN 1 .. coalesce(array_length(kinds, 1), 0) LOOP
        i := n;
        plain := NULL;
        pretty := NULL;
        first_error := NULL;
        rel := format('%I.%I', schemas[n], tables[n]);
        statements := CASE kinds[n]
            WHEN 'type' THEN ARRAY[format('CREATE TEMP TABLE sg_norm_tmp (c %s)', texts[n])]
            WHEN 'check' THEN ARRAY[format(
                'ALTER TABLE %s ADD CONSTRAINT sg_norm_tmp CHECK (%s) NOT VALID', rel, texts[n])]
            WHEN 'predicate' THEN ARRAY[format(
                'CREATE INDEX sg_norm_tmp ON %s ((true)) WHERE (%s)', rel, texts[n])]
            -- an expression in parentheses first; then with the index's own access method (an
            -- opclass may only exist there); then unparenthesised, which allows "col opclass"
            WHEN 'element' THEN ARRAY[
                format('CREATE INDEX sg_norm_tmp ON %s ((%s))', rel, texts[n]),
                format('CREATE INDEX sg_norm_tmp ON %s USING %s ((%s))', rel, hints[n], texts[n]),
                format('CREATE INDEX sg_norm_tmp ON %s USING %s (%s)', rel, hints[n], texts[n])]
            WHEN 'default' THEN ARRAY[format(
                -- ONLY: the default of this table, not of its inheritance children or partitions
                -- (one of those with a generated or identity column refused the probe)
                'ALTER TABLE ONLY %s ALTER COLUMN %I SET DEFAULT %s', rel, columns[n], texts[n])]
            WHEN 'generated' THEN ARRAY[format(
                'ALTER TABLE %s ADD COLUMN sg_norm_tmp %s GENERATED ALWAYS AS (%s) STORED', rel,
                (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                  WHERE a.attrelid = rel::regclass AND a.attname = columns[n] AND NOT a.attisdropped),
                texts[n])]
            WHEN 'using' THEN ARRAY[format(
                'CREATE POLICY sg_norm_tmp ON %s USING (%s)', rel, texts[n])]
            WHEN 'with_check' THEN ARRAY[format(
                'CREATE POLICY sg_norm_tmp ON %s FOR INSERT WITH CHECK (%s)', rel, texts[n])]
        END;
        FOREACH stmt IN ARRAY statements LOOP
            BEGIN
                EXECUTE stmt;
                -- compiled with the session's search_path (as the migrations ran), printed with
                -- the catalog reader's (READ_SEARCH_PATH) so both spell qualified names alike
                PERFORM set_config('search_path', 'public', true);
                CASE kinds[n]
                    WHEN 'type' THEN
                        SELECT format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, a.atttypmod)
                          INTO plain, pretty
                          FROM pg_attribute a
                         WHERE a.attrelid = 'pg_temp.sg_norm_tmp'::regclass AND a.attname = 'c';
                    WHEN 'check' THEN
                        SELECT pg_get_expr(c.conbin, c.conrelid), pg_get_expr(c.conbin, c.conrelid, true)
                          INTO plain, pretty
                          FROM pg_constraint c
                         WHERE c.conrelid = rel::regclass AND c.conname = 'sg_norm_tmp';
                    WHEN 'predicate' THEN
                        SELECT pg_get_expr(x.indpred, x.indrelid), pg_get_expr(x.indpred, x.indrelid, true)
                          INTO plain, pretty
                          FROM pg_index x
                         WHERE x.indexrelid = format('%I.sg_norm_tmp', schemas[n])::regclass;
                    WHEN 'element' THEN
                        SELECT pg_get_indexdef(x.indexrelid, 1, false), pg_get_indexdef(x.indexrelid, 1, true)
                          INTO plain, pretty
                          FROM pg_index x
                         WHERE x.indexrelid = format('%I.sg_norm_tmp', schemas[n])::regclass;
                    WHEN 'default' THEN
                        SELECT pg_get_expr(d.adbin, d.adrelid), pg_get_expr(d.adbin, d.adrelid, true)
                          INTO plain, pretty
                          FROM pg_attrdef d
                          JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                         WHERE d.adrelid = rel::regclass AND a.attname = columns[n];
                    WHEN 'generated' THEN
                        SELECT pg_get_expr(d.adbin, d.adrelid), pg_get_expr(d.adbin, d.adrelid, true)
                          INTO plain, pretty
                          FROM pg_attrdef d
                          JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                         WHERE d.adrelid = rel::regclass AND a.attname = 'sg_norm_tmp';
                    WHEN 'using' THEN
                        SELECT pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polqual, p.polrelid, true)
                          INTO plain, pretty
                          FROM pg_policy p
                         WHERE p.polrelid = rel::regclass AND p.polname = 'sg_norm_tmp';
                    WHEN 'with_check' THEN
                        SELECT pg_get_expr(p.polwithcheck, p.polrelid),
                               pg_get_expr(p.polwithcheck, p.polrelid, true)
                          INTO plain, pretty
                          FROM pg_policy p
                         WHERE p.polrelid = rel::regclass AND p.polname = 'sg_norm_tmp';
                END CASE;
                RAISE SQLSTATE 'SG000';  -- undo the probe object, keep what was read
            EXCEPTION
                WHEN SQLSTATE 'SG000' THEN NULL;
                WHEN OTHERS THEN first_error := coalesce(first_error, SQLERRM);
            END;
            EXIT WHEN plain IS NOT NULL;
        END LOOP;
        -- pseudo-types (void, trigger, record) cannot be column types but are valid return types
        IF kinds[n] = 'type' AND plain IS NULL THEN
            BEGIN
                type_oid := texts[n]::regtype;
                PERFORM set_config('search_path', 'public', true);
                plain := format_type(type_oid, NULL);
                pretty := plain;
                RAISE SQLSTATE 'SG000';  -- restore search_path
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
        END IF;
        error := CASE WHEN plain IS NULL THEN coalesce(first_error, 'no result') END;
        RETURN NEXT;
    END LOOP;
END
$fn$;
