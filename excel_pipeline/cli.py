"""The `dhtt-merge` command: parse options, call the library, map our exceptions to exit codes.

Heavy libraries (pandas, pandera, calamine, xlsxwriter) are imported inside the commands, so
`dhtt-merge --help` answers at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, console
from .errors import DhttError

if TYPE_CHECKING:
    from .write.documents.writer import DocumentOptions
    from .write.unchanged import Previous

RUN_COMMAND = "tong-hop"


class VietnameseCommand(click.Command):
    """A command whose usage line names its options in Vietnamese (click writes the literal
    «[OPTIONS]» there, outside its translated texts)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)


class DefaultGroup(click.Group):
    """A group whose default command is the merge: `dhtt-merge FOLDER` means `dhtt-merge tong-hop
    FOLDER`, while `dhtt-merge campaigns` still reaches the subcommand.

    It also gives every command the same ending: our exceptions become a Vietnamese line and
    exit 2, Ctrl-C one line and exit 130, and any other exception (our own fault) a crash
    report and exit 3, never a traceback on the officer's screen."""

    command_class = VietnameseCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [THAM_SỐ]...")
        super().__init__(*args, **kwargs)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        # Click's own texts speak Vietnamese from here on: set when a command line is parsed,
        # not when this module is imported (importing it changes nothing in the process).
        console.use_vietnamese_messages()
        return super().make_context(info_name, args, parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands and Path(args[0]).is_dir():
            name = args[0]
            raise click.UsageError(
                f"«{name}» vừa là tên một lệnh vừa là tên một thư mục ở đây. Để tổng hợp thư mục "
                f"đó, ghi: dhtt-merge ./{name} (hoặc dhtt-merge {RUN_COMMAND} {name}); để chạy "
                f"lệnh {name}, chạy ở thư mục khác.", ctx)
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names
                        and args[0] != "--version"):
            args = [RUN_COMMAND, *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DhttError as exc:
            _fail(str(exc))
        except BrokenPipeError:  # the reader of our output went away; the results are written
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(ctx.meta.get(_STATUS, 0))
        except (KeyboardInterrupt, click.Abort) as exc:
            click.echo("Đã dừng theo yêu cầu (Ctrl-C)." + _written_note(exc), err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # our own fault: say so, keep the details for the maintainer
            report = crash_report(exc)
            click.echo("Lỗi của chương trình dhtt-merge (không phải lỗi của hồ sơ)."
                       f"{_written_note(exc)} Báo cáo lỗi: {report} (gửi tệp này cho người bảo "
                       "trì).", err=True)
            sys.exit(3)


class AsOfDate(click.ParamType):
    """A day as officers write it (05/03/2025) or as scripts do (2025-03-05), within the years
    a campaign can concern; anything else is refused in Vietnamese (exit 2)."""

    name = "ngày"
    FIRST, LAST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for form in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                day = dt.datetime.strptime(text, form).date()
            except ValueError:
                continue
            if not self.FIRST <= day <= self.LAST:
                self.fail(f"ngày «{text}» nằm ngoài khoảng {self.FIRST:%d/%m/%Y} – "
                          f"{self.LAST:%d/%m/%Y}.", param, ctx)
            return day
        self.fail(f"«{text}» không phải một ngày; ghi dạng dd/mm/yyyy, ví dụ 31/03/2025.",
                  param, ctx)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dhtt-merge", message="%(prog)s %(version)s",
                      help="In phiên bản rồi dừng.")
def main() -> None:
    """Tổng hợp hồ sơ Hội nghị điển hình tiên tiến và thi đua – khen thưởng.

    Cách dùng thường gặp: dhtt-merge THƯ_MỤC_HỒ_SƠ [--campaign MÃ] [--units DANH_MỤC.xlsx]
    [--out THƯ_MỤC] [--as-of dd/mm/yyyy]. Không ghi THƯ_MỤC_HỒ_SƠ thì dùng hộp thư mẫu kèm theo.
    """


def merge_options(command: Any) -> Any:
    """The merge's arguments and options, shared by the merge and `documents`."""
    for option in reversed(_MERGE_OPTIONS):
        command = option(command)
    return command


_MERGE_OPTIONS = [
    click.argument("inbox", required=False, type=click.Path(path_type=Path),
                   metavar="[THƯ_MỤC_HỒ_SƠ]"),
    click.option("--campaign", "campaign_spec", default="bau-bang-2025", show_default=True,
                 metavar="MÃ|TỆP.toml", help="Mã đợt thi đua có sẵn hoặc tệp cấu hình TOML."),
    click.option("--units", "units_file", type=click.Path(path_type=Path),
                 metavar="DANH_MỤC.xlsx", help="Tệp danh mục đơn vị (Mã đơn vị, Tên đơn vị, "
                 "Cấp, Mã đơn vị cấp trên, ...)."),
    click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
                 show_default=True, metavar="THƯ_MỤC",
                 help="Thư mục ghi tong-hop.xlsx và tong-hop.json."),
    click.option("--as-of", "as_of", type=AsOfDate(), default=None, metavar="dd/mm/yyyy",
                 help="Ngày dùng để xét hạn nộp, dạng dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: "
                 "hôm nay)."),
    click.option("--feedback", "feedback_dir", type=click.Path(path_type=Path), default=None,
                 metavar="THƯ_MỤC", help="Ghi cho mỗi đơn vị có phát hiện một tệp phản hồi "
                 "(MÃ_ĐƠN_VỊ.xlsx) vào THƯ_MỤC."),
    click.option("--email-to", "email_to", default=None, metavar="ĐỊA_CHỈ[,ĐỊA_CHỈ]",
                 help="Gửi bảng tổng hợp qua thư điện tử (cấu hình SMTP bằng biến môi trường "
                 "DHTT_SMTP_*)."),
    click.option("--email-feedback", is_flag=True,
                 help="Gửi cho mỗi đơn vị tệp phản hồi của mình, tới Email ở trang Thông tin "
                 "đơn vị."),
    click.option("--dry-run", is_flag=True,
                 help="Không gửi thư: ghi các thư ra tệp .eml trong thư mục thu-gui."),
    click.option("--no-cache", "no_cache", is_flag=True,
                 help="Đọc lại mọi tệp và ghi lại mọi kết quả, không dùng kết quả đọc lưu ở "
                 "THƯ_MỤC/.dhtt-cache, kể cả khi không có gì thay đổi."),
    click.option("--ledger", "ledger", default=None, metavar="SỔ",
                 help="Đối chiếu đề nghị khen thưởng với sổ khen thưởng (tệp .db hoặc địa chỉ "
                 "postgresql://…): hình thức đã được khen trong năm, danh hiệu cần có trước."),
]


