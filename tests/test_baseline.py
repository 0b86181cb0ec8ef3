"""Baselines (SPEC §5): `schemaguard baseline` squashes; the `baseline` item proves archive == baseline."""

from __future__ import annotations

from history_support import MIGRATIONS, YAML, copy_crm, preload, run_cli, run_pytest, write

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.database.build import build_database
from pytest_schemaguard.migrations import discover_migrations
from pytest_schemaguard.providers.baseline import provide
from pytest_schemaguard.session import SchemaguardSession

preload()

ARCHIVE = "supabase/migrations/archive"
NAMES = ["20250101000000_organizations.sql", "20250102000000_deals.sql", "20250103000000_summary.sql"]


def test_baseline_command_then_item_equal_then_unequal(pytester, capsys, admin_dsn):
    root = copy_crm(pytester.path, f"archive: {ARCHIVE}")
    code, out, err = run_cli(capsys, root, admin_dsn, "baseline")
    assert (code, err) == (0, "")
    assert out == ("wrote supabase/migrations/20250103000000_baseline.sql: the schema of 3 migrations "
                   "(20250101000000_organizations.sql .. 20250103000000_summary.sql)\n"
                   f"moved them to {ARCHIVE}/ (summary: {ARCHIVE}/BASELINE.md)\n"
                   "next steps (the files moved; these still describe the old layout):\n"
                   "  supabase migration repair --status reverted 20250101000000 20250102000000\n"
                   "      # on each linked database, before the next `supabase db push`: the Supabase CLI does not "
                   f"read {ARCHIVE} (`schemaguard status` lists these versions as archived)\n")
    assert sorted(p.name for p in (root / MIGRATIONS).glob("*.sql")) == ["20250103000000_baseline.sql"]
    assert sorted(p.name for p in (root / ARCHIVE).iterdir()) == [*NAMES, "BASELINE.md"]
    summary = (root / ARCHIVE / "BASELINE.md").read_text(encoding="utf-8")
    assert "baseline: 20250103000000_baseline.sql\n" in summary
    assert "consolidated: 3 migrations, 20250101000000 through 20250103000000, " in summary
    assert "archive sha256: " in summary and "data statements not carried over: 0" in summary
    baseline = (root / MIGRATIONS / "20250103000000_baseline.sql").read_text(encoding="utf-8")
    assert baseline.startswith("-- Baseline: the schema of 3 migrations, 20250101000000_organizations.sql through "
                               "20250103000000_summary.sql.\n")
    assert "CREATE INDEX deals_organization_id_idx ON public.deals USING btree (organization_id);" in baseline

    code, _, err = run_cli(capsys, root, admin_dsn, "baseline")
    assert code == 2
    assert err == (f"schemaguard baseline: the archive {ARCHIVE} already holds files: a project keeps one "
                   "archive; empty it (or baseline by hand) before making a new baseline\n")

    result = run_pytest(pytester, admin_dsn, f"{YAML}::baseline")
    result.assert_outcomes(passed=1)

    edited = baseline.replace("CREATE INDEX deals_organization_id_idx ON public.deals USING btree (organization_id);",
                              "")
    (root / MIGRATIONS / "20250103000000_baseline.sql").write_text(edited, encoding="utf-8")
    result = run_pytest(pytester, admin_dsn, f"{YAML}::baseline")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "the baseline 20250103000000_baseline.sql does not give the schema of the 3 archived migrations:",
        "table public.deals",
        "*index deals_organization_id_idx*only in archive*",
    ])


def test_hand_made_baseline_passes_and_warns_about_archived_data(pytester, admin_dsn):
    root = copy_crm(pytester.path, f"archive: {ARCHIVE}")
    migrations = root / MIGRATIONS
    organizations, deals = (migrations / NAMES[0]).read_text(), (migrations / NAMES[1]).read_text()
    (root / ARCHIVE).mkdir(parents=True)
    for name in NAMES[:2]:
        (migrations / name).rename(root / ARCHIVE / name)
    write(root, f"{ARCHIVE}/20250102100000_buckets.sql",
          "insert into storage.buckets (id, name) values ('avatars', 'avatars');\n"
          "\nupdate public.deals set amount = 0 where amount is null;\n")
    write(root, f"{MIGRATIONS}/20250102100000_baseline.sql", organizations + "\n" + deals)
    result = run_pytest(pytester, admin_dsn, f"{YAML}::baseline")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*schemaguard warnings*",
        f"{ARCHIVE}/20250102100000_buckets.sql:1: storage bucket: insert into storage.buckets (id, name) values "
        "('avatars', 'avatars') — data in the archive; the schema-only baseline does not carry it (keep it in "
        "seed.sql or a data migration)",
        f"{ARCHIVE}/20250102100000_buckets.sql:3: UPDATE: update public.deals set amount = 0 where amount is null *",
    ])


