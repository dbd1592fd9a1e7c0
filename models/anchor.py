"""Checkpoints of the audit trail's head outside the database: the anchor file.

After every commit that wrote audit events, the committing process appends one line with
the trail's head at that moment:

    v1 <seq> <hash> <UTC time of writing, ISO 8601>

``seq`` is the position of the last event the commit wrote and ``hash`` its HMAC
(models.audit). Each process appends its own line (O_APPEND, one write per line), so
lines of concurrent processes may come out of order; every line is a point that
verification checks on its own: the event with that ``seq`` must exist and have that
``hash``. Deleting events at the end, or all of them, or recomputing the chain, breaks
an anchored point. The file holds no personal data; it is created 0600 in the data dir
(``RECHTENLOKET_AUDIT_ANCHOR_FILE`` puts it elsewhere, for example on append-only storage).
"""
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models import private

VERSION = "v1"
_LINE = re.compile(r"^v1 (?P<seq>[1-9][0-9]*) (?P<hash>[0-9a-f]{64}) (?P<at>\S+)$")


class AnchorUnreadable(ValueError):
    pass


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    source: str  # where exactly, for messages: "<file> regel 12"
    origin: str = ""  # which anchor store: the file's path, or the Prefect artifact


def anchor_file() -> Path:
    from models.settings import get_settings

    return get_settings().effective_audit_anchor_file


def append(seq: int, hash_: str, path: Path | None = None) -> None:
    line = f"{VERSION} {seq} {hash_} {datetime.now(UTC).isoformat(timespec='seconds')}\n"
    fd = private.open_for_append(path or anchor_file())
    try:
        os.write(fd, line.encode("ascii"))
    finally:
        os.close(fd)


def read(path: Path | None = None) -> list[Anchor]:
    """Every anchored point in the file (none if the file does not exist). A malformed
    last line without its newline is a write cut off by a crash, and is skipped."""
    path = path or anchor_file()
    if not path.exists():
        return []
    text = path.read_text(encoding="ascii", errors="replace")
    lines = text.split("\n")
    complete, tail = lines[:-1], lines[-1]
    anchors = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise AnchorUnreadable(f"{path} regel {number} is geen anker (verwacht: v1 <volgnummer> <hash> <tijd>)")
        anchors.append(Anchor(int(match["seq"]), match["hash"], f"{path} regel {number}", str(path)))
    match = _LINE.match(tail)
    if match is not None:
        anchors.append(Anchor(int(match["seq"]), match["hash"], f"{path} regel {len(lines)}", str(path)))
    return anchors
