"""Tests that print Chinese or Korean need a CJK font (.ci/run installs fonts-wqy-microhei).

On a developer machine without one such a test is skipped with the reason; in CI (CI=true)
or with FAREDESK_REQUIRE_CJK_FONT=1 it fails instead, so the raster leg never silently goes.
"""

from __future__ import annotations

import os

import pytest


def need_cjk_font() -> None:
    from hardware.errors import HardwareError
    from hardware.raster_text import font_path

    try:
        font_path()
    except HardwareError as exc:
        if os.environ.get("CI") or os.environ.get("FAREDESK_REQUIRE_CJK_FONT") == "1":
            pytest.fail(f"a CJK font is required here: {exc.message}", pytrace=False)
        pytest.skip("no CJK font for raster receipts: sudo apt-get install fonts-wqy-microhei")
