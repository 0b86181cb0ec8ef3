"""Where the throwaway database lives: a private PostgreSQL we start, or a server the user names.

The private server is pytest-postgresql's ``PostgreSQLExecutor`` (pg_ctl + initdb) and databases
are created and dropped by its ``DatabaseJanitor``. What we add: discovering the binaries in the
order SPEC §2 gives, running the server as an unprivileged user when we are root (PostgreSQL
refuses to run as root, and CI containers are root), and errors that say what was tried.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import port_for
import psycopg
from mirakuru.exceptions import ProcessFinishedWithError, TimeoutExpired
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor

from .errors import ServerError

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
UNPRIVILEGED_USERS = ("postgres", "nobody")
# Well-known install locations, after pg_config and PATH; versioned ones are tried newest first.
BINDIR_PATTERNS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/opt/homebrew/opt/postgresql/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
)


@dataclass(frozen=True)
class ConnectionInfo:
    """How to reach the throwaway database. The password never appears in ``display``."""

    host: str
    port: int
    user: str
    dbname: str
    password: str | None = field(default=None, repr=False)
    options: dict[str, str] = field(default_factory=dict, repr=False)

    def conninfo(self, dbname: str | None = None) -> str:
        params: dict[str, Any] = dict(self.options)
        params.update(host=self.host, port=self.port, user=self.user, dbname=dbname or self.dbname)
        if self.password:
            params["password"] = self.password
        return psycopg.conninfo.make_conninfo(**params)

    def display(self) -> str:
        host = self.host if not self.host.startswith("/") else f"[{self.host}]"
        return f"postgresql://{self.user}@{host}:{self.port}/{self.dbname}"

    def psql_command(self) -> str:
        return f"psql -h {self.host} -p {self.port} -U {self.user} -d {self.dbname}"


def scrub(text: str, password: str | None) -> str:
    """Remove a password from a message before it is shown anywhere."""
    if password:
        text = text.replace(password, "********")
    return re.sub(r"(password\s*=\s*)\S+", r"\1********", text)


# --------------------------------------------------------------------------- binaries


def _has_server_binaries(directory: Path) -> bool:
    return all(os.access(directory / exe, os.X_OK) for exe in SERVER_BINARIES)


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def candidate_bindirs() -> Iterator[tuple[str, Path | None]]:
    """Every place SPEC §2 says to look, in order, as (description, directory or None)."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            yield f"pg_config --bindir ({pg_config}) -> {out}", Path(out)
        except (OSError, subprocess.SubprocessError) as exc:
            yield f"pg_config --bindir ({pg_config}) failed: {exc}", None
    else:
        yield "pg_config --bindir: pg_config not on PATH", None
    on_path = shutil.which("pg_ctl")
    yield f"PATH: {on_path or 'no pg_ctl on PATH'}", Path(on_path).resolve().parent if on_path else None
    for pattern in BINDIR_PATTERNS:
        matches = sorted(glob.glob(pattern), key=_version_key, reverse=True)
        if not matches:
            yield f"{pattern}: nothing there", None
        for match in matches:
            yield match, Path(match)


def find_bindir(explicit: str | None) -> Path:
    """The directory holding initdb, pg_ctl and postgres, or a ServerError listing every place tried."""
    tried: list[str] = []
    if explicit:
        directory = Path(explicit).expanduser()
        if _has_server_binaries(directory):
            return directory
        missing = [exe for exe in SERVER_BINARIES if not os.access(directory / exe, os.X_OK)]
        raise ServerError(
            f"--schemaguard-pg-bin / SCHEMAGUARD_PG_BIN is {directory}, but it lacks {', '.join(missing)}.\n"
            "Point it at the directory that holds initdb, pg_ctl and postgres "
            "(e.g. /usr/lib/postgresql/15/bin)."
        )
    for description, candidate in candidate_bindirs():
        if candidate is not None and _has_server_binaries(candidate):
            return candidate
        if candidate is not None:
            description += " (no initdb/pg_ctl/postgres there)"
        tried.append(description)
    places = "\n".join(f"  - {t}" for t in tried)
    raise ServerError(
        "Could not find the PostgreSQL server binaries (initdb, pg_ctl, postgres).\n"
        f"Looked in:\n{places}\n"
        "Fix it in one of these ways:\n"
        "  - install the server: `apt-get install -y postgresql` (Debian/Ubuntu), "
        "`brew install postgresql@15` (macOS)\n"
        "  - name the directory: --schemaguard-pg-bin DIR or SCHEMAGUARD_PG_BIN=DIR\n"
        "  - use a server you already run: --schemaguard-dsn postgresql://user@host:5432/postgres"
    )


# --------------------------------------------------------------------------- private server


