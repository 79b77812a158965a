"""Write the run's Word documents into `OUT/van-ban/`, and their PDFs when asked.

Each document is staged like every other output of the run (`write.atomic`), so a run stopped
midway replaces none of the previous documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...model import Consolidation, Paperwork, WrittenDocument
from ..atomic import Staging
from .catalogue import BY_KIND
from .context import document_contexts
from .pdf import NOT_INSTALLED, find_office, to_pdf
from .render import Template, render, unknown_templates

FOLDER = "van-ban"


@dataclass(frozen=True)
class DocumentOptions:
    """What `dhtt-merge documents` was asked: edited templates, PDFs."""

    templates_dir: Path | None = None
    pdf: bool = False


def write_documents(c: Consolidation, out_dir: Path, templates: dict[str, Template],
                    options: DocumentOptions, staging: Staging) -> Paperwork:
    """Every document the consolidation calls for, into `out_dir/van-ban`."""
    folder = out_dir / FOLDER
    contexts, skipped = document_contexts(c)
    written = [WrittenDocument(kind, BY_KIND[kind].title,
                               render(templates[kind], context, folder / BY_KIND[kind].file_name,
                                      staging))
               for kind, context in contexts.items()]
    paperwork = Paperwork(written, [(s.kind.title, s.reason) for s in skipped])
    paperwork.stale = [folder / s.kind.file_name for s in skipped
                       if (folder / s.kind.file_name).exists()]
    paperwork.edited = [t.kind.file_name for t in templates.values() if t.edited]
    paperwork.ignored = unknown_templates(options.templates_dir)
    if options.pdf and written:
        office = find_office()
        if office is None:
            paperwork.pdf_problem = NOT_INSTALLED
        else:
            made = to_pdf([document.path for document in written], office, staging)
            paperwork.written = [_with_pdf(document, made.get(document.path), staging)
                                 for document in written]
            failed = [d.path.name for d in paperwork.written if d.pdf is None]
            if failed:
                paperwork.pdf_problem = ("LibreOffice không chuyển được sang PDF: "
                                         + ", ".join(failed) + "; các văn bản Word vẫn được ghi.")
    return paperwork


def _with_pdf(document: WrittenDocument, content: bytes | None,
              staging: Staging) -> WrittenDocument:
    if content is None:
        return document
    target = document.path.with_suffix(".pdf")
    staging.reserve(target).write_bytes(content)
    return WrittenDocument(document.kind, document.title, document.path, target)
