"""Items <-> JSON bytes for the Redis item queue: exact round trip, raw page bytes as base64."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from newsbot.items import Article, NaiveTimeError, NotModified, QuarantinedPage, parse_iso

FORMAT_VERSION = 1
ITEM_KINDS: dict[str, type] = {
    "article": Article,
    "quarantined": QuarantinedPage,
    "not_modified": NotModified,
}
KIND_OF = {cls: kind for kind, cls in ITEM_KINDS.items()}


class CodecError(ValueError):
    """A message that is not a newsbot queue message; the text says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Message:
    """One decoded queue message: an item, or a run event, plus what the worker said about it."""

    kind: str  # "article", "quarantined", or a run event: "run_start", "run_finish"
    run: str | None = None  # the worker run that sent it
    item: Article | QuarantinedPage | NotModified | None = None
    data: dict[str, Any] = field(default_factory=dict)  # run events: spider, args, stats, ...


@dataclass(frozen=True, slots=True)
class Decoded:
    """The result of decoding one message: `message`, or `error` saying why it could not be read."""

    message: Message | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.message is not None


def encode_item(item: Article | QuarantinedPage | NotModified, *, run: str | None = None) -> bytes:
    """Encode an Article, QuarantinedPage or NotModified as one queue message (UTF-8 JSON)."""
    kind = KIND_OF.get(type(item))
    if kind is None:
        raise TypeError(f"only crawl items go on the queue, not {type(item).__name__}")
    return _dump({"v": FORMAT_VERSION, "kind": kind, "run": run, "item": _to_json(item)})


def encode_event(kind: str, *, run: str, data: dict[str, Any]) -> bytes:
    """Encode a run event (`run_start`, `run_finish`) with JSON-ready `data`."""
    return _dump({"v": FORMAT_VERSION, "kind": kind, "run": run, "data": data}, default=str)


def decode_message(raw: bytes | str) -> Decoded:
    """Decode one queue message; bad input gives a Decoded with the reason, never an exception."""
    try:
        envelope = json.loads(raw)
        if not isinstance(envelope, dict):
            raise CodecError("not a JSON object")
        if envelope.get("v") != FORMAT_VERSION:
            raise CodecError(f"unknown message format {envelope.get('v')!r} (this newsbot reads 1)")
        kind = envelope.get("kind")
        run = envelope.get("run")
        if run is not None and not isinstance(run, str):
            raise CodecError("run must be a string")
        if kind in ITEM_KINDS:
            item = _from_json(ITEM_KINDS[kind], envelope.get("item"), "item")
            return Decoded(Message(kind, run, item=item))
        if kind in ("run_start", "run_finish"):
            data = envelope.get("data")
            if not isinstance(data, dict) or run is None:
                raise CodecError(f"{kind} needs a run and a data object")
            return Decoded(Message(kind, run, data=data))
        raise CodecError(f"unknown message kind {kind!r}")
    except (CodecError, ValueError, TypeError, RecursionError) as error:
        # json.JSONDecodeError and UnicodeDecodeError are ValueErrors too; a message nested past
        # the recursion limit is a RecursionError (it wedged `archive ingest` for good).
        if isinstance(error, CodecError):
            reason = str(error)
        elif isinstance(error, RecursionError):
            reason = "RecursionError: nested too deep to decode"
        else:
            reason = f"{type(error).__name__}: {str(error)[:200]}"
        return Decoded(error=reason)


def _dump(envelope: dict[str, Any], default: Any = None) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=default).encode("utf-8")


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetimes are not allowed in items (every time is aware)")
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_json(hint: Any, value: Any, where: str) -> Any:
    """Rebuild a value of type `hint` from its JSON form; raise CodecError naming the bad field."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _from_json(inner, value, where)
    # Hints are classes (ITEM_KINDS, get_type_hints), never dataclass instances; the isinstance
    # check says so to the type checker.
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise CodecError(f"{where}: expected an object")
        hints = _hints(hint)
        names = {f.name for f in dataclasses.fields(hint)}
        unknown = sorted(set(value) - names)
        if unknown:
            raise CodecError(f"{where}: unknown field {unknown[0]!r}")
        return hint(**{name: _from_json(hints[name], v, f"{where}.{name}") for name, v in value.items()})
    if origin is list:
        if not isinstance(value, list):
            raise CodecError(f"{where}: expected a list")
        (inner,) = typing.get_args(hint)
        return [_from_json(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise CodecError(f"{where}: expected an object")
        _, inner = typing.get_args(hint)
        return {k: _from_json(inner, v, f"{where}.{k}") for k, v in value.items()}
    if hint is datetime:
        if not isinstance(value, str):
            raise CodecError(f"{where}: expected an ISO 8601 time")
        try:
            return parse_iso(value, naive=None)
        except NaiveTimeError:
            raise CodecError(f"{where}: time without a UTC offset") from None
    if hint is bytes:
        if not isinstance(value, str):
            raise CodecError(f"{where}: expected base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as error:
            raise CodecError(f"{where}: bad base64 ({error})") from None
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (str, int, float, bool) and type(value) is not hint:
        raise CodecError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
    return value
