"""Administrative documents as files: .docx from templates an office can edit, PDF through
LibreOffice (issue 23). The text of each part comes from models.administrative."""

from notifications.documents.office import OfficeError, office_available, to_pdf
from notifications.documents.render import (
    TEMPLATES_ENV,
    TemplateError,
    render_docx,
    template_path,
)

__all__ = [
    "TEMPLATES_ENV",
    "OfficeError",
    "TemplateError",
    "office_available",
    "render_docx",
    "template_path",
    "to_pdf",
]
