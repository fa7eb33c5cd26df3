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

ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=1)
def built_site() -> Path:
    """The folder of a fresh `mkdocs build --strict` of this checkout.

    Set MINITORCH_SITE to a folder already built from this checkout to skip
    the build (handy while working on the tests themselves).
    """
    if os.environ.get("MINITORCH_SITE"):
        return Path(os.environ["MINITORCH_SITE"])
    site = Path(tempfile.mkdtemp(prefix="minitorch-site-")) / "site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT, capture_output=True, text=True,
    )
    if build.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{build.stderr[-3000:]}")
    return site
