"""Where the throwaway database lives: a private PostgreSQL we start, or a server the user names.

The private server is pytest-postgresql's ``PostgreSQLExecutor`` (pg_ctl + initdb) and databases
are created and dropped by its ``DatabaseJanitor``. What we add: discovering the binaries in the
order SPEC §2 gives, running the server as an unprivileged user when we are root (PostgreSQL
refuses to run as root, and CI containers are root), and errors that say what was tried.

Everything we create is registered for clean-up before it exists and marked with its owner
(``database/``): Ctrl-C or SIGTERM at any moment is cleaned at once, and what a SIGKILLed run
left is swept by the next run (or ``schemaguard cleanup``).
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
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import port_for
import psycopg
from mirakuru.base import ENV_UUID
from mirakuru.exceptions import ExecutorError, TimeoutExpired
from psycopg import sql
from pytest_postgresql.executors import PostgreSQLExecutor

from ..cache.store import extract_tree
from ..errors import ServerError
from .location import server_base
from .owner import current_owner, database_comment, write_marker
from .pristine import Pristine
from .processes import postmaster_ready, shut_down, stop_server_processes
from .secret import Secret, mask_dsn
from .signals import interrupts_held
from .standins import preload_libraries, server_libdir
from .sweep import SERVER_DIR_PREFIX, drop_database, sweep_databases, sweep_server_dirs

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
SESSION_DBNAME = "schemaguard"  # the session's database on a private server, known before it starts
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

    def conninfo(self, dbname: str | None = None) -> Secret:
        params: dict[str, Any] = dict(self.options)
        params.update(host=self.host, port=self.port, user=self.user, dbname=dbname or self.dbname)
        if self.password:
            params["password"] = self.password
        return Secret(psycopg.conninfo.make_conninfo(**params))

    def display(self) -> str:
        host = self.host if not self.host.startswith("/") else f"[{self.host}]"
        return f"postgresql://{self.user}@{host}:{self.port}/{self.dbname}"

    def psql_command(self) -> str:
        return f"psql -h {self.host} -p {self.port} -U {self.user} -d {self.dbname}"


def scrub(text: str, password: str | None) -> str:
    """Remove a password from a message before it is shown anywhere."""
    return mask_dsn(text, password)


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


def server_account() -> str | None:
    """The account a private server runs as, when not this process's own (part of the cache key:
    a copied cluster belongs to it)."""
    account = _unprivileged_account()
    return account[2] if account else None


def _unprivileged_account() -> tuple[int, int, str] | None:
    """(uid, gid, name) to run PostgreSQL as when we are root; None when we are not root."""
    wanted = os.environ.get("SCHEMAGUARD_PG_USER")
    if wanted:
        return _named_account(wanted)
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
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


def _named_account(name: str) -> tuple[int, int, str] | None:
    """The account SCHEMAGUARD_PG_USER names; a wrong one is an error, never silently replaced."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ServerError(
            f"SCHEMAGUARD_PG_USER is {name!r}, but there is no such account on this machine.\n"
            f"Set it to an existing unprivileged account (e.g. SCHEMAGUARD_PG_USER=postgres), create it "
            f"(`useradd --system {name}`), or unset it to use the first of {', '.join(UNPRIVILEGED_USERS)} "
            "that exists."
        ) from None
    if entry.pw_uid == 0:
        raise ServerError(
            f"SCHEMAGUARD_PG_USER is {name!r}, which is root, and PostgreSQL refuses to run as root.\n"
            "Set it to an unprivileged account (e.g. SCHEMAGUARD_PG_USER=postgres) or unset it."
        )
    if os.geteuid() != 0:
        if entry.pw_uid == os.geteuid():
            return None
        raise ServerError(
            f"SCHEMAGUARD_PG_USER is {name!r}, but only root can run the server as another account "
            f"(this process runs as {pwd.getpwuid(os.geteuid()).pw_name}).\n"
            "Unset SCHEMAGUARD_PG_USER (the server then runs as you), or run as root."
        )
    return entry.pw_uid, entry.pw_gid, name


