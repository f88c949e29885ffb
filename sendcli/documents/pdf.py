"""PDF from the HTML reports: A4 pages laid out by WeasyPrint, fetching nothing.

The HTML a template renders is the document; WeasyPrint lays it out as pages
following its print CSS (``templates/_base.html.j2``: A4, the page number and
the school's name in the page margins), the same CSS a browser prints from.

- WeasyPrint is an optional extra (``pip install 'sendcli[pdf]'``) that needs
  Pango from the system; it is imported only when a PDF is made, and when it
  or Pango is missing the user is told the install step (exit 1).
- Nothing is fetched: the only URLs read are ``data:`` URLs, whose content is
  inline in the report itself. A ``file:``, ``http:`` or any other link in a
  template or in record text is left out of the PDF, never read.
- Bounded as HTML rendering is (time, memory, size): a casebook template
  cannot make a PDF that runs or grows without end.
"""

from __future__ import annotations

from functools import lru_cache

from sendcli.errors import SendcliError

#: What to install, named in every message about a missing engine.
INSTALL_STEP = ("pip install 'sendcli[pdf]' (in a checkout: make install), and Pango from the system "
                "(Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
                "macOS: brew install pango)")

#: Bounds on laying out one PDF. A report's PDF takes well under a second and a few pages;
#: these only stop a casebook template whose output would run or grow without end.
PDF_SECONDS = 60.0
PDF_MAX_PAGES = 1000
PDF_MAX_BYTES = 50 * 1024 * 1024


class PdfUnavailable(SendcliError):
    """WeasyPrint or the system libraries it needs are not installed: exit 1."""


class PdfProblem(SendcliError):
    """A report that could not be laid out as a PDF, or passed a bound: exit 1."""


def require_pdf_engine() -> None:
    """Load WeasyPrint now, or say what to install (before a run of many reports starts)."""
    _engine()


@lru_cache(maxsize=1)
def _engine():
    """WeasyPrint's HTML class and a fetcher that reads nothing but ``data:`` URLs."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:
        raise PdfUnavailable(f"a PDF needs WeasyPrint, which is not installed: {INSTALL_STEP}") from None
    except OSError:
        # WeasyPrint loads Pango, HarfBuzz and fontconfig through cffi at import.
        raise PdfUnavailable("a PDF needs WeasyPrint's system libraries (Pango), which could not be loaded: "
                             f"{INSTALL_STEP}") from None

    class InlineOnly(URLFetcher):
        """Every URL refused but ``data:``: WeasyPrint leaves a refused image, stylesheet or font
        out of the PDF (no file of the machine, no server on the network is ever read)."""

        def fetch(self, url, headers=None):
            if not url[:5].lower() == "data:":
                raise ValueError("a report's PDF fetches nothing")
            from urllib.request import DataHandler, Request

            response = DataHandler().data_open(Request(url))
            return URLFetcherResponse(url, response.read(), dict(response.headers))

    return weasyprint.HTML, InlineOnly


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (A4 and margins from its own CSS), fetching nothing.

    ``base_url`` only resolves relative links written into the PDF; no URL is
    ever read except ``data:``. Raises :class:`PdfUnavailable` when WeasyPrint
    or Pango is missing, :class:`PdfProblem` when the layout fails or passes
    :data:`PDF_SECONDS`, :data:`PDF_MAX_PAGES` or :data:`PDF_MAX_BYTES`.
    For ``passports`` and packs as much as for ``report`` (one child's report as a PDF:
    ``sendcli.documents.reporting.record_report(..., "pdf", ...)``).
    """
    from sendcli.documents.rendering import RENDER_MAX_EXTRA_MEMORY, _bounded_memory, _bounded_time, _TemplateBomb

    html_class, fetcher = _engine()
    try:
        with _bounded_time(PDF_SECONDS), _bounded_memory():
            document = html_class(string=html, base_url=base_url, url_fetcher=fetcher()).render()
            if len(document.pages) > PDF_MAX_PAGES:
                raise _TemplateBomb(f"it has more than {PDF_MAX_PAGES} pages")
            pdf = document.write_pdf()
    except _TemplateBomb as error:
        raise PdfProblem(f"the PDF was refused: {error}") from None
    except (MemoryError, RecursionError):
        raise PdfProblem("the PDF was refused: it needs more memory than a report may take "
                         f"({RENDER_MAX_EXTRA_MEMORY // (1024 * 1024)} MB)") from None
    except Exception as error:  # noqa: BLE001 - the engine's own failure, never a traceback
        # Only the kind of error: its message could quote the report's text.
        raise PdfProblem(f"WeasyPrint could not lay this report out as pages ({type(error).__name__}); "
                         "the HTML report (--format html) still renders and prints from a browser") from None
    if len(pdf) > PDF_MAX_BYTES:
        raise PdfProblem(f"the PDF was refused: it passed {PDF_MAX_BYTES // (1024 * 1024)} MB")
    return pdf
