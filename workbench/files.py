"""Writing files safely: a complete new file or the old one, never half of either, and never anything but a
regular file replaced."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from types import ModuleType

from .errors import WorkbenchError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on POSIX: stale files are told by their age alone
    fcntl = None


def writable_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to `path` should replace: a symlink is followed to its target (the link stays); anything
    that exists and is not a regular file (a device such as /dev/null, a FIFO, a socket, a folder) is refused."""
    if str(path).strip() == "":
        raise WorkbenchError("no output file given")
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:  # a symlink loop, a path through a file, permissions
        raise WorkbenchError(f"{path}: cannot be written ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a device or a pipe, not a regular file"
        raise WorkbenchError(f"{path} is {kind}; refusing to replace it (name a regular file)")
    return target


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file beside the target, fsync, then rename over it: never a half-written file.

    The new file keeps the old one's permissions, or gets the usual ones for a new file (0666 less the umask).
    """
    target = writable_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    remove_stale_temps(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        _hold(fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


STALE_AFTER = 600.0  # seconds: a temporary file untouched this long, whose writer is gone, was left by a kill
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # what tempfile.mkstemp makes for atomic_write: .NAME.xxxxxxxx.tmp


def remove_stale_temps(folder: str | os.PathLike[str], older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files (`.NAME.xxxxxxxx.tmp`) that a killed `atomic_write` left in `folder`; returns
    them. Only regular files untouched for `older_than` seconds are candidates, and never one whose writer is
    alive: every write holds an exclusive lock on its temporary file (released by the system when the process
    dies), and a file that is still locked is left alone. Never fails: a sweep is a courtesy."""
    removed: list[Path] = []
    cutoff = time.time() - older_than
    try:
        names = [n for n in os.listdir(folder) if _TEMP.match(n)]
    except OSError:
        return removed
    for name in names:
        path = Path(folder) / name
        try:
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime <= cutoff and _unlink_if_unheld(path):
                removed.append(path)
        except OSError:
            continue
    return removed


def _hold(fd: int) -> None:
    """Lock a temporary file while it is written, so that no sweep takes it for a leftover."""
    if fcntl is not None:
        with suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlink_if_unheld(path: Path) -> bool:
    """Remove `path` unless another process holds its lock (a write in progress)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
        os.unlink(path)
        return True
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a power cut after it keeps the new file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
