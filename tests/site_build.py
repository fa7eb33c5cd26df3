"""Build the docs site once per test process, for the tests that read it.

`mkdocs build --strict` runs every scenario on both backends, so it takes a
while; tests/test_walkthrough.py and tests/test_site_browser.py share one build.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=1)
def built_site() -> Path:
    """The folder of a fresh `mkdocs build --strict` of this checkout.

    Set MINITORCH_SITE to a folder already built from this checkout to skip
    the build (handy while working on the tests themselves). Under
    pytest-xdist the workers of one run share one build: the first to ask
    builds it while holding a lock, the others wait and reuse it.
    """
    if os.environ.get("MINITORCH_SITE"):
        return Path(os.environ["MINITORCH_SITE"])
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return _build(Path(tempfile.mkdtemp(prefix="minitorch-site-")) / "site")
    folder = Path(tempfile.gettempdir()) / f"minitorch-site-{run}"
    folder.mkdir(exist_ok=True)
    with FileLock(str(folder / "build.lock")):
        site = folder / "site"
        return site if (site / "index.html").exists() else _build(site)


def _build(site: Path) -> Path:
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT, capture_output=True, text=True,
    )
    if build.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{build.stderr[-3000:]}")
    return site
