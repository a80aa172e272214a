"""The loader's near-duplicate threshold setting."""

from __future__ import annotations

import pytest

from pipelines.load import near_settings
from warehouse.dedupe import neardup


def test_threshold_setting_replaces_only_the_threshold() -> None:
    assert near_settings(None) == neardup.DEFAULT
    assert near_settings("") == neardup.DEFAULT
    tuned = near_settings("0.8")
    assert tuned.threshold == 0.8
    assert tuned.bands == neardup.DEFAULT.bands


@pytest.mark.parametrize("bad", ["0", "1.5", "-0.2", "high"])
def test_a_threshold_outside_zero_to_one_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"GLEANER_NEAR_DUP_THRESHOLD|could not convert"):
        near_settings(bad)
