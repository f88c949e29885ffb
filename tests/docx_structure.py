"""A Word document as text and structure, for golden files and checks (not its bytes: a .docx's
zip and XML may change between library versions while what a reader sees does not)."""

from __future__ import annotations

import io


def structure(data: bytes) -> str:
    """Each paragraph as ``[Style] text``, each table as rows of ``cell | cell``, in document order,
    then the footers' text (fields shown as {PAGE} and {NUMPAGES})."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                lines.append(f"[{block.style.name}] {block.text}")
        elif isinstance(block, Table):
            lines.append(f"[table {block.style.name if block.style is not None else ''}]")
            lines += ["  " + " | ".join(cell.text for cell in row.cells) for row in block.rows]
    for number, section in enumerate(document.sections, 1):
        lines.append(f"[footer {number}] {footer_text(section.footer)}")
    return "\n".join(lines) + "\n"


def footer_text(footer) -> str:
    """The footer's text with its fields (page numbers) named rather than their last shown value."""
    from docx.oxml.ns import qn

    out = []
    for paragraph in footer.paragraphs:
        for child in paragraph._p.iterchildren():
            if child.tag == qn("w:r"):
                out.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
            elif child.tag == qn("w:fldSimple"):
                out.append("{" + child.get(qn("w:instr")).strip() + "}")
    return "".join(out)
