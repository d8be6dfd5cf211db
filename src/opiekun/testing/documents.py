"""Reading exported PDFs back in tests, as poppler's pdftotext sees them."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from opiekun.testing.plugin import IN_CI

# Skipped only off CI: under CI=true a missing pdftotext fails the test (.ci/run installs it).
NEEDS_PDFTOTEXT = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not IN_CI,
    reason="needs pdftotext (poppler-utils)",
)


def pdftotext(data: bytes) -> str:
    """The PDF's text, page by page (form feeds between)."""
    program = shutil.which("pdftotext") or "pdftotext"
    result = subprocess.run(  # noqa: S603 - a fixed program on our own file
        [program, "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()
