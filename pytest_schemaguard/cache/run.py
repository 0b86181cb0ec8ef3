"""One session's build through the cache: a hit starts a copy of the cached cluster, a miss builds
and stores, and some sessions are not cached at all (each says why in the summary).

The key's lock is held from lookup to store, so runs that need the same build at once (parallel
CI jobs on one machine) build it once: the others wait, then hit. The xdist workers of one run do
better than hit: the first builds (through the cache or not) and the others use its server
(see share.py).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from ..database.build import BuildResult, build_project
from ..database.server import ConnectionInfo, find_bindir, server_account
from ..errors import ServerError
from ..lint.semantic import LintObserver
from . import outcomes, share, spare
from .inputs import Inputs, build_inputs
from .snapshot import read_snapshot, write_snapshot
from .store import BuildCache, Entry, ago

if TYPE_CHECKING:
    from ..catalog.model import Schema
    from ..project import Project
    from ..session import SchemaguardSession


def refusal(session: SchemaguardSession) -> str | None:
    """Why this session's build is not cached, or None when it is."""
    if session.settings.no_cache and session.run_build_dir is None:
        return "--schemaguard-no-cache"
    if session.settings.dsn:
        return "not used with --schemaguard-dsn"
    if any(type(o) is not LintObserver for o in session.observers):
        # A cached build applies nothing, so an observer would see nothing. Lint's is the exception:
        # what it judged is stored with the entry and restored on a hit (see ``_restore_lint``).
        return "a build observer other than lint watches the migrations while they are applied"
    if session.server is not None:
        return "the server was started before the build"
    return None


def likely_hit(project: Project, bindir: Path) -> bool:
    """Whether a cached build holds these migrations, seeds and settings (lint's part of the key
    is only known once items are collected): then the run most likely starts from it."""
    base = build_inputs(project, bindir=bindir, account=server_account())
    if base is None:
        return False
    wanted = set(base.items)
    return any(wanted <= set(entry.inputs.items) for entry in BuildCache().entries())


def _lint_observers(session: SchemaguardSession) -> list[LintObserver]:
    return [o for o in session.observers if isinstance(o, LintObserver)]


def build_with_cache(session: SchemaguardSession) -> BuildResult:
    assert session.project is not None
    reason = refusal(session)
    inputs = None
    if reason is None:
        inputs = build_inputs(session.project, bindir=find_bindir(session.settings.pg_bin),
                              account=server_account(), lint=_lint_observers(session))
        reason = "a project file cannot be read" if inputs is None else None
    if inputs is None:
        session.cache_status = f"cache not used: {reason}"
        return _build(session)
    run_dir = session.run_build_dir
    if run_dir is None:
        return _through_cache(session, inputs)
    # An xdist worker: the first to get here builds and serves the others (see share.py).
    with share.build_lock(run_dir):
        record = share.published(run_dir, inputs.key)
        if record is not None:
            attached = _attach(session, run_dir, record)
            if attached is not None:
                return attached
        if session.settings.no_cache:
            session.cache_status = "built once for this run's xdist workers (--schemaguard-no-cache: not kept)"
            build = _build(session)
        else:
            build = _through_cache(session, inputs)
        if build.ok and not session.settings.keep:
            _publish(session, run_dir, inputs, build)
        return build


def _through_cache(session: SchemaguardSession, inputs: Inputs) -> BuildResult:
    cache = BuildCache()
    problem = cache.unusable()
    if problem is not None:
        session.cache_status = f"cache not used: {problem}"
        return _build(session)
    with cache.locked(inputs.key):
        entry = cache.lookup(inputs.key)
        if entry is not None:
            hit = _hit(session, cache, entry)
            if hit is not None:
                return hit
        latest = cache.entries()
        change = inputs.first_change(latest[0].inputs) if latest else "no earlier build in the cache"
        session.cache_status = f"cache miss: {change}"
        reused = _settle_lint(session, inputs, latest)
        if reused:
            session.cache_status += (f" (lint reused its findings for the first {reused} migration(s) from a "
                                     "cached build that applied them alike)")
        build = _build(session)
        if build.ok:
            _store(session, cache, inputs, build)
        return build


def _build(session: SchemaguardSession) -> BuildResult:
    session.ensure_server()
    assert session.project is not None and session.conn is not None
    try:
        build = build_project(session.conn, session.project, seeds=session.project.seeds,
                              observers=session.observers, progress=session.progress)
    except KeyboardInterrupt as exc:  # the build names the file and statement it stopped in
        session.interrupted = str(exc) or None
        raise
    if session.conn.broken:  # a statement ended our session (reported as its failure); the database is still there
        session.connect()
    session.timings["build"] = build.seconds
    return build


