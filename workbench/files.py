"""Writing files safely: a complete new file or the old one, never half of either, and never anything but a
regular file replaced."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import WorkbenchError


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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
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
