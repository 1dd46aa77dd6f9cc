"""The `newsbot detect-lang` command: print the language of a text, or of each line of a file."""

from __future__ import annotations

import json
from typing import IO

import click

from newsbot import settings as defaults
from newsbot.cli.output import input_lines
from newsbot.text.language import LangResult, detect_language, normalize_candidates


@click.command("detect-lang")
@click.argument("text", required=False)
@click.option(
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="Read one text per line from FILE ('-' for standard input) instead of TEXT.",
)
@click.option(
    "--candidates",
    default=",".join(defaults.NEWSBOT_LANGUAGE_CANDIDATES),
    show_default=True,
    help="Comma-separated ISO 639-1 codes the detector chooses among.",
)
def detect_lang(text: str | None, file: IO[str] | None, candidates: str) -> None:
    """Print the language of TEXT as JSON: {"lang", "confidence", "method"}.

    With --file, print one such JSON object per input line, in order. "und" means the text
    could not be told (no letters, too short, no candidate writes its script); a "reason" key
    then says why.
    """
    lines = input_lines(text, file)
    codes = normalize_candidates(candidates)
    if isinstance(codes, str):
        raise click.BadParameter(codes, param_hint="--candidates")
    for line in lines:
        click.echo(_as_json(detect_language(line, candidates=codes)))


def _as_json(result: LangResult) -> str:
    payload: dict[str, object] = {
        "lang": result.lang,
        "confidence": result.confidence,
        "method": result.method,
    }
    if result.reason is not None:
        payload["reason"] = result.reason
    return json.dumps(payload, ensure_ascii=False)
