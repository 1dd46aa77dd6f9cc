"""`newsbot worker`: mistakes are caught before crawling, each with a one-line error."""

from __future__ import annotations

from click.testing import CliRunner

from newsbot.cli.worker import worker
from tests.support.redis_server import free_port

NOWHERE = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


def run(*args: str):
    return CliRunner().invoke(worker, list(args))


def test_unknown_spider() -> None:
    result = run("nosuch", "--redis", NOWHERE)
    assert result.exit_code == 1
    assert result.output == "Error: no spider named 'nosuch'\n"


def test_bad_spider_argument() -> None:
    result = run("unn", "--redis", NOWHERE, "-a", "lang=xx")
    assert result.exit_code == 1
    assert result.output == "Error: lang must be uk, en, ru or all (got 'xx')\n"


def test_argument_without_a_value() -> None:
    result = run("unn", "--redis", NOWHERE, "-a", "lang")
    assert result.exit_code == 2
    assert "'lang' is not NAME=VALUE" in result.output


def test_unreachable_redis() -> None:
    result = run("unn", "--redis", NOWHERE)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach Redis at {NOWHERE}: ")
    assert result.output.count("\n") == 1


def test_password_stays_out_of_the_error() -> None:
    result = run("unn", "--redis", NOWHERE.replace("127.0.0.1", ":s3cret@127.0.0.1"))
    assert result.exit_code == 1
    assert "s3cret" not in result.output
