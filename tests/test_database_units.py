"""The small pieces of database/: masking, owners, signal handling (no server needed)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from pytest_schemaguard.config import command_settings
from pytest_schemaguard.database.owner import Owner, current_owner, database_comment, owner_from_comment
from pytest_schemaguard.database.secret import Secret, mask_dsn
from pytest_schemaguard.database.signals import interrupts_held, terminate_as_interrupt


@pytest.mark.parametrize(("dsn", "shown"), [
    ("postgresql://app:S3cret@db:5432/postgres", "postgresql://app:********@db:5432/postgres"),
    ("postgres://app:S3cret@db/x?sslmode=require", "postgres://app:********@db/x?sslmode=require"),
    ("host=db user=app password=S3cret dbname=x", "host=db user=app password=******** dbname=x"),
    ("host=db password='S3 cret' dbname=x", "host=db password=******** dbname=x"),
    ("postgresql://db/x?user=app&password=S3cret&sslmode=require",
     "postgresql://db/x?user=app&password=********&sslmode=require"),
    ("postgresql://app@db/x", "postgresql://app@db/x"),
])
def test_mask_dsn_hides_every_form_of_password(dsn: str, shown: str) -> None:
    assert mask_dsn(dsn) == shown


def test_secret_connects_with_the_password_but_never_shows_it() -> None:
    dsn = Secret("postgresql://app:S3cret@db/x")
    assert str(dsn) == "postgresql://app:S3cret@db/x" and dsn == "postgresql://app:S3cret@db/x"
    assert "S3cret" not in repr(dsn) and "S3cret" not in f"{dsn!r}"
    settings = command_settings(__import__("pathlib").Path("x.yml"), dsn="postgresql://app:S3cret@db/x",
                                live_dsn="host=live password=S3cret")
    assert "S3cret" not in repr(settings)
    assert settings.dsn == "postgresql://app:S3cret@db/x"


def test_owner_round_trips_through_a_database_comment() -> None:
    owner = current_owner()
    assert owner_from_comment(database_comment(owner)) == owner
    assert owner_from_comment(database_comment(owner.as_kept())) == owner.as_kept()
    assert owner_from_comment("a comment of the user's") is None
    assert not owner.is_gone()


def test_owner_is_gone_only_when_provably_so() -> None:
    me = current_owner()
    assert Owner(me.host, me.pid, "1", me.boot).is_gone()  # same pid, another process (pid reused)
    assert Owner(me.host, 2**22 + 7, me.started, me.boot).is_gone()  # no such pid
    assert not Owner("another-host", 2**22 + 7, "1", "x").is_gone()  # never judged across hosts
    assert Owner(me.host, me.pid, me.started, "another-boot").is_gone()


def test_sigterm_raises_keyboard_interrupt_and_the_old_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), terminate_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler interrupts this at once
    assert signal.getsignal(signal.SIGTERM) == before


def test_interrupts_are_held_until_the_step_is_done() -> None:
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("created")
            steps.append("registered")
        steps.append("not reached")
    assert steps == ["created", "registered"]
    with interrupts_held(reraise=False):  # on the way out: dropped, the run is ending anyway
        os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_step_within_a_step_hands_its_interrupt_to_the_enclosing_one() -> None:
    """A held Ctrl-C inside a nested step was raised as KeyboardInterrupt('signal SIGINT') when the
    inner step ended, in the middle of the outer one, and pytest's line then read
    'KeyboardInterrupt: signal SIGINT'. It now waits for the outer step, then is a plain Ctrl-C."""
    steps = []
    with pytest.raises(KeyboardInterrupt) as raised:
        with interrupts_held():
            with interrupts_held():
                os.kill(os.getpid(), signal.SIGINT)
                steps.append("inner done")
            steps.append("outer done")
        steps.append("not reached")
    assert steps == ["inner done", "outer done"]
    assert str(raised.value) == ""  # Python's own handler: pytest prints a plain KeyboardInterrupt
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
