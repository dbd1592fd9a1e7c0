"""Files and folders that hold personal data, keys or the audit anchors: owner only.

The data dir is 0700 and every file we create in it is 0600 from its first byte (created
with that mode, never chmod-ed afterwards), whatever the umask. SQLite creates its -wal and
-shm files with the mode of the database file, so creating that file 0600 covers them too.
"""
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700 for the folder itself."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def create_file(path: Path) -> bool:
    """Create an empty file with mode 0600 if it does not exist. True if created."""
    ensure_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def open_for_append(path: Path) -> int:
    """A file descriptor for appending; the file is created 0600 when missing."""
    ensure_dir(path.parent)
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)


def tighten(path: Path) -> None:
    """Remove group and other access from an existing file or folder (``init`` on an
    installation made before this rule)."""
    if not path.exists():
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    wanted = mode & (DIR_MODE if path.is_dir() else FILE_MODE)
    if wanted != mode:
        os.chmod(path, wanted)
