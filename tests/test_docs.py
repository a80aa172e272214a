"""The README documents every command and every GLEANER_* setting."""

from __future__ import annotations

import re
from pathlib import Path

from crawler import settings
from crawler.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block


def test_every_command_is_documented_and_has_help() -> None:
    for name, command in cli.commands.items():
        assert f"`gleaner {name}" in README, name
        assert command.help, name
        assert "Example:" in command.help, name


def test_every_gleaner_setting_is_documented() -> None:
    keys = [k for k in vars(settings) if k.startswith("GLEANER_")]
    assert keys
    for key in keys:
        assert re.search(rf"`{key}`", README), key


def test_demo_urls_in_the_readme_are_served() -> None:
    from crawler.demo import build_site

    site = build_site()
    paths = re.findall(r"http://127\.0\.0\.1:8931(/[^\s`\"]*)", README)
    assert paths
    for path in paths:
        assert site.page(path).status == 200, path
