"""Which version of the portal's source code is running, for the source page (AGPL § 13)."""

import tomllib
from functools import cache
from pathlib import Path

from django.conf import settings


def _git_commit(root: Path) -> str:
    """The checked-out commit if the code is a git checkout, read from the files: production
    machines need no git program for it. Empty when unknown."""
    git = root / ".git"
    if git.is_file():  # a worktree: "gitdir: <path>"
        git = Path(git.read_text().partition("gitdir:")[2].strip())
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.partition("ref:")[2].strip()
        common = git / "commondir"
        base = (git / common.read_text().strip()).resolve() if common.is_file() else git
        for directory in (git, base):
            if (directory / ref).is_file():
                return (directory / ref).read_text().strip()
        for line in (base / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0]
    except OSError:
        pass
    return ""


@cache
def running_version() -> dict[str, str]:
    """The release from pyproject.toml and, where known, the commit: read once per process."""
    root = Path(settings.BASE_DIR)
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return {
        "version": project["version"],
        "licence": project["license"]["text"],
        "commit": _git_commit(root),
    }
