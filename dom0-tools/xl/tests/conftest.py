# Shared fixtures for the xl CLI tests: the xl binary under test, the case
# directories of libxlcfg, and Debian's example configurations (downloaded
# at test time into the git-ignored cache, never committed).
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TOP = HERE.parents[2]


@pytest.fixture(scope="session")
def xl():
    path = os.environ.get("XL", str(TOP / "build/dom0-tools/xl/xl-san"))
    assert Path(path).is_file(), f"xl binary missing: {path} (run make -C dom0-tools/xl)"

    def run(*args, stdin=None, cwd=None):
        return subprocess.run([path, *map(str, args)], input=stdin, capture_output=True,
                              text=True, cwd=cwd, timeout=60)
    return run


@pytest.fixture(scope="session")
def cases():
    return Path(os.environ.get("XLCFG_CASES", TOP / "dom0-tools/lib/xlcfg/tests/cases"))


@pytest.fixture(scope="session")
def xlexamples():
    """Debian's /etc/xen/xlexample.* from xen-utils-common, unpacked into the cache."""
    cache = Path(os.environ.get("XLCFG_CACHE", TOP / "cache/xlcfg"))
    etc = cache / "xen-utils-common/etc/xen"
    if not list(etc.glob("xlexample.*")):
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob("xen-utils-common_*.deb"):
            old.unlink()
        dl = subprocess.run(["apt-get", "download", "xen-utils-common"], cwd=cache,
                            capture_output=True, text=True, timeout=300)
        if dl.returncode and os.geteuid() == 0:
            # a machine whose package lists were never fetched: fetch them once
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=600)
            dl = subprocess.run(["apt-get", "download", "xen-utils-common"], cwd=cache,
                                capture_output=True, text=True, timeout=300)
        debs = list(cache.glob("xen-utils-common_*.deb"))
        assert debs, f"apt-get download xen-utils-common failed: {dl.stderr}"
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(cache / "xen-utils-common")],
                       check=True, timeout=120)
    found = sorted(etc.glob("xlexample.*"))
    assert len(found) >= 3, f"expected Debian's xlexample.* in {etc}"
    return found
