"""The protocol by which xdist workers of one run share one build (cache/share.py): a record only
for the same inputs, withdrawn before the publisher stops, and a publisher that waits until every
attached worker let go. Real files and real flock, in threads and a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from pytest_schemaguard.cache import share


def record(key: str = "k1") -> share.Published:
    return share.Published(key=key, host="127.0.0.1", port=5999, user="postgres",
                           databases={"gw1": "schemaguard_gw1"}, worker="gw0",
                           meta={"outcome": {"migrations": []}, "lint": []})


def test_a_record_is_found_only_for_the_same_inputs(tmp_path: Path) -> None:
    assert share.published(tmp_path, "k1") is None
    with share.publish(tmp_path, record()):
        assert share.published(tmp_path, "k1") == record()
        assert share.published(tmp_path, "k2") is None  # other inputs: build, do not attach
        share.withdraw(tmp_path)
        assert share.published(tmp_path, "k1") is None
    assert [p.name for p in tmp_path.iterdir()] == [f"serving.{os.getpid()}.lock"]  # nothing half-written


def test_a_record_whose_publisher_was_killed_is_stale(tmp_path: Path) -> None:
    # A SIGKILLed publisher leaves its server running; until xdist reaps it its pid looks alive.
    # Attaching would use a server nobody stops: the next worker must build instead.
    code = ("import sys, time\nfrom pathlib import Path\nfrom pytest_schemaguard.cache import share\n"
            "from tests.test_xdist_share import record\nh = share.publish(Path(sys.argv[1]), record())\n"
            "print('published', flush=True)\ntime.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).parent.parent)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "published"
        assert share.published(tmp_path, "k1") == record()  # its publisher serves it
        child.kill()
        time.sleep(0.2)  # killed, not reaped: a zombie with the same pid and start time
        assert share.published(tmp_path, "k1") is None
    finally:
        child.kill()
        child.wait()


def test_an_unreadable_record_is_none(tmp_path: Path) -> None:
    for text in ("", "{", "[]", '{"key": "k1"}', '{"key": "k1", "host": "h", "port": "x", "user": "u", '
                 '"databases": {}, "worker": "gw0", "meta": {}}', '{"key": "k1", "host": "h", "port": 1, '
                 '"user": "u", "databases": [], "worker": "gw0", "meta": {}}'):
        (tmp_path / share.RECORD).write_text(text)
        assert share.published(tmp_path, "k1") is None, text


def test_the_publisher_waits_for_every_attached_worker(tmp_path: Path) -> None:
    serving = share.publish(tmp_path, record())
    holds = [share.hold_attached(tmp_path), share.hold_attached(tmp_path)]
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (share.wait_until_detached(tmp_path, poll=0.01), done.set()))
    waiter.start()
    time.sleep(0.2)
    assert share.published(tmp_path, "k1") is None  # withdrawn first: nobody attaches any more
    assert not done.is_set()
    holds[0].close()
    time.sleep(0.2)
    assert not done.is_set()  # one attached worker still uses the server
    holds[1].close()
    waiter.join(timeout=5)
    assert done.is_set()
    serving.close()


def test_a_killed_attached_worker_does_not_block_the_publisher(tmp_path: Path) -> None:
    code = ("import sys, time\nfrom pathlib import Path\nfrom pytest_schemaguard.cache import share\n"
            "h = share.hold_attached(Path(sys.argv[1]))\nprint('held', flush=True)\ntime.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        child.kill()
        child.wait(timeout=10)
        started = time.perf_counter()
        share.wait_until_detached(tmp_path, poll=0.01)
        assert time.perf_counter() - started < 5
    finally:
        child.kill()
        child.wait()


def test_the_build_lock_lets_one_worker_decide_at_a_time(tmp_path: Path) -> None:
    inside: list[int] = []
    overlap: list[bool] = []

    def worker(n: int) -> None:
        with share.build_lock(tmp_path):
            inside.append(n)
            overlap.append(len(inside) > 1)
            time.sleep(0.05)
            inside.remove(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert overlap == [False] * 4


def test_an_interrupted_publisher_waits_only_a_little(tmp_path: Path) -> None:
    with share.publish(tmp_path, record()):
        hold = share.hold_attached(tmp_path)
        started = time.perf_counter()
        assert share.wait_until_detached(tmp_path, poll=0.01, limit=0.3) is False
        assert 0.3 <= time.perf_counter() - started < 3
        hold.close()
        assert share.wait_until_detached(tmp_path, poll=0.01, limit=0.3) is True
