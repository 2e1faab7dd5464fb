"""The template of a biên bản (the council's meeting, the ballot count): the shared frame of
Nghị định 30/2020 with two signatures at the bottom and no "Nơi nhận" (a biên bản is signed by
whoever kept it and whoever chaired, and filed, not sent).

The left signature takes `left_signer_position` and `left_signer_name` (the secretary, the
head of the ballot committee); the right one the shared signer keys (the chair).
"""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocxDocument

from notifications.documents import layout

SIGNATURE_ROOM = 4
"""Empty lines left for a handwritten signature (and a seal where there is one)."""


def two_signers(document: DocxDocument) -> None:
    """The bottom table of a biên bản: one signer at the left, one at the right."""
    document.add_paragraph()
    half = layout.TEXT_WIDTH_MM / 2
    table = layout.borderless_table(document, (half, half), rows=1)
    left, right = table.rows[0].cells
    layout.line(left, "{{ left_signer_position }}", bold=True, first=True)
    for _ in range(SIGNATURE_ROOM):
        layout.line(left)
    layout.line(left, "{{ left_signer_name }}", bold=True)
    layout.line(right, "{%p if signer_authority %}", first=True)
    layout.line(right, "{{ signer_authority }}", bold=True)
    layout.line(right, "{%p endif %}")
    layout.line(right, "{{ signer_position }}", bold=True)
    for _ in range(SIGNATURE_ROOM):
        layout.line(right)
    layout.line(right, "{{ signer_name }}", bold=True)


def minutes() -> DocxDocument:
    """A biên bản: header, kind and subject, body, the two signatures."""
    document = Document()
    layout.set_page(document)
    layout.header(document)
    layout.kind_and_subject(document)
    layout.body(document)
    two_signers(document)
    return document
