# SPDX-License-Identifier: MIT
"""Reuse the daemon harness of dom0-tools/stored (ASan build, clean-exit check)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "stored", "tests", "py"))
from xsharness import Daemon  # noqa: E402


@pytest.fixture
def argon(tmp_path):
    d = Daemon("argon", tmp_path)
    yield d
    d.stop()
