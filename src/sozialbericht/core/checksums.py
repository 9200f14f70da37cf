"""Content checksums of input files, cached by file identity.

The workflow decides on content, not on time stamps alone: a file restored from a backup with an
old time stamp, or replaced by a damaged copy, changes its checksum and so the parameters of the
jobs that read it, which Snakemake reruns. Hashing 25 MB of national files takes about a tenth of a
second; the cache (keyed by size, modification and change time and inode) makes a start with
unchanged files cost only a stat per file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class ChecksumCache:
    """``cache[path]`` → SHA-256 of the file; ``save()`` writes the cache back."""

    def __init__(self, store: str | Path):
        self.store = Path(store)
        try:
            self.entries = json.loads(self.store.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.entries = {}
        self.changed = False

    def __getitem__(self, path: str | Path) -> str:
        p = str(path)
        st = os.stat(p)
        key = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        hit = self.entries.get(p)
        if hit and hit[0] == key:
            return hit[1]
        digest = sha256(p)
        self.entries[p] = [key, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        if self.changed:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.store.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(self.entries, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.store)
            self.changed = False


def tree_checksum(paths: list[str | Path], cache: ChecksumCache | None = None, root: str | Path | None = None) -> str:
    """One checksum over the names and contents of many files (sorted). With ``root`` the names are
    taken relative to it, so that the checksum does not depend on where the project lies."""

    def name(p: str) -> str:
        inside = root is not None and os.path.isabs(p) and Path(p).is_relative_to(root)
        return Path(p).relative_to(root).as_posix() if inside else p

    h = hashlib.sha256()
    for p in sorted(map(str, paths), key=name):
        h.update(name(p).encode())
        h.update((cache[p] if cache else sha256(p)).encode())
    return h.hexdigest()[:16]


def project_files(folder: str | Path) -> list[Path]:
    """The files of a project folder that belong to the project: in a git checkout the files git
    tracks (their working-tree content), elsewhere (a copy of the workflow) every file that is not
    hidden or a cache. Untracked files — an editor's backup, a ``.quarto`` cache, a scratch module —
    therefore never change what a report is fingerprinted by, so a fresh clone builds exactly what
    is committed."""
    import subprocess

    folder = Path(folder).resolve()
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--", "."],
            cwd=folder,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        proc = None
    if proc is not None and proc.returncode == 0:
        files = [folder / name for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if name]
        return sorted(f for f in files if f.is_file())
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts)
    )