@main.command(RUN_COMMAND)
@merge_options
def merge_command(**options: Any) -> None:
    """Tổng hợp mọi tệp Excel trong THƯ_MỤC_HỒ_SƠ thành một bảng tổng hợp."""
    _merge(**options)


@main.command("documents")
@merge_options
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path), default=None,
              metavar="THƯ_MỤC_MẪU", help="Dùng các mẫu văn bản đã sửa trong THƯ_MỤC_MẪU (mẫu "
              "nào không có thì dùng mẫu kèm theo).")
@click.option("--export-templates", "export_dir", type=click.Path(path_type=Path), default=None,
              metavar="THƯ_MỤC", help="Chép các mẫu văn bản Word và bảng chỗ điền (cho-dien.txt) "
              "ra THƯ_MỤC để sửa, rồi dừng.")
@click.option("--pdf", "pdf", is_flag=True,
              help="Ghi thêm bản PDF của từng văn bản (cần LibreOffice).")
def documents_command(templates_dir: Path | None, export_dir: Path | None, pdf: bool,
                      **options: Any) -> None:
    """Tổng hợp như lệnh chính rồi lập các văn bản Word (chương trình, phông, Đoàn Chủ tịch,
    danh sách đại biểu dự cấp trên, tờ trình, dự thảo quyết định, biên bản, báo cáo, giấy
    khen) vào THƯ_MỤC/van-ban."""
    if export_dir is not None:
        from .write.documents.render import export_templates

        written, kept = export_templates(export_dir)
        click.echo(f"Đã chép {len(written)} tệp vào {export_dir}.")
        for path in kept:
            click.echo(f"Giữ nguyên tệp đã có (không chép đè): {path}")
        for path in written:
            click.echo(str(path))
        return
    from .write.documents.writer import DocumentOptions

    _merge(**options, documents=DocumentOptions(templates_dir, pdf))


