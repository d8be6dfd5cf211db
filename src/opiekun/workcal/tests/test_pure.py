import subprocess
import sys


def test_the_pure_modules_import_no_django() -> None:
    code = (
        "import sys, opiekun.workcal, opiekun.env, opiekun.core.terms; "
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
