"""No module of the project's own code is over 400 lines (issue 14): a module that big
holds several topics, and the next change to one of them lands among all the others.
Tests and migrations aside: a test file grows with its cases, a migration is generated."""

from __future__ import annotations

from pathlib import Path

import opiekun

LIMIT = 400
ROOT = Path(opiekun.__file__).parent


def test_no_module_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in ROOT.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    }
    assert len(sizes) > 100  # the walk found the code
    over = {name: lines for name, lines in sorted(sizes.items()) if lines > LIMIT}
    assert not over, f"split these by topic (limit {LIMIT} lines): {over}"
