"""The command names of `sozialbericht` are German (README, "Contributing"); the old English names
still work for one release, with a German hint."""

import pytest

from sozialbericht.tools.cli import RENAMED_COMMANDS, main


@pytest.mark.parametrize("old,new", sorted(RENAMED_COMMANDS.items()))
def test_an_old_command_name_runs_the_new_command_with_a_hint(old, new, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([old, "--help"])
    assert exit_.value.code == 0
    out, err = capsys.readouterr()
    assert f"usage: sozialbericht {new}" in out
    assert f"„sozialbericht {old}“ heißt jetzt „sozialbericht {new}“" in err and "nächsten Version" in err


def test_the_help_lists_only_german_command_names(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out, _ = capsys.readouterr()
    for new in RENAMED_COMMANDS.values():
        assert new in out
    for old in RENAMED_COMMANDS:
        assert old not in out