class UnprivilegedExecutor(PostgreSQLExecutor):
    """PostgreSQLExecutor whose pg_ctl/initdb calls run as another (unprivileged) user.

    Only the places where pytest-postgresql spawns pg_ctl change; the start/stop/initdb
    logic stays the library's.
    """

    def __init__(self, *args: Any, account: tuple[int, int, str] | None, workdir: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._account = account
        self._cwd = workdir  # initdb fails when the current directory is unreadable (e.g. /root)
        self.pristine: Pristine | None = None  # an earlier initdb's cluster to extract instead
        self.initdb_reused = False
        self._launchers: list[subprocess.Popen[bytes]] = []  # ``pg_ctl start -w`` of a ready server

    def init_directory(self) -> None:
        """initdb, or the same cluster from an earlier initdb of this kind (``database.pristine``)."""
        if self._directory_initialised:
            return
        pristine = self.pristine
        if pristine is not None and pristine.restore(Path(self.datadir)):
            self._directory_initialised = self.initdb_reused = True
            return
        super().init_directory()
        if pristine is not None:
            pristine.store(Path(self.datadir))  # before the server first starts: as initdb left it

    @property
    def envvars(self) -> dict[str, str]:
        # mirakuru tags every process it starts with this variable and SIGKILLs the tagged ones at
        # interpreter exit, which killed kept servers. We stop our servers ourselves (PrivateServer.stop,
        # and the sweep for killed runs), so the server is not tagged.
        env = super().envvars
        env.pop(ENV_UUID, None)
        return env

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

    def after_start_check(self) -> bool:
        """Started once the port answers and postmaster.pid says "ready" (the port opens before
        the server accepts sessions): what ``pg_ctl start -w`` waits for, looked at every 10 ms
        instead of its 100."""
        return super().after_start_check() and postmaster_ready(Path(self.datadir))

    def stop(self, sig: int | None = None, exp_sig: int | None = None) -> UnprivilegedExecutor:
        """A fast shutdown (a checkpoint, then exit), waited for every 5 ms; ``pg_ctl stop`` looks
        every 100 ms, most of a warm run's stop. pg_ctl does it when the postmaster cannot be
        signalled from here (another account, without root)."""
        datadir = Path(self.datadir)
        if (datadir / "postmaster.pid").exists() and not shut_down(datadir, timeout=self._timeout):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._run_as([self.executable, "stop", "-D", self.datadir, "-m", "fast"], capture_output=True)
        self.release_launcher(kill=True)
        return self

    def release_launcher(self, *, kill: bool = False) -> None:
        """Forget ``pg_ctl start -w`` (the launcher), so that nothing kills it later.

        It exits by itself once it sees the server ready, which it checks every 100 ms: a ready
        server's launcher is kept aside to be reaped at the next stop instead of waited for. When
        stopping, it is killed instead and the server is stopped by its directory.
        """
        for launcher in self._launchers:
            if launcher.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    launcher.kill()
            launcher.wait()
        self._launchers.clear()
        process = self.process
        if process is not None and process.poll() is None:
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            elif postmaster_ready(Path(self.datadir)):
                self._launchers.append(process)
                self.process = None
                self._endtime = None
                return
            try:
                process.wait(timeout=self._timeout)
            except subprocess.TimeoutExpired:
                raise TimeoutExpired(self, self._timeout) from None
        self._clear_process()

    def __del__(self) -> None:
        # mirakuru and pytest-postgresql kill the server and delete its data directory when the
        # executor is garbage-collected; PrivateServer.stop does that on purpose, and a kept server
        # must survive.
        pass


class PrivateServer:
    """A PostgreSQL cluster in a temporary directory, owned by this process and removed after."""

    def __init__(self, bindir: Path, *, user: str = "postgres", preload: frozenset[str] = frozenset(),
                 reuse_initdb: bool = False) -> None:
        self.bindir = bindir
        self.user = user
        self.preload = preload  # extensions the project creates that need shared_preload_libraries
        self.reuse_initdb = reuse_initdb  # extract an earlier initdb's cluster (database.pristine)
        self.account = _unprivileged_account()
        self.basedir: Path | None = None
        self.executor: UnprivilegedExecutor | None = None
        self.port = 0
        self.copy_seconds = 0.0  # copying a cached cluster in, when started from one
        self.initialised_ahead = False  # initdb ran while pytest collected (database/headstart.py)
        self.initdb_reused = False  # an earlier initdb's cluster was extracted instead (database/pristine.py)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def start(self, *, cached: Path | None = None, take: Callable[[Path], bool] | None = None) -> PrivateServer:
        """Start a new cluster, or with ``cached`` the (stopped) cluster that archive holds (the
        build cache's entries, ``cache.store``), extracted here: the entry is never started.
        ``take(target)`` may put a ready copy there instead (the cache's spare), else says False.
        A server ``prepare``d (and perhaps ``initialise``d) before starts from where that got."""
        try:
            self.prepare()
            assert self.executor is not None and self.basedir is not None
            if cached is not None:
                started = time.perf_counter()
                if take is None or not take(self.basedir / "data"):
                    extract_tree(cached, self.basedir / "data")  # as root, tar keeps the account's ownership
                self.executor._directory_initialised = True  # no initdb: the copy is the cluster
                self.copy_seconds = time.perf_counter() - started
            self.executor.start()  # initdb first, unless ``initialise`` ran
            self.initdb_reused = self.executor.initdb_reused
            self.executor.release_launcher()
        except (ExecutorError, OSError) as exc:
            log = self._log_tail()
            reused = self.executor is not None and self.executor.pristine is not None and self.executor.initdb_reused
            if reused:
                assert self.executor is not None and self.executor.pristine is not None
                self.executor.pristine.discard()  # whatever is wrong with it: the next run runs initdb
            self.stop()
            who = f" as user {self.account[2]}" if self.account else ""
            origin = ("\n(The cluster came from an earlier initdb kept in the cache, now removed: the next run "
                      "runs initdb.)") if reused else ""
            raise ServerError(
                f"Could not start PostgreSQL from {self.bindir}{who}: {exc}\n{log}"
                f"Try --schemaguard-dsn to use a server you already run.{origin}"
            ) from None
        except BaseException:
            # ServerError from initdb, Ctrl-C, SIGTERM: nothing may stay behind. The server runs in
            # its own session, so the terminal's SIGINT does not reach it; stop it here.
            self.stop()
            raise
        return self

    def prepare(self) -> PrivateServer:
        """The server's directory (marked with its owner, handed to the server's account) and its
        executor, once; nothing runs yet. Raises OSError; ``stop`` undoes whatever was made."""
        if self.executor is not None:
            return self
        # The directory exists, is marked with its owner and is ours to remove in one step that
        # no interrupt can split; everything after it (initdb, pg_ctl start) is undone by stop().
        if self.basedir is None:
            with interrupts_held():
                self.basedir = Path(tempfile.mkdtemp(prefix=SERVER_DIR_PREFIX, dir=server_base()))
                write_marker(self.basedir, current_owner())
        # mkdtemp is 0700 and owned by us; hand it to the server's account so it can own
        # the data directory, the socket and the log.
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
            sleep=0.01,  # how often mirakuru looks whether the server is up (default 0.1 s)
            postgres_options=" ".join(["-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
                                       *(f"-c {o}" for o in preload_libraries(
                                           self.preload, server_libdir(self.bindir), SESSION_DBNAME))]),
            account=self.account,
            workdir=str(self.basedir),
        )
        if self.reuse_initdb:
            from ..cache.inputs import server_version

            self.executor.pristine = Pristine([str(self.bindir), server_version(self.bindir), str(self.account),
                                               self.user, "--auth=trust"])
        return self

    def initialise(self) -> None:
        """initdb into the prepared directory, without starting anything: safe on a thread (see
        ``database.headstart``); ``start`` then skips it."""
        assert self.executor is not None, "prepare() first"
        self.executor.init_directory()

    def _log_tail(self) -> str:
        if not self.basedir:
            return ""
        log = self.basedir / "postgresql.log"
        if not log.exists():
            return ""
        lines = log.read_text(errors="replace").splitlines()[-15:]
        return "Server log (last lines):\n" + "\n".join(f"  {line}" for line in lines) + "\n"

    def stop(self) -> None:
        """Stop the server, however far it got, and remove its directory. Safe to call twice."""
        with interrupts_held(reraise=False):
            try:
                if self.executor is not None:
                    executor, self.executor = self.executor, None
                    executor.stop()
            finally:
                if self.basedir is not None:
                    # Whatever pg_ctl could not stop: a half-started server, an initdb cut short.
                    stop_server_processes(self.basedir)
                    shutil.rmtree(self.basedir, ignore_errors=True)
                    self.basedir = None

    @contextmanager
    def stopped(self) -> Iterator[Path]:
        """The data directory, consistent on disk (server stopped cleanly), for copying; the server
        is started again after (not after an interrupt: the run is ending, ``stop`` cleans up)."""
        if self.executor is None or self.basedir is None:
            raise RuntimeError("schemaguard internal error: the private server is not running")
        self.executor.stop()  # pg_ctl stop -m fast: a shutdown checkpoint, then exit
        try:
            yield self.basedir / "data"
        except Exception:
            self._restart()
            raise
        self._restart()

    def _restart(self) -> None:
        assert self.executor is not None
        self.executor.start()
        self.executor.release_launcher()

    def keep(self) -> None:
        """Leave the server running after this process exits, for ``schemaguard cleanup --kept``."""
        if self.basedir is None:
            return
        write_marker(self.basedir, current_owner().as_kept())
        if self.executor is not None:
            self.executor.release_launcher()
            self.executor = None

    def stop_command(self) -> str:
        """A command that stops this (kept) server and removes its directory, for whoever ran us."""
        return f"schemaguard cleanup --kept {self.basedir}"

    def admin_info(self) -> ConnectionInfo:
        return ConnectionInfo(host=self.host, port=self.port, user=self.user, dbname="postgres")


