"""The build compiles the Polish catalogue: a wheel built from a clean clone (where the
.mo is not committed) carries the compiled .mo, so the installed desk speaks Polish.
Everything else about the package is in pyproject.toml (ADR 0024)."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    """build_py, then each locale/*/LC_MESSAGES/*.po compiled to its .mo in the build."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = Path(__file__).resolve().parent / "src"
        for po_path in sorted(source.glob("opiekun/locale/*/LC_MESSAGES/*.po")):
            relative = po_path.relative_to(source).with_suffix(".mo")
            target = Path(self.build_lib) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parts[-3])
            with target.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