def _merge(inbox: Path | None, campaign_spec: str, units_file: Path | None, out_dir: Path,
           as_of: dt.date | None, feedback_dir: Path | None, email_to: str | None,
           email_feedback: bool, dry_run: bool, no_cache: bool, ledger: str | None,
           documents: DocumentOptions | None = None) -> None:
    """Run the merge (and the documents, when asked), print its lines, exit with its status."""
    from .campaign import load_campaign
    from .write.unchanged import Previous, quick_check

    campaign = load_campaign(campaign_spec)
    key = None
    if not no_cache and ledger is None and documents is None and feedback_dir is None \
            and not email_to and not email_feedback and units_file is None:
        # Nothing to deliver: when the last run into this folder was this very run, its
        # verified outputs are the answer, told before the pipeline is even loaded.
        key, previous = quick_check(inbox, campaign, out_dir, as_of)
        _previous_then_exit(previous)

    # Only what the run needs before it reads: it loads the rest while its read pool reads.
    from .deliver.mail import parse_addresses
    from .deliver.options import DeliveryOptions
    from .pipeline import RunOptions, run

    options = DeliveryOptions(feedback_dir, parse_addresses(email_to), email_feedback,
                              dry_run)
    result = run(RunOptions(inbox, campaign, out_dir, units_file=units_file, as_of=as_of,
                            progress=_progress(), delivery=options, use_cache=not no_cache,
                            ledger=ledger, documents=documents,
                            reuse=not no_cache and key is None, key=key))
    if isinstance(result, Previous):  # nothing changed: the last run's outputs are the answer
        _previous_then_exit(result)
        return
    _lines_then_exit(click.get_current_context(), result.exit_code)
    from .deliver.delivery import delivery_lines
    from .write.changes import change_lines
    from .write.documents.lines import document_lines
    from .write.summary import summary_lines

    if inbox is None and as_of is None:
        from .textnorm import format_date

        click.echo(f"Hộp thư mẫu của đợt {campaign.id}: số liệu tính đến ngày "
                   f"{format_date(result.consolidation.as_of)} (ngày trong thời gian của đợt thi "
                   f"đua; đổi bằng --as-of).")
    for line in summary_lines(result.consolidation):
        click.echo(line)
    for line in change_lines(result.consolidation.changes):
        click.echo(line)
    for line in delivery_lines(result.upward, result.delivery):
        click.echo(line)
    from .write.upward import delegation_note

    note = delegation_note(result.consolidation) if result.upward else None
    if note:
        click.echo(f"Lưu ý: {note}.")
    if result.paperwork is not None:
        for line in document_lines(result.paperwork):
            click.echo(line)
        if result.paperwork.pdf_problem:
            click.echo(f"Cảnh báo: {result.paperwork.pdf_problem}", err=True)
    for held, new in result.moved.items():
        click.echo(f"Cảnh báo: {held} đang được chương trình khác mở (ví dụ Excel) nên không thay "
                   f"được; tệp cũ giữ nguyên, kết quả mới ghi vào {new}.", err=True)
    for failure in result.delivery.failures:
        click.echo(f"Cảnh báo: không gửi được thư tới {failure.recipient or failure.label}: "
                   f"{failure.error}", err=True)
    click.echo(str(result.report))
    click.echo(str(result.workbook))
    sys.exit(result.exit_code)