def _unprivileged_account() -> tuple[int, int, str] | None:
    """(uid, gid, name) to run PostgreSQL as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    wanted = os.environ.get("SCHEMAGUARD_PG_USER")
    for name in ([wanted] if wanted else []) + list(UNPRIVILEGED_USERS):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return entry.pw_uid, entry.pw_gid, name
    raise ServerError(
        "Running as root, and PostgreSQL refuses to run as root, but no unprivileged account "
        f"({', '.join(UNPRIVILEGED_USERS)}) exists to run it as.\n"
        "Create one (`useradd --system postgres`), set SCHEMAGUARD_PG_USER to an existing one, "
        "or use --schemaguard-dsn."
    )


class UnprivilegedExecutor(PostgreSQLExecutor):
    """PostgreSQLExecutor whose pg_ctl/initdb calls run as another (unprivileged) user.

    Only the places where pytest-postgresql spawns pg_ctl change; the start/stop/initdb
    logic stays the library's.
    """

    def __init__(self, *args: Any, account: tuple[int, int, str] | None, workdir: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._account = account
        self._cwd = workdir  # initdb fails when the current directory is unreadable (e.g. /root)

    def _demote(self) -> None:
        os.setsid()
        if self._account:
            uid, gid, _ = self._account
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

    @property
    def _popen_kwargs(self) -> dict[str, Any]:
        kwargs = super()._popen_kwargs
        kwargs["preexec_fn"] = self._demote
        return kwargs

    def _run_as(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        if self._account:
            kwargs.update(user=self._account[0], group=self._account[1], extra_groups=[])
        return subprocess.run(command, cwd=self._cwd, timeout=self._timeout, **kwargs)

    def _run_initdb(self, command: list[str]) -> None:
        try:
            result = self._run_as(command, env=self._initdb_env(), capture_output=True)
        except subprocess.TimeoutExpired as exc:
            raise TimeoutExpired(self, self._timeout) from exc
        if result.returncode != 0:
            output = (result.stdout + result.stderr).decode(errors="replace").strip()
            raise ServerError(f"initdb failed (exit {result.returncode}):\n{output}")

    def running(self) -> bool:
        if not os.path.exists(self.datadir):
            return False
        try:
            result = self._run_as([self.executable, "status", "-D", self.datadir], capture_output=True)
        except subprocess.TimeoutExpired:
            return True
        return result.returncode == 0

    def stop(self, sig: int | None = None, exp_sig: int | None = None) -> UnprivilegedExecutor:
        self._run_as([self.executable, "stop", "-D", self.datadir, "-m", "fast"], capture_output=True)
        # pg_ctl (the launcher) has long exited; the server is what we stopped above.
        with contextlib.suppress(ProcessFinishedWithError):
            super(PostgreSQLExecutor, self).stop(sig, exp_sig)
        return self


class PrivateServer:
    """A PostgreSQL cluster in a temporary directory, owned by this process and removed after."""

    def __init__(self, bindir: Path, *, user: str = "postgres") -> None:
        self.bindir = bindir
        self.user = user
        self.account = _unprivileged_account()
        self.basedir: Path | None = None
        self.executor: UnprivilegedExecutor | None = None
        self.port = 0

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def start(self) -> PrivateServer:
        # mkdtemp is 0700 and owned by us; hand it to the server's account so it can own
        # the data directory, the socket and the log.
        self.basedir = Path(tempfile.mkdtemp(prefix="schemaguard-"))
        if self.account:
            os.chown(self.basedir, self.account[0], self.account[1])
        self.port = port_for.select_random()
        self.executor = UnprivilegedExecutor(
            str(self.bindir / "pg_ctl"),
            self.host,
            self.port,
            str(self.basedir / "data"),
            str(self.basedir),
            str(self.basedir / "postgresql.log"),
            "-w",
            "postgres",
            user=self.user,
            timeout=120,
            postgres_options="-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            account=self.account,
            workdir=str(self.basedir),
        )
        try:
            self.executor.start()
        except ServerError:
            self.stop()
            raise
        except (ProcessFinishedWithError, TimeoutExpired, OSError) as exc:
            log = self._log_tail()
            self.stop()
            who = f" as user {self.account[2]}" if self.account else ""
            raise ServerError(
                f"Could not start PostgreSQL from {self.bindir}{who}: {exc}\n{log}"
                "Try --schemaguard-dsn to use a server you already run."
            ) from None
        except BaseException:
            # Ctrl-C during initdb or pg_ctl start: the server runs in its own session, so the
            # terminal's SIGINT does not reach it; stop it and remove its directory here.
            self.stop()
            raise
        return self

    def _log_tail(self) -> str:
        if not self.basedir:
            return ""
        log = self.basedir / "postgresql.log"
        if not log.exists():
            return ""
        lines = log.read_text(errors="replace").splitlines()[-15:]
        return "Server log (last lines):\n" + "\n".join(f"  {line}" for line in lines) + "\n"

    def stop(self) -> None:
        if self.executor is not None:
            try:
                if self.executor.running():
                    self.executor.stop()
            finally:
                self.executor = None
        if self.basedir is not None:
            shutil.rmtree(self.basedir, ignore_errors=True)
            self.basedir = None

    def admin_info(self) -> ConnectionInfo:
        return ConnectionInfo(host=self.host, port=self.port, user=self.user, dbname="postgres")


# --------------------------------------------------------------------------- databases


def unique_dbname(prefix: str = "schemaguard") -> str:
    """Unique per session and xdist worker, so parallel runs never share a database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def parse_dsn(dsn: str, *, what: str = "--schemaguard-dsn") -> ConnectionInfo:
    """A ConnectionInfo for the server a DSN names (its database is the maintenance database)."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise ServerError(f"{what} is not a valid connection string: {scrub(str(exc), None)}") from None
    host = str(params.pop("host", "") or os.environ.get("PGHOST", "localhost"))
    raw_port = str(params.pop("port", "") or os.environ.get("PGPORT", 5432))
    if not raw_port.isdigit():
        raise ServerError(f"{what}: port must be a number, found {raw_port!r}")
    port = int(raw_port)
    user = str(params.pop("user", "") or os.environ.get("PGUSER", "postgres"))
    dbname = str(params.pop("dbname", "") or "postgres")
    password = params.pop("password", None)
    options = {k: str(v) for k, v in params.items() if v is not None}
    return ConnectionInfo(host=host, port=port, user=user, dbname=dbname,
                          password=str(password) if password else None, options=options)


def check_reachable(info: ConnectionInfo, *, what: str = "--schemaguard-dsn") -> None:
    """Fail fast, and without the password, when the named server cannot be reached."""
    try:
        with psycopg.connect(info.conninfo(), connect_timeout=10, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        message = scrub(str(exc).strip(), info.password)
        raise ServerError(
            f"Could not connect to {what} {info.display()}:\n  {message}\n"
            "Check host, port, user and password (the password is not shown), and that the server "
            "accepts connections from here."
        ) from None


@dataclass
class ThrowawayDatabase:
    """A database we created and will drop (unless asked to keep it)."""

    info: ConnectionInfo
    janitor: DatabaseJanitor
    keep: bool = False

    def drop(self) -> None:
        if not self.keep:
            self.janitor.drop()


def create_database(admin: ConnectionInfo, name: str) -> ThrowawayDatabase:
    janitor = DatabaseJanitor(
        user=admin.user,
        host=admin.host,
        port=admin.port,
        dbname=name,
        maintenance_dbname=admin.dbname,
        password=admin.password,
        connection_timeout=10,
    )
    try:
        janitor.init()
    except psycopg.Error as exc:
        raise ServerError(
            f"Could not create the throwaway database {name} on {admin.display()}: "
            f"{scrub(str(exc).strip(), admin.password)}\n"
            "The user needs the CREATEDB privilege (or be a superuser)."
        ) from None
    info = ConnectionInfo(host=admin.host, port=admin.port, user=admin.user, dbname=name,
                          password=admin.password, options=admin.options)
    return ThrowawayDatabase(info=info, janitor=janitor)


@dataclass
class ServerSession:
    """The server and the throwaway database of one pytest session, with their clean-up."""

    database: ThrowawayDatabase
    admin: ConnectionInfo  # where further throwaway databases can be created
    private: PrivateServer | None = None

    @property
    def info(self) -> ConnectionInfo:
        return self.database.info

    def close(self) -> None:
        try:
            self.database.drop()
        finally:
            if self.private is not None and not self.database.keep:
                self.private.stop()


def open_session(*, dsn: str | None, pg_bin: str | None, keep: bool = False) -> ServerSession:
    """Start (or reach) a server and create the session's throwaway database on it."""
    if dsn:
        admin = parse_dsn(dsn)
        check_reachable(admin)
        database = create_database(admin, unique_dbname())
        database.keep = keep
        return ServerSession(database=database, admin=admin)
    server = PrivateServer(find_bindir(pg_bin)).start()
    try:
        database = create_database(server.admin_info(), "schemaguard")
    except BaseException:
        server.stop()
        raise
    database.keep = keep
    return ServerSession(database=database, admin=server.admin_info(), private=server)


@contextmanager
def server_session(*, dsn: str | None, pg_bin: str | None, keep: bool = False) -> Iterator[ServerSession]:
    session = open_session(dsn=dsn, pg_bin=pg_bin, keep=keep)
    try:
        yield session
    finally:
        session.close()