def _meta(session: SchemaguardSession, build: BuildResult) -> dict[str, Any]:
    """What a later session needs besides the database: the build's report and lint's findings."""
    return {"outcome": outcomes.dump(build), "lint": [o.dump() for o in _lint_observers(session)]}


def _restored(session: SchemaguardSession, meta: dict[str, Any]) -> BuildResult | None:
    """The build as ``meta`` reported it, lint's observers restored; None when it is unreadable."""
    project = session.project
    assert project is not None
    paths = {m.name: m.path for m in project.migrations.migrations} | {s.name: s for s in project.seeds}
    try:
        build = outcomes.load(meta["outcome"], paths)
        _restore_lint(session, meta.get("lint", []))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):  # whatever a damaged meta.json holds
        return None
    return build


def _hit(session: SchemaguardSession, cache: BuildCache, entry: Entry) -> BuildResult | None:
    build = _restored(session, entry.meta)
    if build is None:
        cache.drop(entry)  # unreadable (we hold its key's lock): rebuilt and stored again
        return None
    try:
        server = session.ensure_server(cached=entry.archive, take=lambda target: cache.take_spare(entry, target))
    except ServerError as exc:
        cache.drop(entry)  # whatever is wrong with it (we hold its key's lock), the next run builds afresh
        raise ServerError(f"{exc}\n(The server was started from the cached build {entry.path}, now removed "
                          "from the cache: the next run builds afresh.)") from None
    cache.use(entry)
    _refill(session, cache, entry)
    if not _adopt_snapshot(session, entry.path):
        # Missing (an entry of an earlier version), damaged or another code's: kept anew (we hold
        # the key's lock), so the next hit reads no catalog.
        schema = _snapshot_now(session)
        if schema is not None:
            write_snapshot(entry.path, schema)
    if server.private is not None:  # the copy is part of starting the server: shown apart
        session.timings["cache copy"] = server.private.copy_seconds
        session.timings["server start"] -= server.private.copy_seconds
    session.cache_status = f"cache hit (built {ago(time.time() - entry.built)} ago)"
    session.cache_hit = True
    return build


def _publish(session: SchemaguardSession, run_dir: Path, inputs: Inputs, build: BuildResult) -> None:
    """Let this run's other xdist workers use this session's server (under ``build_lock``)."""
    server = session.server
    if server is None or server.private is None:
        return  # only a private server of this worker's own is served
    schema = session.schema_read or _snapshot_now(session)  # before the copies: it may connect
    databases = _copies_for_other_workers(session)
    if databases is None:
        return  # the others build for themselves, as without sharing
    if schema is not None:
        write_snapshot(run_dir, schema)  # the copies are byte copies: the same catalog
    info = server.info
    record = share.Published(key=inputs.key, host=info.host, port=info.port, user=info.user, databases=databases,
                             worker=os.environ.get("PYTEST_XDIST_WORKER", "?"), meta=_meta(session, build))
    session.serving_hold = share.publish(run_dir, record)
    session.publishing = True


COPY_DATABASE_SETTINGS = """
INSERT INTO pg_db_role_setting (setdatabase, setrole, setconfig)
SELECT (SELECT oid FROM pg_database WHERE datname = %(copy)s), s.setrole, s.setconfig
FROM pg_db_role_setting s
WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = %(built)s)
"""


def _copies_for_other_workers(session: SchemaguardSession) -> dict[str, str] | None:
    """A copy of the built database for every other worker of the run (see share.py), made while
    nothing else is connected to it; None when they could not be made."""
    server = session.server
    assert server is not None
    me = os.environ.get("PYTEST_XDIST_WORKER", "")
    try:
        count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", ""))
    except ValueError:
        return None
    built = server.info.dbname
    databases = {worker: f"{built}_{worker}" for worker in (f"gw{n}" for n in range(count)) if worker != me}
    started = time.perf_counter()
    session.disconnect()  # a template must have no other session
    copies: dict[str, str] | None = databases
    try:
        with psycopg.connect(server.admin.conninfo(), autocommit=True) as admin:
            for name in databases.values():
                admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                              sql.Identifier(built)))
                # A template's own settings (ALTER DATABASE ... SET search_path, the build's and the
                # migrations') are not copied with it; the copy must behave as the built one.
                admin.execute(COPY_DATABASE_SETTINGS, {"copy": name, "built": built})
    except psycopg.Error as exc:
        session.warnings.append(f"xdist: each worker builds for itself: copying the built database failed: {exc}")
        copies = None
    # Not after an interrupt (it propagates past this): the run is ending, its server may be gone.
    session.connect()
    session.timings["xdist copies"] = time.perf_counter() - started
    return copies


