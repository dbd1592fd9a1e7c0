"""Searching stored bytes for planted values *after decoding*: Prefect keeps results and
states as JSON, often with a base64-encoded (cloud)pickle inside, sometimes compressed."""
import base64
import binascii
import gzip
import json
import pickle
import re
import zlib
from typing import Iterator

_B64 = re.compile(rb"[A-Za-z0-9+/_-]{24,}={0,2}")
_MAX_DEPTH = 4


def _unpickled(data: bytes) -> bytes | None:
    if not data.startswith(b"\x80"):
        return None
    try:
        import cloudpickle  # noqa: F401  (registers nothing; pickle.loads handles its output)

        obj = pickle.loads(data)  # noqa: S301 - test data of our own making, in a sandbox
    except Exception:  # noqa: BLE001 - not a pickle we can load: its raw bytes are searched anyway
        return None
    parts = [repr(obj)]
    for attr in ("args", "__dict__"):
        parts.append(repr(getattr(obj, attr, "")))
    return " ".join(parts).encode("utf-8", "replace")


def _decompressed(data: bytes) -> bytes | None:
    for fn in (gzip.decompress, zlib.decompress):
        try:
            return fn(data)
        except Exception:  # noqa: BLE001
            continue
    return None


def _json_strings(data: bytes) -> Iterator[bytes]:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item.encode("utf-8")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def decoded(blob: bytes, depth: int = 0) -> Iterator[bytes]:
    """``blob`` itself, and everything that decodes out of it: base64 runs, JSON strings
    (which undo \\u escapes), pickles, gzip/zlib streams, recursively."""
    yield blob
    if depth >= _MAX_DEPTH:
        return
    for text in _json_strings(blob):
        if text != blob:
            yield from decoded(text, depth + 1)
    for match in _B64.finditer(blob):
        run = match.group(0)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(run + b"=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            for inner in (raw, _unpickled(raw), _decompressed(raw)):
                if inner:
                    yield from decoded(inner, depth + 1)
            break
    for inner in (_unpickled(blob), _decompressed(blob)):
        if inner:
            yield from decoded(inner, depth + 1)


def found(secret: str, blobs: list[bytes]) -> bool:
    needle = secret.encode("utf-8")
    return any(needle in piece for blob in blobs for piece in decoded(blob))
