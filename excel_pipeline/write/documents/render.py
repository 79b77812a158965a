"""Fill the Word templates (docxtpl: Jinja placeholders typed in Word) and check edited ones.

docxtpl was chosen because officers edit its templates in Word itself, placeholders and loops
included, and it is maintained and widely used; python-docx, under it, reads the documents back
in the tests. An edited template is checked before any work (`load_templates`): a placeholder
written wrong, a name or a field the program does not fill, or a file that is not a Word
document is refused with a Vietnamese message naming it, and nothing is written.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ...errors import DhttError, os_reason
from ..atomic import Staging, written_atomically
from .catalogue import BY_FILE, ITEM_FIELDS, KINDS, DocumentKind, placeholder_guide, placeholders


class TemplateProblem(DhttError):
    """A template officers edited cannot be used (exit 2, nothing written)."""


@dataclass(frozen=True)
class Template:
    """One kind's template: where it is, and whether an officer's edited copy is used."""

    kind: DocumentKind
    path: Path
    edited: bool


def shipped_folder() -> Path:
    """The templates shipped in the package."""
    return Path(str(resources.files("excel_pipeline").joinpath("write", "documents",
                                                                "templates")))


def load_templates(folder: Path | None) -> dict[str, Template]:
    """Every kind's template, from `folder` where it holds one (`--templates`), else shipped;
    each edited one checked now, before any work."""
    if folder is not None and not folder.is_dir():
        raise TemplateProblem(f"Không thấy thư mục mẫu văn bản «{folder}».")
    chosen: dict[str, Template] = {}
    for kind in KINDS:
        edited = folder / kind.file_name if folder is not None else None
        if edited is not None and edited.is_file():
            check_template(kind, edited)
            chosen[kind.kind] = Template(kind, edited, True)
        else:
            chosen[kind.kind] = Template(kind, shipped_folder() / kind.file_name, False)
    return chosen


def unknown_templates(folder: Path | None) -> list[str]:
    """Word files in `folder` named for no document (said on screen: a misnamed edit)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.docx")
                  if p.name not in BY_FILE and not p.name.startswith("~$"))