def _attach(session: SchemaguardSession, run_dir: Path, record: share.Published) -> BuildResult | None:
    """Use the database another worker of this run built; None when its record cannot be used
    (then this worker builds, its lint observers as they were)."""
    dbname = record.databases.get(os.environ.get("PYTEST_XDIST_WORKER", ""))
    if dbname is None:
        return None  # a worker xdist started later (replacing a crashed one): build here
    build = _restored(session, record.meta)
    if build is None:
        return None
    info = ConnectionInfo(host=record.host, port=record.port, user=record.user, dbname=dbname)
    try:
        session.attach_server(info, owner=record.worker, hold=share.hold_attached(run_dir))
    except psycopg.OperationalError:
        for observer in _lint_observers(session):  # it will watch this worker's own build after all
            observer.restore(LintObserver(observer.targets, observer.exposed).dump())
        return None  # its server is gone after all: build here
    _adopt_snapshot(session, run_dir)
    session.cache_status = f"this run's build, made by another xdist worker ({record.worker}): attached to its server"
    session.cache_hit = True
    return build


def _store(session: SchemaguardSession, cache: BuildCache, inputs: Inputs, build: BuildResult) -> None:
    """Stop the server cleanly (a consistent data directory), copy it into the cache, restart."""
    server = session.server
    assert server is not None and server.private is not None and session.project is not None
    schema = _snapshot_now(session)  # kept with the build: a hit reads no catalog
    started = time.perf_counter()
    session.disconnect()
    problem = None
    try:
        with server.private.stopped() as data:
            entry = cache.store(inputs, data, {**_meta(session, build), "project": str(session.project.root)},
                                beside=None if schema is None else lambda folder: write_snapshot(folder, schema))
        _refill(session, cache, entry)
    except OSError as exc:
        problem = str(exc)
    # Not after an interrupt (it propagates past this): the server is stopped and the run is ending,
    # so reconnecting would only add a connection error to the KeyboardInterrupt.
    session.connect()
    if problem:
        session.warnings.append(f"build cache: could not store this build in {cache.root}: {problem}")
    session.timings["cache store"] = time.perf_counter() - started


def _refill(session: SchemaguardSession, cache: BuildCache, entry: Entry) -> None:
    """Copy the entry for the next hit while this session goes on (see ``store``), if it can use it."""
    if session.cache_refill is None and spare.possible(cache.root):
        session.cache_refill = spare.Refill(cache, entry.key)


def _snapshot_now(session: SchemaguardSession) -> Schema | None:
    """The session's snapshot, read now to be kept; None when the read fails: nothing is kept, and
    the same read fails again, reported as before, on the item that needs the catalog (not here,
    inside the build, where it would stop pytest itself)."""
    if session.conn is None:
        return None
    try:
        return session.read_schema(session.conn)
    except Exception:  # reported where an item reads the catalog (see above)
        return None


def _adopt_snapshot(session: SchemaguardSession, folder: Path) -> bool:
    """Take the snapshot the building session kept in ``folder``, if it can be used (cache/snapshot.py)."""
    started = time.perf_counter()
    schema = read_snapshot(folder)
    if schema is not None:
        session.adopt_schema(schema, time.perf_counter() - started)
    return schema is not None


def _settle_lint(session: SchemaguardSession, inputs: Inputs, entries: list[Entry]) -> int:
    """On a miss, hand each lint observer what an earlier build found in the leading files it applied
    exactly as this build will (``Inputs.settled_with``: e.g. all but the newest file, the one being
    written); returns for how many files. Lint then reads the catalog only around the others."""
    observers = _lint_observers(session)
    scored = [(inputs.settled_with(entry.inputs), entry) for entry in entries] if observers else []
    count, entry = max(scored, key=lambda pair: pair[0], default=(0, None))
    if entry is None or count == 0:
        return 0
    try:
        earlier = _stored_lint(observers, entry.meta.get("lint"))
    except ValueError:
        return 0  # unreadable: this build judges every file itself
    assert session.project is not None
    files = [m.name for m in session.project.migrations.migrations[:count]]
    return max(observer.settle(state, files) for observer, state in zip(observers, earlier, strict=True))


def _restore_lint(session: SchemaguardSession, stored: object) -> None:
    """Each lint observer as it was after watching the cached build (the key holds its targets and
    exposed schemas, so the stored state is the one this run's build would have produced)."""
    observers = _lint_observers(session)
    states = _stored_lint(observers, stored)  # all read before any observer changes: a bad entry leaves them
    for observer, state in zip(observers, states, strict=True):
        observer.restore(state.dump())


def _stored_lint(observers: list[LintObserver], stored: object) -> list[LintObserver]:
    """What each of ``observers`` judged in an entry's build, as observers of their own; ValueError
    when the entry's lint results are malformed or not one per observer."""
    if not isinstance(stored, list) or len(stored) != len(observers):
        raise ValueError("the entry's lint results do not match this run's lint")
    states = [LintObserver(o.targets, o.exposed) for o in observers]
    for state, data in zip(states, stored, strict=True):
        state.restore(data)
    return states
