"""The README stays true: every configuration variable the code reads is documented there."""

from pathlib import Path

from config.env import VARIABLES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_variable_is_documented():
    missing = [name for name in VARIABLES if f"`{name}`" not in README]
    assert missing == []


def test_two_commands_are_documented():
    assert "make demo" in README and "make test" in README