def test_baseline_command_refuses_data_loss_and_unknown_versions(tmp_path, capsys, admin_dsn):
    root = copy_crm(tmp_path, f"archive: {ARCHIVE}")
    write(root, f"{MIGRATIONS}/20250104000000_stages.sql",
          "select cron.schedule('nightly', '0 3 * * *', 'select 1');\n")
    code, _, err = run_cli(capsys, root, admin_dsn, "baseline", "--through", "20250105000000")
    assert code == 2
    assert err == ("schemaguard baseline: --through 20250105000000: no migration has this version; versions run "
                   "from 20250101000000 to 20250104000000\n")
    code, _, err = run_cli(capsys, root, admin_dsn, "baseline")
    assert code == 2
    assert err == ("schemaguard baseline: 1 data statement(s) in the migrations to consolidate would be lost by a "
                   "schema-only baseline:\n"
                   "  supabase/migrations/20250104000000_stages.sql:1: cron schedule: select cron.schedule('nightly', "
                   "'0 3 * * *', 'select 1')\n"
                   "Move them to seed.sql or a later data migration, or pass --allow-data-loss if production "
                   "already has this data and fresh databases do not need it\n")
    assert not (root / ARCHIVE).exists()
    code, _, err = run_cli(capsys, tmp_path / "nowhere", admin_dsn, "baseline")
    assert code == 2 and YAML in err


def test_archive_that_is_a_file_is_refused_and_fails_the_item(tmp_path, capsys, admin_dsn):
    root = copy_crm(tmp_path, f"archive: {ARCHIVE}")
    write(root, ARCHIVE, "not a directory\n")
    code, _, err = run_cli(capsys, root, admin_dsn, "baseline")
    assert code == 2
    assert err == (f"schemaguard baseline: project.archive is {ARCHIVE}, but {ARCHIVE} is a file, not a directory\n")
    session = SchemaguardSession(command_settings(root / YAML))
    session.load()
    (spec,) = provide(session)
    assert spec.check(session) == (f"project.archive is {ARCHIVE}, but {ARCHIVE} is not a directory: nothing to "
                                   "compare the baseline with")
    assert session.server is None


def live_database_that_applied(root, conn):
    """``conn``'s database as production would be: the migrations applied and recorded by the CLI."""
    migrations = discover_migrations(root / MIGRATIONS).migrations
    assert build_database(conn, root=root, migrations=migrations).failed_migration is None
    for migration in migrations:
        conn.execute("INSERT INTO supabase_migrations.schema_migrations (version, name, statements) "
                     "VALUES (%s, %s, %s)", (str(migration.version), migration.name.split("_", 1)[1][:-4],
                                             [s.text for s in migration.statements]))
    conn.commit()
    return conn.info.dsn


def test_baseline_prints_the_commands_that_update_lock_snapshot_and_history(pytester, capsys, admin_dsn,
                                                                            scratch_conn):
    root = copy_crm(pytester.path, f"archive: {ARCHIVE}", "lock: supabase/migrations/schemaguard.lock",
                    "snapshot: schema.sql")
    assert run_cli(capsys, root, admin_dsn, "lock")[0] == 0
    assert run_cli(capsys, root, admin_dsn, "snapshot")[0] == 0
    live = live_database_that_applied(root, scratch_conn)
    code, out, err = run_cli(capsys, root, admin_dsn, "baseline")
    assert (code, err) == (0, "")
    assert out.endswith(
        "next steps (the files moved; these still describe the old layout):\n"
        "  schemaguard lock\n"
        "      # supabase/migrations/schemaguard.lock still lists the replaced files\n"
        "  schemaguard snapshot\n"
        "      # schema.sql was made from the old file list (same schema, stale header)\n"
        "  supabase migration repair --status reverted 20250101000000 20250102000000\n"
        "      # on each linked database, before the next `supabase db push`: the Supabase CLI does not read "
        f"{ARCHIVE} (`schemaguard status` lists these versions as archived)\n"
    )
    result = run_pytest(pytester, admin_dsn, "-k", "lock or snapshot")
    result.assert_outcomes(failed=2)  # what the printed steps are for

    assert run_cli(capsys, root, admin_dsn, "lock")[0] == 0
    assert run_cli(capsys, root, admin_dsn, "snapshot")[0] == 0
    result = run_pytest(pytester, admin_dsn)
    assert result.ret == 0, result.stdout.str()

    # a database that applied the replaced files is in step with the baseline
    code, out, err = run_cli(capsys, root, admin_dsn, "status", "--live-dsn", live)
    assert (code, err) == (0, ""), out
    words = " ".join(out.split())
    assert "20250101000000 archived 20250101000000_organizations.sql replaced by the baseline" in words
    assert ("20250103000000 applied 20250103000000_baseline.sql as 20250103000000_summary.sql, which this baseline "
            "replaced") in words
    assert out.endswith("1 applied, 2 archived\n")