# --------------------------------------------------------------------------- databases


def unique_dbname(prefix: str = "schemaguard") -> str:
    """Unique per session and xdist worker, so parallel runs never share a database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def parse_dsn(dsn: str, *, what: str = "--schemaguard-dsn") -> ConnectionInfo:
    """A ConnectionInfo for the server a DSN names (its database is the maintenance database)."""
    problem = None
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        # Not raised in here: the traceback's locals (pytest -l) would show the exception's text.
        problem = scrub(str(exc), None)
    if problem is not None:
        raise ServerError(f"{what} is not a valid connection string: {problem}")
    password = params.pop("password", None)
    host = str(params.pop("host", "") or os.environ.get("PGHOST", "localhost"))
    raw_port = str(params.pop("port", "") or os.environ.get("PGPORT", 5432))
    if not raw_port.isdigit():
        raise ServerError(f"{what}: port must be a number, found {raw_port!r}")
    port = int(raw_port)
    user = str(params.pop("user", "") or os.environ.get("PGUSER", "postgres"))
    dbname = str(params.pop("dbname", "") or "postgres")
    options = {k: str(v) for k, v in params.items() if v is not None}
    return ConnectionInfo(host=host, port=port, user=user, dbname=dbname,
                          password=str(password) if password else None, options=options)


def check_reachable(info: ConnectionInfo, *, what: str = "--schemaguard-dsn") -> None:
    """Fail fast, and without the password, when the named server cannot be reached."""
    message = None
    try:
        with psycopg.connect(info.conninfo(), connect_timeout=10, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        message = scrub(str(exc).strip(), info.password)
    if message is not None:
        raise ServerError(
            f"Could not connect to {what} {info.display()}:\n  {message}\n"
            "Check host, port, user and password (the password is not shown), and that the server "
            "accepts connections from here."
        )


@dataclass
class ThrowawayDatabase:
    """A database we create and will drop (unless asked to keep it).

    It exists as an object, registered for clean-up, before CREATE DATABASE runs: dropping is
    ``IF EXISTS``, so an interrupt at any point of the creation leaves nothing behind.
    """

    info: ConnectionInfo
    admin: ConnectionInfo
    keep: bool = False
    dropped: bool = False

    def create(self) -> None:
        with psycopg.connect(self.admin.conninfo(), connect_timeout=10, autocommit=True) as conn:
            ident = sql.Identifier(self.info.dbname)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
            # Marked at once: a SIGKILLed run's database is found (and dropped) by the next sweep.
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                ident, sql.Literal(database_comment(current_owner()))))

    def drop(self) -> None:
        if self.dropped:
            return
        with interrupts_held(reraise=False):
            if self.keep:
                self._mark_kept()
            else:
                with psycopg.connect(self.admin.conninfo(), connect_timeout=10, autocommit=True) as conn:
                    drop_database(conn, self.info.dbname)
            self.dropped = True

    def _mark_kept(self) -> None:
        with psycopg.connect(self.admin.conninfo(), connect_timeout=10, autocommit=True) as conn:
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(self.info.dbname), sql.Literal(database_comment(current_owner().as_kept()))))


def _database_info(admin: ConnectionInfo, name: str) -> ConnectionInfo:
    return ConnectionInfo(host=admin.host, port=admin.port, user=admin.user, dbname=name,
                          password=admin.password, options=admin.options)


def create_database(admin: ConnectionInfo, name: str, *,
                    into: list[ThrowawayDatabase] | None = None) -> ThrowawayDatabase:
    """Create a throwaway database; with ``into``, it is registered there before it exists."""
    database = ThrowawayDatabase(info=_database_info(admin, name), admin=admin)
    if into is not None:
        into.append(database)
    problem = None
    try:
        database.create()
    except psycopg.Error as exc:
        problem = scrub(str(exc).strip(), admin.password)
    if problem is not None:
        raise ServerError(
            f"Could not create the throwaway database {name} on {admin.display()}: {problem}\n"
            "The user needs the CREATEDB privilege (or be a superuser)."
        )
    return database


def sweep_leftovers(admin: ConnectionInfo | None) -> list[str]:
    """Remove what killed runs left (server directories; databases on ``admin``'s server)."""
    notes = []
    for found, error in sweep_server_dirs():
        notes.append(error or f"removed {found.path}, left by a run that was killed ({found.owner.describe()})")
    if admin is not None:
        try:
            with psycopg.connect(admin.conninfo(), connect_timeout=10, autocommit=True) as conn:
                swept = sweep_databases(conn)
        except psycopg.Error:
            swept = []  # e.g. no right to read comments: the session's own errors say more
        for database, error in swept:
            notes.append(error or f"dropped database {database.name}, left by a run that was killed "
                                  f"({database.owner.describe()})")
    return notes


@dataclass
class ServerSession:
    """The server and the throwaway database of one pytest session, with their clean-up.

    Filled in step by step by ``open`` so that ``close`` undoes exactly what exists, wherever an
    interrupt stopped the opening.
    """

    keep: bool = False
    private: PrivateServer | None = None
    databases: list[ThrowawayDatabase] = field(default_factory=list)
    admin_info: ConnectionInfo | None = None
    swept: list[str] = field(default_factory=list)  # leftovers of killed runs removed on the way
    # Another xdist worker's private server (see cache/share.py): its database is not ours to drop.
    attached_to: str | None = None

    def open(self, *, dsn: str | None, pg_bin: str | None, cached: Path | None = None, reuse_initdb: bool = False,
             take: Callable[[Path], bool] | None = None, preload: frozenset[str] = frozenset(),
             ahead: Callable[[Path, frozenset[str]], PrivateServer | None] | None = None) -> ServerSession:
        """``cached``: start a private server from the cluster this archive holds (a cached build), whose
        ``schemaguard`` database is then the session's; otherwise that database is created empty.
        ``preload``: libraries the project's extensions need loaded at start (pg_cron).
        ``ahead(bindir, preload)``: a private server prepared (initdb done) while pytest collected,
        if one suits (``database.headstart``); it is started instead of a new one."""
        if dsn:
            admin = parse_dsn(dsn)
            check_reachable(admin)
            self.swept = sweep_leftovers(admin)
            name = unique_dbname()
        else:
            self.swept = sweep_leftovers(None)
            bindir = find_bindir(pg_bin)
            prepared = ahead(bindir, preload) if ahead is not None and cached is None else None
            self.private = prepared or PrivateServer(bindir, preload=preload, reuse_initdb=reuse_initdb)
            self.private.start(cached=cached, take=take)
            admin = self.private.admin_info()
            name = SESSION_DBNAME
        self.admin_info = admin
        if cached is not None and self.private is not None:
            self.databases.append(ThrowawayDatabase(info=_database_info(admin, name), admin=admin))
        else:
            create_database(admin, name, into=self.databases)
        self.databases[0].keep = self.keep
        return self

    def attach(self, info: ConnectionInfo, *, owner: str) -> ServerSession:
        """Use the database another xdist worker built and serves (``owner`` names it); ``close``
        leaves it alone: that worker stops its server once every attached worker is done."""
        self.attached_to = owner
        self.admin_info = _database_info(info, "postgres")
        self.databases.append(ThrowawayDatabase(info=info, admin=self.admin_info, keep=True))
        return self

    @property
    def admin(self) -> ConnectionInfo:
        """Where further throwaway databases can be created."""
        if self.admin_info is None:
            raise RuntimeError("schemaguard internal error: the server session is not open")
        return self.admin_info

    @property
    def database(self) -> ThrowawayDatabase:
        if not self.databases:
            raise RuntimeError("schemaguard internal error: the server session has no database")
        return self.databases[0]

    @property
    def info(self) -> ConnectionInfo:
        return self.database.info

    def close(self) -> None:
        if self.attached_to is not None:
            return
        if self.private is None:
            for database in self.databases:
                database.drop()  # under --schemaguard-keep: kept, and marked kept for the sweep
        elif self.keep and self.databases:
            self.private.keep()
        else:
            self.private.stop()  # its databases go with it

    def keep_lines(self) -> list[str]:
        """What --schemaguard-keep prints: how to connect, and how to stop or drop what was kept."""
        info = self.info
        lines = [f"schemaguard: kept database {info.display()}", f"  connect: {info.psql_command()}"]
        if self.private is not None and self.private.basedir is not None:
            lines.append(f"  stop the server and remove its files when done: {self.private.stop_command()}")
        else:
            lines.append(f"  drop it when done: DROP DATABASE {info.dbname};")
            lines.append("  or: schemaguard cleanup --kept --dsn URL (the URL given to --schemaguard-dsn)")
        return lines


def open_session(*, dsn: str | None, pg_bin: str | None, keep: bool = False) -> ServerSession:
    """Start (or reach) a server and create the session's throwaway database on it."""
    session = ServerSession(keep=keep)
    try:
        return session.open(dsn=dsn, pg_bin=pg_bin)
    except BaseException:
        session.close()
        raise


@contextmanager
def server_session(*, dsn: str | None, pg_bin: str | None, keep: bool = False) -> Iterator[ServerSession]:
    session = open_session(dsn=dsn, pg_bin=pg_bin, keep=keep)
    try:
        yield session
    finally:
        session.close()