def _previous_then_exit(previous: Previous | None) -> None:
    """Say that the last run's outputs stand, and exit with its status (nothing when None)."""
    if previous is None:
        return
    from .write.unchanged import previous_lines

    for line in previous_lines(previous):
        click.echo(line)
    click.echo(str(previous.report))
    click.echo(str(previous.workbook))
    sys.exit(previous.exit_code)


def _lines_then_exit(ctx: click.Context, status: int) -> None:
    """Remember the run's status before its lines are printed: a reader that stops reading
    (`dhtt-merge … | head`) ends the printing, not the truth of the status."""
    ctx.meta[_STATUS] = status


_STATUS = "dhtt_merge.status"


@main.command("receive")
@click.argument("inbox", type=click.Path(path_type=Path), metavar="THƯ_MỤC_HỒ_SƠ")
@click.option("--campaign", "campaign_spec", default="bau-bang-2025", show_default=True,
              metavar="MÃ|TỆP.toml", help="Mã đợt thi đua có sẵn hoặc tệp cấu hình TOML.")
@click.option("--units", "units_file", type=click.Path(path_type=Path), metavar="DANH_MỤC.xlsx",
              help="Tệp danh mục đơn vị có cột Email (mặc định: danh mục trong THƯ_MỤC_HỒ_SƠ).")
@click.option("--since", "since", type=AsOfDate(), default=None, metavar="dd/mm/yyyy",
              help="Nhận thư đến từ ngày này (mặc định: ngày đầu tiên của đợt thi đua, hoặc 60 "
              "ngày trước).")
@click.option("--mark-read", "mark_read", is_flag=True,
              help="Đánh dấu «đã đọc» trên máy chủ các thư đã nhận (mặc định không đổi gì).")
def receive_command(inbox: Path, campaign_spec: str, units_file: Path | None,
                    since: dt.date | None, mark_read: bool) -> None:
    """Nhận hồ sơ từ hộp thư (IMAP, cấu hình bằng biến môi trường DHTT_IMAP_*): lưu các tệp
    đính kèm vào THƯ_MỤC_HỒ_SƠ, mỗi đơn vị một thư mục; thư đã nhận không lưu lại."""
    from .campaign import load_campaign
    from .receive.run import receive, receive_lines
    from .receive.settings import ImapSettings

    settings = ImapSettings.from_env()  # refused before anything is written
    campaign = load_campaign(campaign_spec)
    result = receive(inbox, campaign, settings, since, units_file, mark_read,
                     _progress("Đang nhận thư"))
    _lines_then_exit(click.get_current_context(), result.exit_code)
    for line in receive_lines(result):
        click.echo(line)
    sys.exit(result.exit_code)


@main.command("allocate")
@click.argument("registry", type=click.Path(path_type=Path), metavar="DANH_MỤC.xlsx")
@click.option("--seats", type=int, required=True, metavar="SỐ",
              help="Tổng số chỉ tiêu cần phân bổ.")
@click.option("--method", type=click.Choice(["hamilton", "dhondt", "sainte-lague",
                                             "huntington-hill"]),
              default="hamilton", show_default=True, help="Phương pháp phân bổ.")
@click.option("--min", "minimum", type=int, default=1, show_default=True, metavar="SỐ",
              help="Số tối thiểu cho mỗi đơn vị.")
@click.option("--reserved", type=int, default=0, show_default=True, metavar="SỐ",
              help="Số chỉ tiêu dành riêng, trừ ra trước khi chia.")
@click.option("--weight", default="members", show_default=True, metavar="CỘT",
              help="Trọng số: members (số đoàn viên), workers (số CNVCLĐ) hoặc tên một cột số "
              "của danh mục.")