def export_templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy the shipped templates and the placeholder guide into `folder`; a file already there
    (an officer's edited copy) is kept. Returns (written, kept)."""
    written: list[Path] = []
    kept: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind in KINDS:
            target = folder / kind.file_name
            if target.exists():
                kept.append(target)
                continue
            with written_atomically(target) as temp:
                Path(temp).write_bytes((shipped_folder() / kind.file_name).read_bytes())
            written.append(target)
        guide = folder / "cho-dien.txt"
        with written_atomically(guide) as temp:
            Path(temp).write_text(placeholder_guide(), encoding="utf-8")
        written.append(guide)
    except OSError as exc:
        raise TemplateProblem(f"Không ghi được mẫu văn bản vào «{folder}»: "
                              f"{os_reason(exc, 'ghi')}.") from None
    return written, kept


def _environment() -> Any:
    from jinja2 import Environment, StrictUndefined

    return Environment(autoescape=True, undefined=StrictUndefined)


def template_xml(path: Path) -> str:
    """The template's text as docxtpl hands it to Jinja: body, headers and footers, one
    paragraph per line."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.init_docx()
    parts = [template.get_xml()]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        parts += [template.get_part_xml(part) for _, part in template.get_headers_footers(uri)]
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", "".join(template.patch_xml(p) for p in parts))


def check_template(kind: DocumentKind, path: Path) -> None:
    """Refuse a template that is no Word document, that Jinja cannot read, or that names a
    placeholder the program does not fill."""
    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateSyntaxError, meta, nodes

    name = f"«{path.name}»"
    try:
        xml = template_xml(path)
    except OSError as exc:
        raise TemplateProblem(f"Không mở được mẫu văn bản {name}: {os_reason(exc)}.") from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # A file that is not a .docx as Word saves it, whichever way it fails (lxml's
        # XMLSyntaxError is a SyntaxError).
        raise TemplateProblem(f"Mẫu văn bản {name} không phải tệp Word .docx đọc được "
                              f"(hãy lưu lại bằng Word, kiểu «Word Document (*.docx)»).") \
            from exc
    try:
        tree = _environment().parse(xml)
    except TemplateSyntaxError as exc:
        reason = _syntax_reason(exc.message)
        if "end of template" in (exc.message or "").lower():  # nothing to point at
            raise TemplateProblem(f"Mẫu văn bản {name}: {reason}.") from None
        raise TemplateProblem(f"Mẫu văn bản {name} viết sai chỗ điền "
                              f"«{_fragment(xml, exc.lineno)}»: {reason}.") from None
    allowed = placeholders(kind)
    unknown = sorted(meta.find_undeclared_variables(tree) - set(allowed))
    fields = sorted({f"{node.node.name}.{node.attr}" for node in tree.find_all(nodes.Getattr)
                     if isinstance(node.node, nodes.Name) and node.node.name != "loop"
                     and node.attr not in ITEM_FIELDS})
    if unknown or fields:
        first = (unknown or fields)[0]
        raise TemplateProblem(
            f"Mẫu văn bản {name} có chỗ điền {{{{ {first} }}}} mà chương trình không điền"
            + (f" (cùng {len(unknown) + len(fields) - 1} chỗ khác)"
               if len(unknown) + len(fields) > 1 else "")
            + f". Các chỗ điền của mẫu này: {', '.join(allowed)} (xem cho-dien.txt do lệnh "
              "dhtt-merge documents --export-templates ghi ra).")


def _fragment(xml: str, line: int | None) -> str:
    """The placeholder Jinja stopped at, as the officer typed it in Word: on the paragraph it
    names, the first one opened and not closed before the next opens, else the first one."""
    lines = xml.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[line - 1]) if line and line <= len(lines) else ""
    openings = [m.start() for m in re.finditer(r"\{[{%]", text)]
    for here, following in zip(openings, [*openings[1:], len(text)], strict=True):
        piece = text[here:following]
        closing = "}}" if piece.startswith("{{") else "%}"
        if closing not in piece:
            return piece.strip()[:60]
    return (text[openings[0]:openings[0] + 60] if openings else text[:60]).strip() or "?"


_REASONS = (
    ("unexpected end of template", "thiếu dòng đóng của vòng lặp hoặc điều kiện (ví dụ "
                                   "{%p endfor %}, {%p endif %})"),
    ("unexpected 'end", "có dòng đóng ({%p endfor %}, {%p endif %}) không khớp với dòng mở"),
    ("unexpected '}'", "thiếu hoặc thừa dấu ngoặc: chỗ điền viết {{ tên }}"),
    ("unexpected char", "có ký tự không dùng được trong chỗ điền"),
    ("expected token", "thiếu hoặc thừa dấu ngoặc: chỗ điền viết {{ tên }}"),
    ("unknown tag", "thẻ {% … %} không có (chỉ dùng for, if, endfor, endif)"),
)


def _syntax_reason(message: str | None) -> str:
    for english, vietnamese in _REASONS:
        if english in (message or "").lower():
            return vietnamese
    return "chỗ điền viết không đúng cách {{ tên }} hoặc {%p … %}"


def render(template: Template, context: dict[str, Any], target: Path,
           staging: Staging | None = None) -> Path:
    """Fill `template` with `context` into `target` (staged with the run's other outputs)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError, UndefinedError

    document = DocxTemplate(str(template.path))
    try:
        document.render(context, _environment(), autoescape=True)
    except UndefinedError as exc:  # a field of a list item the checks could not see
        missing = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(exc))
        label = next((g for g in missing.groups() if g), "?") if missing else "?"
        raise TemplateProblem(f"Mẫu văn bản «{template.path.name}» có chỗ điền «{label}» mà "
                              "chương trình không điền.") from None
    except TemplateError as exc:
        raise TemplateProblem(f"Mẫu văn bản «{template.path.name}» không điền được: "
                              f"{_syntax_reason(getattr(exc, 'message', ''))}.") from None
    keep_with_signature(document.docx)
    properties = document.docx.core_properties
    properties.title = template.kind.title
    properties.author = "dhtt-merge"
    properties.comments = "Lập bằng dhtt-merge từ bảng tổng hợp; kiểm tra trước khi ký."
    with written_atomically(target, staging) as temp:
        document.save(temp)
    return target


def keep_with_signature(document: Any) -> None:
    """Never a page holding the signature block alone: what comes just before it (a list, or
    the last line of text, and the blank lines between) is kept on its page («keep with
    next»). A signature block is a one-row table printed whole (its row
    cannot split), as the shipped templates and the officers' copies of them make it."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    def keep(paragraph: Any) -> None:
        # Only the paragraph's own properties are set: no story part is needed.
        Paragraph(paragraph, None).paragraph_format.keep_with_next = True  # type: ignore[arg-type]

    for table in document.element.body.iterchildren(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if len(rows) != 1 or rows[0].find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None:
            continue
        before = table.getprevious()
        while before is not None and before.tag == qn("w:p") and not "".join(
                before.itertext()).strip():
            keep(before)
            before = before.getprevious()
        if before is not None and before.tag == qn("w:tbl"):
            for paragraph in _last_rows(before).iter(qn("w:p")):
                keep(paragraph)
        elif before is not None and before.tag == qn("w:p"):
            keep(before)


def _last_rows(table: Any, count: int = 2) -> Any:
    """A table of the list's last `count` rows, split off `table` and placed right after it,
    a hairline paragraph between (LibreOffice keeps a table, not a row, with what follows:
    so these rows go over with the signature, not the whole list). The table itself when it
    has no more rows than that besides its header."""
    import copy

    from docx.oxml.ns import qn

    rows = [row for row in table.findall(qn("w:tr"))
            if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None]
    if len(rows) <= count:
        return table
    tail = table.makeelement(qn("w:tbl"), {})
    for part in ("w:tblPr", "w:tblGrid"):
        found = table.find(qn(part))
        if found is not None:
            tail.append(copy.deepcopy(found))
    for row in rows[-count:]:
        tail.append(row)  # moved
    # A hairline paragraph between them: adjacent tables are joined again when read.
    joint = table.makeelement(qn("w:p"), {})
    properties = joint.makeelement(qn("w:pPr"), {})
    properties.append(properties.makeelement(qn("w:keepNext"), {}))
    properties.append(properties.makeelement(qn("w:spacing"), {
        qn("w:before"): "0", qn("w:after"): "0", qn("w:line"): "20",
        qn("w:lineRule"): "exact"}))
    joint.append(properties)
    table.addnext(joint)
    joint.addnext(tail)
    return tail
