"""PDF through WeasyPrint, with a fetcher that refuses every URL: no file:// (a ticket
body can never pull a local file into a document) and no network. The documents carry
their styles inline and need nothing else.

WeasyPrint needs Pango from the system; without it, PDF export says so instead of the
whole app failing at import."""

from __future__ import annotations

from typing import Any


class PdfUnavailable(RuntimeError):
    """This machine cannot render PDF (WeasyPrint's system libraries are missing)."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, Pango is not
        raise PdfUnavailable(
            "format: PDF needs Pango (Debian: apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0); CSV and XLSX work without it ({exc})"
        ) from exc
    return weasyprint


def render(html: str) -> tuple[bytes, list[str]]:
    """The PDF of ``html``, and the URLs it tried to reach (all refused)."""
    weasyprint = _weasyprint()
    refused: list[str] = []
    fetcher: Any = weasyprint.urls.URLFetcher

    class Refusing(fetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            refused.append(url)
            raise ValueError(f"refused: documents reach no file and no network ({url})")

    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=Refusing())
    return document.write_pdf(), refused
