# SPDX-License-Identifier: MIT
"""Fixtures: our daemon (ASan/UBSan build, checked for a clean exit) and Debian's reference."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from xsharness import Daemon, have_reference  # noqa: E402


@pytest.fixture
def argon(tmp_path):
    d = Daemon("argon", tmp_path)
    yield d
    d.stop()


@pytest.fixture
def argon_factory(tmp_path):
    """Start our daemon with extra arguments (e.g. small quotas)."""
    started = []

    def start(*args):
        d = Daemon("argon", tmp_path, args=args)
        started.append(d)
        return d
    yield start
    for d in started:
        d.stop()


@pytest.fixture
def ref(tmp_path):
    if not have_reference():
        pytest.skip("Debian's xenstored not available (fetch-ref failed): " +
                    os.environ.get("ARGON_XS_REF_WHY", "no reference"))
    d = Daemon("ref", tmp_path)
    yield d
    d.stop()
