"""Word documents (``report --format docx``): a Jinja-tagged ``.docx`` filled through docxtpl.

- The template is the casebook's own ``templates/NAME.docx`` when there is one
  (a council's form, tagged once), else the built-in ``templates/NAME.docx``
  (made by tools/docx_templates.py).
- The tags are rendered by THE SAME sandboxed environment and filters as HTML
  (sendcli.documents.rendering.environment), with the same bounds of time,
  memory and output, so a Word template can do no more than an HTML one.
  Record text is escaped for XML: ``<`` or ``&`` in a child's outcome comes out
  as text in Word and never breaks the document.
- A ``.docx`` is a zip: one that would unpack past :data:`MAX_UNPACKED_BYTES`
  or hold more than :data:`MAX_PARTS` parts is refused before it is opened.

docxtpl (and python-docx, lxml) are imported only here, only when a Word
document is made: every other command starts without them.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from sendcli.documents import rendering
from sendcli.documents.rendering import TemplateProblem, bounded_rendering, environment
from sendcli.store.schemas import resource_dir

#: A Word form is tens or hundreds of KB; a logo may make it a few MB. Past these, a "form" is a zip bomb.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_PARTS = 2000


def template_path(template: str, casebook_root: Path | None) -> tuple[Path, str]:
    """The Word template to fill, and how to name it in a message (``templates/NAME.docx``).

    The casebook's own comes first; like every casebook template it must lie inside the
    casebook's templates/ folder (a link to a file elsewhere is refused).
    """
    name = f"templates/{template}.docx"
    if casebook_root is not None:
        folder = casebook_root / "templates"
        own = folder / f"{template}.docx"
        if os.path.lexists(own):
            inside = Path(os.path.realpath(folder.parent)) / folder.name
            if inside not in Path(os.path.realpath(own)).parents:
                raise TemplateProblem(f"{name} leads outside the casebook's templates/ folder (a symbolic link?); "
                                      "sendcli reads templates only from inside it")
            if not own.is_file():
                raise TemplateProblem(f"{name} is not a file")
            return own, name
    built_in = resource_dir("templates") / f"{template}.docx"
    if not built_in.is_file():
        raise TemplateProblem(f"{name}: there is no Word template for {template} yet; put one in the "
                              "casebook's templates/ folder (see the README, \"Word documents\")")
    return built_in, name


def _read_form(path: Path, name: str) -> bytes:
    """The template's bytes, once it is known to be a reasonable zip (not a bomb, not something else)."""
    try:
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except OSError as error:
        raise TemplateProblem(f"{name}: cannot be read ({error.strerror or error})") from None
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise TemplateProblem(f"{name}: not a Word document (.docx); save the form as a Word document "
                              "and try again") from None
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise TemplateProblem(f"{name}: refused: it would unpack to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} "
                              f"MB or {MAX_PARTS} parts, far more than a form needs")
    if "word/document.xml" not in {part.filename for part in parts}:
        raise TemplateProblem(f"{name}: not a Word document (.docx): it has no word/document.xml")
    return data


def _near(error: Exception) -> str:
    """The form's text near a tag docxtpl could not read, so that it can be found in Word."""
    lines = getattr(error, "docx_context", None)
    words = " ".join(" ".join(str(line).split()) for line in lines or [] if str(line).strip())
    return f" (near: {words[:160]})" if words else ""


def render_docx(template: str, context: dict, casebook_root: Path | None = None) -> bytes:
    """``templates/TEMPLATE.docx`` (the casebook's own first) filled with ``context``: the .docx's bytes.

    Refused (exit 1, nothing written) like an HTML template past a bound, with a
    tag the sandbox forbids, a misspelt field, or a file that is not a Word document.
    """
    path, name = template_path(template, casebook_root)
    data = _read_form(path, name)
    env = environment("docx", casebook_root)
    with bounded_rendering(f"{template}.docx"):  # it names it templates/NAME itself
        from docxtpl import DocxTemplate
        from jinja2 import TemplateSyntaxError
        from lxml.etree import LxmlError

        try:
            document = DocxTemplate(io.BytesIO(data))
            # autoescape is left False here: the environment escapes already, and docxtpl would
            # otherwise set it on the shared environment.
            document.render(context, jinja_env=env)
            output = io.BytesIO()
            document.save(output)
        except TemplateSyntaxError as error:
            raise TemplateProblem(f"{name}: a tag that cannot be read: {error.message}{_near(error)}") from None
        except (LxmlError, KeyError, ValueError, zipfile.BadZipFile) as error:
            # What the tags made is not a Word document any more (a tag splitting a table or a
            # paragraph's XML), or the file's own parts are broken.
            raise TemplateProblem(f"{name}: the filled form is not a valid Word document "
                                  f"({type(error).__name__}: {_first_line(error)}); check the tags that "
                                  "open and close loops or conditions ({%tr ...%}, {%p ...%})") from None
    made = output.getvalue()
    if len(made) > rendering.RENDER_MAX_BYTES:
        raise TemplateProblem(f"{name}: refused: its output passed {rendering.RENDER_MAX_BYTES // (1024 * 1024)} MB")
    return made


def render_docx_pages(template: str, contexts: list[dict], casebook_root: Path | None = None) -> bytes:
    """One Word document holding ``templates/TEMPLATE.docx`` filled for each context in turn, each
    starting on a new page (a class set of passports or profiles, for ``passports --format docx``).

    Each copy is filled as :func:`render_docx` fills one (the same sandbox and bounds), then its body
    is appended to the first's after a page break. Every copy comes from the same template, so
    styles, numbering and any picture's relationship are the first copy's own. Refused when the
    whole passes ``RENDER_MAX_BYTES``, like one document.
    """
    from docx import Document
    from docx.enum.text import WD_BREAK

    if not contexts:
        raise TemplateProblem(f"templates/{template}.docx: nothing to fill (no child)")
    whole = Document(io.BytesIO(render_docx(template, contexts[0], casebook_root)))
    body = whole.element.body
    section = body.sectPr  # the last section's page settings stay last
    for context in contexts[1:]:
        page = Document(io.BytesIO(render_docx(template, context, casebook_root)))
        whole.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for element in list(page.element.body.iterchildren()):
            if element is page.element.body.sectPr:
                continue
            body.append(element)
        if section is not None:
            body.append(section)  # moved back to the end
    output = io.BytesIO()
    whole.save(output)
    made = output.getvalue()
    if len(made) > rendering.RENDER_MAX_BYTES:
        raise TemplateProblem(f"templates/{template}.docx: refused: the set passed "
                              f"{rendering.RENDER_MAX_BYTES // (1024 * 1024)} MB")
    return made


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return re.sub(r"\s+", " ", text[0])[:200] if text else "no detail"
