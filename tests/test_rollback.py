"""rollback[<migration>] items (SPEC §5): up -> down restores the schema, up again succeeds; one walk."""

from __future__ import annotations

from history_support import MIGRATIONS, YAML, copy_crm, esc, preload, run_pytest, write

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.providers.rollback import provide
from pytest_schemaguard.session import SchemaguardSession

preload()

ROLLBACKS = "supabase/rollbacks"


def test_rollbacks_correct_incomplete_erroring_and_orphaned(pytester, admin_dsn):
    root = copy_crm(pytester.path, f"rollbacks: {ROLLBACKS}")
    write(root, f"{MIGRATIONS}/20250104000000_deal_note.sql",
          "alter table public.deals add column note text;\ncreate index deals_note_idx on public.deals (note);\n")
    # Correct: undoes everything 20250103 did (view and function, with its grants).
    write(root, f"{ROLLBACKS}/20250103000000_summary.sql",
          "drop function public.organization_deal_total(bigint);\ndrop view public.organizations_summary;\n")
    # Incomplete: forgets the column.
    write(root, f"{ROLLBACKS}/20250104000000_deal_note.sql", "drop index public.deals_note_idx;\n")
    # Erroring on its line 3 (a typo in the function name).
    write(root, f"{ROLLBACKS}/20250102000000_deals.sql",
          "drop table public.deals;\n\ndrop function public.set_updated_ta();\ndrop type public.deal_stage;\n")
    write(root, f"{ROLLBACKS}/20250109000000_gone.sql", "select 1;\n")

    result = run_pytest(pytester, admin_dsn, "-v", "-m", "schemaguard_migration", "-k", "rollback")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines([
        f"*{esc('rollback[20250102000000_deals.sql]')} FAILED*",
        f"*{esc('rollback[20250103000000_summary.sql]')} PASSED*",
        f"*{esc('rollback[20250104000000_deal_note.sql]')} FAILED*",
        f"*{esc('rollback[20250109000000_gone.sql]')} FAILED*",
    ])
    result.stdout.fnmatch_lines([
        "*_ rollback[[]20250102000000_deals.sql[]] _*",
        "the rollback script failed:",
        "supabase/rollbacks/20250102000000_deals.sql:3: statement failed",
        "",
        "    drop function public.set_updated_ta()",
        "",
        "ERROR:  function public.set_updated_ta() does not exist (SQLSTATE 42883)",
    ])
    result.stdout.fnmatch_lines([
        "*_ rollback[[]20250104000000_deal_note.sql[]] _*",
        "supabase/rollbacks/20250104000000_deal_note.sql does not restore the schema from before "
        "20250104000000_deal_note.sql:",
        "  left behind: column public.deals.note",
        "",
        "table public.deals",
        "*column note*only in after supabase/rollbacks/20250104000000_deal_note.sql*",
        "",
        "re-applying 20250104000000_deal_note.sql after its rollback failed:",
        "supabase/migrations/20250104000000_deal_note.sql:1: statement failed",
        "*",
        '*ERROR:  column "note" of relation "deals" already exists (SQLSTATE 42701)',
    ])
    result.stdout.fnmatch_lines([
        "*_ rollback[[]20250109000000_gone.sql[]] _*",
        "supabase/rollbacks/20250109000000_gone.sql matches no migration in supabase/migrations: a rollback "
        "script must have the exact file name of the migration it undoes",
    ])
    assert "Traceback" not in result.stdout.str()


def test_missing_rollbacks_directory_is_one_failing_item(tmp_path):
    root = copy_crm(tmp_path, f"rollbacks: {ROLLBACKS}")
    session = SchemaguardSession(command_settings(root / YAML))
    session.load()  # collection only: no server, no build
    (spec,) = provide(session)
    assert (spec.name, spec.needs_database) == (f"rollback[{ROLLBACKS}]", False)
    assert spec.check(session) == (f"project.rollbacks names {ROLLBACKS}, which is not a directory: create it and "
                                   "put <migration file name> rollback scripts there, or remove project.rollbacks")
    assert session.server is None


def test_every_rollback_proven_in_one_walk(pytester, admin_dsn):
    root = copy_crm(pytester.path, f"rollbacks: {ROLLBACKS}")
    write(root, f"{ROLLBACKS}/20250101000000_organizations.sql",
          "drop table public.organizations;\ndrop type public.deal_stage;\ndrop extension btree_gist;\n")
    write(root, f"{ROLLBACKS}/20250102000000_deals.sql",
          "drop table public.deals;\ndrop function public.set_updated_at();\n")
    write(root, f"{ROLLBACKS}/20250103000000_summary.sql",
          "drop function public.organization_deal_total(bigint);\ndrop view public.organizations_summary;\n")
    result = run_pytest(pytester, admin_dsn, "-k", "rollback")
    result.assert_outcomes(passed=3)


def test_unreadable_rollback_script_fails_its_item_and_the_walk_goes_on(tmp_path, admin_dsn):
    from pytest_schemaguard.drift.rollback import walk_rollbacks

    root = copy_crm(tmp_path, f"rollbacks: {ROLLBACKS}")
    (root / ROLLBACKS / "20250102000000_deals.sql").mkdir(parents=True)  # a directory, not a script
    write(root, f"{ROLLBACKS}/20250103000000_summary.sql",
          "drop function public.organization_deal_total(bigint);\ndrop view public.organizations_summary;\n")
    session = SchemaguardSession(command_settings(root / YAML, dsn=admin_dsn))
    session.load()
    try:
        results = walk_rollbacks(session)
    finally:
        session.close()
    script = (root / ROLLBACKS / "20250102000000_deals.sql").resolve()
    assert results == {"20250102000000_deals.sql": f"{script}: cannot be read: Is a directory",
                       "20250103000000_summary.sql": None}
