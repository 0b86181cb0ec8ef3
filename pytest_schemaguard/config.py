"""Options: one table declares them, one frozen object holds their values for the session.

Precedence is command line, then environment variable, then ini (``[tool.pytest.ini_options]``),
then the default, for every option alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .locate import EXPECTATIONS_NAME, find_upward

if TYPE_CHECKING:  # the schemaguard command (and its pre-commit hooks) runs without importing pytest
    import pytest

from .database.secret import Secret, secret
from .database.timeouts import check_duration


@dataclass(frozen=True)
class OptionSpec:
    name: str  # command-line flag without dashes; the ini key is the same with '-' -> '_'
    help: str
    flag: bool = False
    env: str | None = None
    metavar: str | None = None

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("schemaguard", "build the database from the migrations and check schema_expectations.yml",
               flag=True),
    OptionSpec("schemaguard-file", "expectations file (default: schema_expectations.yml in rootdir, else "
               "the nearest one at or above the current directory)",
               metavar="PATH"),
    OptionSpec("schemaguard-dsn", "use this existing server: a uniquely named throwaway database is "
               "created there and dropped afterwards", env="SCHEMAGUARD_DSN", metavar="URL"),
    OptionSpec("schemaguard-pg-bin", "directory holding initdb/pg_ctl/postgres (default: discovered)",
               env="SCHEMAGUARD_PG_BIN", metavar="DIR"),
    OptionSpec("schemaguard-live-dsn", "a real database to compare against (read-only)",
               env="SCHEMAGUARD_LIVE_DSN", metavar="URL"),
    OptionSpec("schemaguard-base", "pre-merge mode: git ref whose migrations are already applied",
               metavar="REF"),
    OptionSpec("schemaguard-update", "rewrite snapshot and lock files instead of failing on them", flag=True),
    OptionSpec("schemaguard-keep", "keep the built database and print how to connect to it", flag=True),
    OptionSpec("schemaguard-no-cache", "build afresh and leave the build cache alone (by default a build is "
               "reused when every input is identical: see docs/run.md, Build cache)", flag=True,
               env="SCHEMAGUARD_NO_CACHE"),
    OptionSpec("schemaguard-statement-timeout", "longest any one migration or seed statement may run, as "
               "PostgreSQL duration text (30s, 5min; 0 = no limit); overrides project.statement_timeout "
               "(default 5min)", env="SCHEMAGUARD_STATEMENT_TIMEOUT", metavar="DURATION"),
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("schemaguard", "schema checks built from your migrations")
    for spec in OPTIONS:
        if spec.flag:
            group.addoption(f"--{spec.name}", action="store_true", default=None, dest=spec.dest, help=spec.help)
            parser.addini(spec.dest, spec.help, type="bool", default=False)
        else:
            group.addoption(f"--{spec.name}", default=None, dest=spec.dest, metavar=spec.metavar,
                            help=spec.help + (f" [env {spec.env}]" if spec.env else ""))
            parser.addini(spec.dest, spec.help, default=None)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _value(config: pytest.Config, spec: OptionSpec) -> Any:
    value = config.getoption(spec.dest)
    if value is not None:
        return value
    if spec.env and os.environ.get(spec.env):
        if spec.flag:  # SCHEMAGUARD_NO_CACHE=0 means off, not a non-empty (true) string
            return env_flag(spec.env)
        return os.environ[spec.env]
    return config.getini(spec.dest)


@dataclass(frozen=True)
class Settings:
    """The session's options. DSNs are ``Secret``: their repr (``-l``, INTERNALERROR) hides passwords."""

    enabled: bool
    rootdir: Path
    file: Path
    dsn: Secret | None
    pg_bin: str | None
    live_dsn: Secret | None
    base: str | None
    update: bool
    keep: bool
    no_cache: bool
    statement_timeout: str | None = None  # None: project.statement_timeout, else its default
    base_option: str = "--schemaguard-base"  # how the user spelled the base option, for messages


def get_settings(config: pytest.Config) -> Settings:
    values = {spec.dest: _value(config, spec) for spec in OPTIONS}
    rootdir = Path(config.rootpath)
    file = Path(values["schemaguard_file"] or EXPECTATIONS_NAME)
    invocation = Path(config.invocation_params.dir)
    if not values["schemaguard_file"] and not (rootdir / file).is_file():
        # Started below the project (e.g. in supabase/) without an ini file, so rootdir is there too.
        file = find_upward(invocation) or file
    if not file.is_absolute():
        # A path given on the command line is relative to where pytest was started, like every
        # other pytest path; the default and the ini value are relative to rootdir.
        from_cli = config.getoption("schemaguard_file") is not None
        file = (invocation if from_cli else rootdir) / file
    return Settings(
        enabled=bool(values["schemaguard"]),
        rootdir=rootdir,
        file=file.resolve(),
        dsn=secret(values["schemaguard_dsn"] or None),
        pg_bin=values["schemaguard_pg_bin"] or None,
        live_dsn=secret(values["schemaguard_live_dsn"] or None),
        base=values["schemaguard_base"] or None,
        update=bool(values["schemaguard_update"]),
        keep=bool(values["schemaguard_keep"]),
        no_cache=bool(values["schemaguard_no_cache"]),
        statement_timeout=_duration(values["schemaguard_statement_timeout"], "--schemaguard-statement-timeout"),
    )


def _duration(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return check_duration(value)
    except ValueError as exc:
        import pytest  # only the plugin gets here; the command's config.py stays free of pytest

        raise pytest.UsageError(f"{name} {exc}") from None


def command_settings(
    file: Path,
    *,
    dsn: str | None = None,
    pg_bin: str | None = None,
    live_dsn: str | None = None,
    base: str | None = None,
    update: bool = False,
    keep: bool = False,
    statement_timeout: str | None = None,
    base_option: str = "--schemaguard-base",
) -> Settings:
    """Settings for the ``schemaguard`` command: the same session, without pytest."""
    file = file.resolve()
    no_cache = env_flag("SCHEMAGUARD_NO_CACHE")  # the plugin's flag has no CLI spelling; its variable counts
    return Settings(enabled=True, rootdir=file.parent, file=file, dsn=secret(dsn), pg_bin=pg_bin,
                    live_dsn=secret(live_dsn), base=base, update=update, keep=keep, no_cache=no_cache,
                    statement_timeout=statement_timeout,
                    base_option=base_option)