@click.option("--parent", default=None, metavar="MÃ", help="Chia cho các đơn vị trực thuộc đơn "
              "vị này (mặc định: đơn vị gốc của danh mục).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def allocate_command(registry: Path, seats: int, method: str, minimum: int, reserved: int,
                     weight: str, parent: str | None, as_json: bool) -> None:
    """Phân bổ chỉ tiêu (đại biểu, khen thưởng) cho các đơn vị trong DANH_MỤC."""
    import json

    from .allocate.methods import METHOD_LABELS
    from .allocate.quotas import allocate_registry
    from .campaign import load_campaign
    from .check.registry import load_registry
    from .textnorm import decimal

    tree = load_registry(registry, load_campaign(None))
    parent, shares = allocate_registry(tree, seats, method, minimum, reserved, weight, parent)
    if as_json:
        click.echo(json.dumps([{"unit": s.unit, "weight": s.weight, "quota": float(s.quota),
                                "seats": s.seats} for s in shares], ensure_ascii=False, indent=2))
        return
    click.echo(f"Phân bổ {seats} chỉ tiêu (dành riêng {reserved}, tối thiểu {minimum}) cho các "
               f"đơn vị trực thuộc {parent} – {METHOD_LABELS[method]}")
    click.echo(f"{'Mã đơn vị':<12}{'Trọng số':>10}{'Hạn mức chính xác':>20}{'Số được phân bổ':>18}")
    for share in shares:
        click.echo(f"{share.unit:<12}{share.weight:>10}{decimal(float(share.quota), 4):>20}"
                   f"{share.seats:>18}")
    click.echo(f"{'Cộng':<12}{sum(s.weight for s in shares):>10}"
               f"{decimal(float(sum(s.quota for s in shares)), 4):>20}"
               f"{sum(s.seats for s in shares):>18}")


@main.command("templates")
@click.option("--campaign", "campaign_spec", default="bau-bang-2025", show_default=True,
              metavar="MÃ|TỆP.toml", help="Mã đợt thi đua có sẵn hoặc tệp cấu hình TOML.")
@click.option("--units", "units_file", type=click.Path(path_type=Path), metavar="DANH_MỤC.xlsx",
              help="Tạo cho mỗi đơn vị một mẫu đã ghi sẵn mã, tên, cấp, đơn vị cấp trên và chỉ "
              "tiêu được phân bổ.")
@click.option("--all", "all_presets", is_flag=True,
              help="Tạo mẫu của mọi đợt thi đua có sẵn (và mẫu danh mục đơn vị).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("input_templates"),
              show_default=True, metavar="THƯ_MỤC", help="Thư mục ghi các tệp mẫu.")
def templates_command(campaign_spec: str, units_file: Path | None, all_presets: bool,
                      out_dir: Path) -> None:
    """Tạo mẫu báo cáo cho đơn vị (có danh sách chọn, kiểm tra ngày, năm sinh) và mẫu danh mục
    đơn vị."""
    from .campaign import load_campaign, preset_ids
    from .check.registry import load_registry
    from .write.templates import REGISTRY_TEMPLATE, write_templates

    if all_presets:
        source = click.get_current_context().get_parameter_source("campaign_spec")
        if units_file is not None or source is not click.core.ParameterSource.DEFAULT:
            raise DhttError("--all tạo mẫu trống của mọi đợt thi đua có sẵn, nên không dùng "
                            "cùng --campaign hay --units.")
        written: list[Path] = []
        for preset in preset_ids():
            written += [path for path in write_templates(load_campaign(preset), out_dir)
                        if path not in written]
        click.echo(f"Đã tạo {len(written)} tệp mẫu cho mọi đợt thi đua trong {out_dir}")
    else:
        campaign = load_campaign(campaign_spec)
        registry = load_registry(units_file, campaign) if units_file else None
        written = write_templates(campaign, out_dir, registry)
        click.echo(f"Đã tạo {len(written)} tệp mẫu cho {campaign.id} trong {out_dir}")
    if units_file is None and out_dir / REGISTRY_TEMPLATE not in written:
        click.echo(f"Giữ nguyên {out_dir / REGISTRY_TEMPLATE}: tệp đã có danh mục đơn vị (hoặc "
                   "không phải mẫu danh mục); không ghi đè.")
    for path in written:
        click.echo(str(path))


