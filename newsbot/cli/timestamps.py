"""The `newsbot parse-time` command: read a timestamp, or each line of a file, as UTC JSON."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from newsbot.cli.output import input_lines
from newsbot.items import iso_utc, parse_iso
from newsbot.text.timestamps import DATE_ORDERS, TimeResult, parse_timestamp


@click.command("parse-time")
@click.argument("text", required=False)
@click.option(
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="Read one timestamp per line from FILE ('-' for standard input) instead of TEXT.",
)
@click.option(
    "--now",
    "now_text",
    metavar="ISO8601",
    help="The fetch time that year-less, time-only and relative forms are placed against "
    "[default: the current time]. Without an offset it is read in --tz.",
)
@click.option(
    "--tz",
    default="Europe/Kyiv",
    show_default=True,
    metavar="ZONE",
    help="The source's IANA time zone, for times written without an offset.",
)
@click.option(
    "--lang",
    type=click.Choice(["uk", "ru", "en"]),
    help="Language of the page: restricts the slow dateparser fallback (the fast path reads all three).",
)
@click.option(
    "--date-order",
    type=click.Choice(DATE_ORDERS),
    default="DMY",
    show_default=True,
    help="Order of all-numeric dates such as 02.04.24.",
)
def parse_time(
    text: str | None,
    file: IO[str] | None,
    now_text: str | None,
    tz: str,
    lang: str | None,
    date_order: str,
) -> None:
    """Print TEXT as JSON: {"raw", "utc", "local", "precision", "approximate"}.

    "utc" ends in Z, "local" carries the source zone's offset, "precision" is one of second,
    minute, hour, day, month, year ("April 9, 2024" is a day, not midnight), "approximate" is
    true for relative forms ("2 години тому"). A text that cannot be read gets an "error" key
    and the command exits 1. With --file, print one object per input line, in order, and exit
    0 even when some lines fail.
    """
    lines = input_lines(text, file)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {tz!r}", param_hint="--tz") from None
    now = _now(now_text, zone)
    languages = [lang] if lang else None
    failed = False
    for line in lines:
        result = parse_timestamp(line, now=now, tz=tz, languages=languages, date_order=date_order)
        failed = failed or not result.ok
        click.echo(_as_json(result))
    if failed and file is None:
        sys.exit(1)


def _now(now_text: str | None, zone: ZoneInfo) -> datetime:
    if now_text is None:
        return datetime.now(UTC)
    try:
        return parse_iso(now_text, naive=zone)
    except ValueError:
        raise click.BadParameter(
            f"{now_text!r} is not ISO 8601 (e.g. 2024-04-10T12:00+03:00)", param_hint="--now"
        ) from None


def _as_json(result: TimeResult) -> str:
    payload: dict[str, object] = {
        "raw": result.raw,
        "utc": iso_utc(result.utc) if result.utc else None,
        "local": result.local.isoformat() if result.local else None,
        "precision": result.precision,
        "approximate": result.approximate,
    }
    if result.error is not None:
        payload["error"] = result.error
    return json.dumps(payload, ensure_ascii=False)
