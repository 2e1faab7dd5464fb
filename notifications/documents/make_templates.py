"""Write the default document templates: `python -m notifications.documents.make_templates`.

Each template is built by code (notifications.documents.layout) in the layout of Nghị định
30/2020, Phụ lục I, and the .docx it writes is committed beside this file, so that an office
copies one into its own folder (TDKT_DOCUMENT_TEMPLATES) and edits its header or signer in
Word, keeping the {{ }} tags (docs/documents.md). Run it again after changing the layout.

`van_ban` is the frame every document shares (header, kind and trích yếu, Kính gửi, body,
signature, annex); a document without a template of its own is rendered with it
(notifications.documents.render_docx), and one added here gets a file an office can override
by name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument

from notifications.documents import dossier_layout, layout, minutes_layout

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
GENERIC = "van_ban"


def standard() -> DocxDocument:
    """The frame of every document: header, kind and subject, addressees, body, signature,
    and the annex when there is one."""
    document = Document()
    layout.set_page(document)
    layout.header(document)
    layout.kind_and_subject(document)
    layout.body(document)
    layout.signature(document)
    layout.annex(document)
    return document


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    GENERIC: standard,
    "cong_van_don_doc": standard,  # the công văn đôn đốc attached to escalations
    "quyet_dinh_khen_thuong": standard,  # the draft quyết định khen thưởng
    "bien_ban_hop_hoi_dong": minutes_layout.minutes,  # the council's meeting (two signers)
    "bien_ban_kiem_phieu": minutes_layout.minutes,  # the ballot count (two signers)
    "giay_moi": standard,  # the invitation to the honouring ceremony
    "trich_luc_so_ghi_danh": standard,  # the extract of a unit's honour roll
    "to_trinh_khen_thuong": standard,  # the tờ trình with its danh sách (dossier)
    "muc_luc_ho_so": standard,  # the dossier's checklist (mục lục hồ sơ)
    "bao_cao_thanh_tich": dossier_layout.achievement_report,  # prefilled for a nominee
}
"""Template name → its builder. Other documents add their line here."""

_FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def docx_bytes(document: DocxDocument) -> bytes:
    """The document as bytes with fixed zip timestamps and core properties, so that building
    the templates again writes the same files (a diff shows only real changes)."""
    properties = document.core_properties
    properties.author = "tdkt-flow"
    properties.last_modified_by = "tdkt-flow"
    properties.revision = 1
    from datetime import datetime

    properties.created = properties.modified = datetime(*_FIXED_TIME)
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(item.filename))
    return out.getvalue()


def write_templates(folder: Path = TEMPLATES_DIR) -> list[Path]:
    """Write every default template into folder; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TEMPLATES.items():
        path = folder / f"{name}.docx"
        path.write_bytes(docx_bytes(build()))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_templates():
        print(path)