@main.command("campaigns")
@click.argument("campaign_id", required=False, metavar="[MÃ]")
def campaigns_command(campaign_id: str | None) -> None:
    """Liệt kê các đợt thi đua có sẵn, hoặc in quy định của một đợt."""
    from .campaign import load_campaign, preset_ids
    from .describe import rule_lines

    if campaign_id is None:
        for preset in preset_ids():
            campaign = load_campaign(preset)
            click.echo(f"{preset:<26}{campaign.name}")
        return
    campaign = load_campaign(campaign_id)
    click.echo(f"{campaign.name}\nVăn bản: {campaign.document}\n")
    for line in rule_lines(campaign):
        click.echo(f"• {line.title}: {line.sentence}\n  Nguồn: {line.source}")


LEDGER_OPTION = click.option(
    "--ledger", "ledger", default=None, metavar="SỔ",
    help="Sổ khen thưởng: tệp .db (mặc định so-khen-thuong.db ở thư mục hiện tại) hoặc địa chỉ "
         "postgresql://… dùng chung.")


@main.group("ledger", cls=click.Group, options_metavar="[TÙY_CHỌN]",
            subcommand_metavar="LỆNH [THAM_SỐ]...")
def ledger_group() -> None:
    """Sổ khen thưởng: ghi các quyết định khen thưởng, xem, xuất ra Excel."""


ledger_group.command_class = VietnameseCommand


@ledger_group.command("import")
@click.argument("list_file", type=click.Path(path_type=Path), metavar="DANH_SÁCH.xlsx")
@click.option("--year", type=int, required=True, metavar="NĂM", help="Năm khen thưởng.")
@click.option("--decision", required=True, metavar="SỐ/QĐ-…", help="Số quyết định khen thưởng.")
@click.option("--decision-date", type=AsOfDate(), default=None, metavar="dd/mm/yyyy",
              help="Ngày ký quyết định.")
@LEDGER_OPTION
def ledger_import(list_file: Path, year: int, decision: str, decision_date: dt.date | None,
                  ledger: str | None) -> None:
    """Ghi vào sổ những người, tập thể trong DANH_SÁCH (bảng «Đề nghị khen thưởng») là đã được
    khen theo quyết định; ghi lại cùng quyết định thì không đổi gì. Sổ chưa có thì lệnh này tạo
    sổ mới."""
    from .ledger.lists import awards_from_list
    from .ledger.store import DEFAULT_FILE, add, opened, shown

    granted, problems = awards_from_list(list_file, year, decision, decision_date)
    with opened(ledger or DEFAULT_FILE, create=True) as connection:
        new = add(connection, granted)
    click.echo(f"Đã ghi {new} khen thưởng mới vào sổ {shown(ledger or DEFAULT_FILE)} (danh sách "
               f"có {len(granted) + len(problems)} dòng; {len(granted) - new} dòng đã có trong "
               "sổ).")
    for problem in problems:
        click.echo(f"Lỗi: {problem}", err=True)
    if problems:  # the rest is recorded; the rows left out are the officer's to correct
        sys.exit(1)


