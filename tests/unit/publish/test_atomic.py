"""Atomic publication: a report folder is swapped in with two renames, and a run interrupted between
them is repaired by the next run."""

import os

import pytest

from sozialbericht.publish import atomic as publish_module
from sozialbericht.publish.atomic import publish


def test_publication_interrupted_between_the_two_renames_is_repaired(tmp_path, monkeypatch):
    target = tmp_path / "reports" / "harz" / "2020"
    (tmp_path / "v1.md").write_text("version 1")
    (tmp_path / "v2.md").write_text("version 2")
    publish({"sozialbericht.md": tmp_path / "v1.md"}, target, {})
    real_replace, calls = os.replace, []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed after moving the old version aside
        real_replace(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        publish({"sozialbericht.md": tmp_path / "v2.md"}, target, {})
    monkeypatch.setattr(publish_module.os, "replace", real_replace)
    assert not target.exists()  # the moment between the renames
    publish_module._recover(target)  # what the next run does first
    assert (target / "sozialbericht.md").read_text() == "version 1"
    publish({"sozialbericht.md": tmp_path / "v2.md"}, target, {})
    assert (target / "sozialbericht.md").read_text() == "version 2"
    assert sorted(p.name for p in target.parent.iterdir()) == ["2020"]