@ledger_group.command("show")
@click.argument("name", metavar="HỌ_TÊN")
@click.option("--year", type=int, default=None, metavar="NĂM", help="Chỉ năm này.")
@LEDGER_OPTION
def ledger_show(name: str, year: int | None, ledger: str | None) -> None:
    """In các khen thưởng của một người hoặc tập thể có trong sổ."""
    from .ledger.store import DEFAULT_FILE, history, opened

    with opened(ledger or DEFAULT_FILE) as connection:
        rows = history(connection, name, year)
    if not rows:
        click.echo(f"Sổ không có khen thưởng nào của «{name}»"
                   + (f" năm {year}." if year else "."))
        return
    table = [("Năm", "Họ tên / Tên tập thể", "Năm sinh", "Đơn vị", "Hình thức", "Quyết định"),
             *((str(r["year"]), r["name"], str(r["birth_year"] or ""), r["unit"], r["form"],
                r["decision"] + (f" ngày {r['decision_date']:%d/%m/%Y}"
                                 if r["decision_date"] else "")) for r in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                       strict=True)).rstrip())


@ledger_group.command("export")
@click.argument("target", type=click.Path(path_type=Path), metavar="TỆP.xlsx")
@LEDGER_OPTION
def ledger_export(target: Path, ledger: str | None) -> None:
    """Ghi toàn bộ sổ khen thưởng ra một tệp Excel."""
    from .ledger.store import DEFAULT_FILE, history, opened
    from .write.ledger_export import write_ledger

    with opened(ledger or DEFAULT_FILE) as connection:
        rows = history(connection)
    click.echo(str(write_ledger(rows, target)))


def crash_report(exc: BaseException) -> Path:
    """Write what a maintainer needs (traceback, version, arguments; no cell contents, which
    never reach a traceback's frames as text) to a file in the temporary folder."""
    import platform
    import tempfile
    import traceback

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"dhtt-merge-loi-{stamp}.txt"
    text = "\n".join([
        f"dhtt-merge {__version__}", f"Python {sys.version.split()[0]} on {platform.platform()}",
        f"arguments: {[_hidden(arg) for arg in sys.argv[1:]]!r}", "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ])
    path.write_text(text, encoding="utf-8")
    return path


# The password of a database URL (--ledger postgresql://user:password@host/db?password=…).
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")
_PASSWORD_QUERY = re.compile(r"([?&](?:password|pass|passwd|pwd|sslpassword)=)[^&]*", re.I)


def _hidden(argument: str) -> str:
    """An argument as a crash report keeps it: no password of a URL, wherever it is."""
    return _PASSWORD_QUERY.sub(r"\1***", _PASSWORD.sub(r"\1***@", argument))


def _written_note(exc: BaseException) -> str:
    """What the interrupted run already wrote, for the line that ends it: a run's outputs are
    put in place together at its end, so only an error while they were (`Staging.publish`)
    leaves some written."""
    written = getattr(exc, "written", None) or []
    if not written:
        return " Chưa ghi tệp kết quả nào."
    return " Các tệp đã ghi trước khi dừng: " + ", ".join(str(p) for p in written) + "."


def _fail(message: str) -> None:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def _progress(label: str = "Đang đọc tệp") -> Any:
    """Click's progress bar on stderr (ASCII, so any console shows it), silent when stderr is
    not a terminal."""
    if not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def report(step: str, done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label=label,
                                                   file=sys.stderr, fill_char="#",
                                                   empty_char="-", show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return report


def command() -> None:
    """The installed `dhtt-merge`, and `python -m excel_pipeline`: a process that runs only
    this command.

    pandera imports hypothesis, where it is installed (beside the tests), to offer data
    synthesis, which the command never uses; that import is 0.3 s of every run, about a
    twentieth of a re-run. A process that is only the command marks hypothesis absent, so
    pandera validates exactly as where hypothesis is not installed at all."""
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    console.make_streams_safe()
    try:
        main(prog_name="dhtt-merge", standalone_mode=False)
    except click.ClickException as exc:  # a usage mistake: said, nothing written
        exc.show()
        sys.exit(2)
    except click.Abort:  # Ctrl-C while click itself was reading or prompting
        click.echo("Đã dừng theo yêu cầu (Ctrl-C).", err=True)
        sys.exit(130)
