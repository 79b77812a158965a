"""The `dhtt-merge` command: parse options, call the library, map our exceptions to exit codes.

Heavy libraries (pandas, pandera, calamine, xlsxwriter) are imported inside the commands, so
`dhtt-merge --help` answers at once.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import DhttError

RUN_COMMAND = "tong-hop"


class DefaultGroup(click.Group):
    """A group whose default command is the merge: `dhtt-merge FOLDER` means `dhtt-merge tong-hop
    FOLDER`, while `dhtt-merge campaigns` still reaches the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names
                        and args[0] != "--version"):
            args = [RUN_COMMAND, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dhtt-merge", message="%(prog)s %(version)s")
def main() -> None:
    """Tổng hợp hồ sơ Hội nghị điển hình tiên tiến và thi đua – khen thưởng.

    Cách dùng thường gặp: dhtt-merge THƯ_MỤC_HỒ_SƠ [--campaign MÃ] [--units DANH_MỤC.xlsx]
    [--out THƯ_MỤC] [--as-of YYYY-MM-DD]. Không ghi THƯ_MỤC_HỒ_SƠ thì dùng hộp thư mẫu kèm theo.
    """


@main.command(RUN_COMMAND)
@click.argument("inbox", required=False, type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_spec", default="bau-bang-2025", show_default=True,
              metavar="MÃ|TỆP.toml", help="Mã đợt thi đua có sẵn hoặc tệp cấu hình TOML.")
@click.option("--units", "units_file", type=click.Path(path_type=Path), metavar="DANH_MỤC.xlsx",
              help="Tệp danh mục đơn vị (Mã đơn vị, Tên đơn vị, Cấp, Mã đơn vị cấp trên, ...).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="Thư mục ghi tong-hop.xlsx và tong-hop.json.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="Ngày dùng để xét hạn nộp (mặc định: hôm nay).")
@click.option("--feedback", "feedback_dir", type=click.Path(path_type=Path), default=None,
              metavar="THƯ_MỤC", help="Ghi cho mỗi đơn vị có phát hiện một tệp phản hồi "
              "(MÃ_ĐƠN_VỊ.xlsx) vào THƯ_MỤC.")
@click.option("--email-to", "email_to", default=None, metavar="ĐỊA_CHỈ[,ĐỊA_CHỈ]",
              help="Gửi bảng tổng hợp qua thư điện tử (cấu hình SMTP bằng biến môi trường "
              "DHTT_SMTP_*).")
@click.option("--email-feedback", is_flag=True,
              help="Gửi cho mỗi đơn vị tệp phản hồi của mình, tới Email ở trang Thông tin đơn vị.")
@click.option("--dry-run", is_flag=True,
              help="Không gửi thư: ghi các thư ra tệp .eml trong thư mục thu-gui.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Đọc lại mọi tệp, không dùng kết quả đọc lưu ở THƯ_MỤC/.dhtt-cache.")
def merge_command(inbox: Path | None, campaign_spec: str, units_file: Path | None,
                  out_dir: Path, as_of: dt.datetime | None, feedback_dir: Path | None,
                  email_to: str | None, email_feedback: bool, dry_run: bool,
                  no_cache: bool) -> None:
    """Tổng hợp mọi tệp Excel trong THƯ_MỤC_HỒ_SƠ thành một bảng tổng hợp."""
    from .campaign import load_campaign
    from .deliver.delivery import DeliveryOptions, delivery_lines
    from .deliver.mail import parse_addresses
    from .pipeline import run
    from .write.summary import summary_lines

    try:
        options = DeliveryOptions(feedback_dir, parse_addresses(email_to), email_feedback,
                                  dry_run)
        campaign = load_campaign(campaign_spec)
        result = run(inbox, campaign, out_dir, units_file=units_file,
                     as_of=as_of.date() if as_of else None, progress=_progress(),
                     delivery=options, use_cache=not no_cache)
    except DhttError as exc:
        _fail(str(exc))
    for line in summary_lines(result.consolidation):
        click.echo(line)
    for line in delivery_lines(result.upward, result.delivery):
        click.echo(line)
    for failure in result.delivery.failures:
        click.echo(f"Cảnh báo: không gửi được thư tới {failure.recipient or failure.label}: "
                   f"{failure.error}", err=True)
    click.echo(str(result.report))
    click.echo(str(result.workbook))
    sys.exit(result.exit_code)


@main.command("allocate")
@click.argument("registry", type=click.Path(path_type=Path))
@click.option("--seats", type=int, required=True, help="Tổng số chỉ tiêu cần phân bổ.")
@click.option("--method", type=click.Choice(["hamilton", "dhondt", "sainte-lague",
                                             "huntington-hill"]),
              default="hamilton", show_default=True, help="Phương pháp phân bổ.")
@click.option("--min", "minimum", type=int, default=1, show_default=True,
              help="Số tối thiểu cho mỗi đơn vị.")
@click.option("--reserved", type=int, default=0, show_default=True,
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

    try:
        tree = load_registry(registry, load_campaign(None))
        parent, shares = allocate_registry(tree, seats, method, minimum, reserved, weight, parent)
    except DhttError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps([{"unit": s.unit, "weight": s.weight, "quota": float(s.quota),
                                "seats": s.seats} for s in shares], ensure_ascii=False, indent=2))
        return
    click.echo(f"Phân bổ {seats} chỉ tiêu (dành riêng {reserved}, tối thiểu {minimum}) cho các "
               f"đơn vị trực thuộc {parent} – {METHOD_LABELS[method]}")
    click.echo(f"{'Mã đơn vị':<12}{'Trọng số':>10}{'Hạn mức chính xác':>20}{'Số được phân bổ':>18}")
    for share in shares:
        click.echo(f"{share.unit:<12}{share.weight:>10}{float(share.quota):>20.4f}"
                   f"{share.seats:>18}")
    click.echo(f"{'Cộng':<12}{sum(s.weight for s in shares):>10}"
               f"{float(sum(s.quota for s in shares)):>20.4f}{sum(s.seats for s in shares):>18}")


@main.command("templates")
@click.option("--campaign", "campaign_spec", default="bau-bang-2025", show_default=True,
              metavar="MÃ|TỆP.toml", help="Mã đợt thi đua có sẵn hoặc tệp cấu hình TOML.")
@click.option("--units", "units_file", type=click.Path(path_type=Path), metavar="DANH_MỤC.xlsx",
              help="Tạo cho mỗi đơn vị một mẫu đã ghi sẵn mã, tên, cấp, đơn vị cấp trên và chỉ "
              "tiêu được phân bổ.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("input_templates"),
              show_default=True, help="Thư mục ghi các tệp mẫu.")
def templates_command(campaign_spec: str, units_file: Path | None, out_dir: Path) -> None:
    """Tạo mẫu báo cáo cho đơn vị (có danh sách chọn, kiểm tra ngày, năm sinh)."""
    from .campaign import load_campaign
    from .check.registry import load_registry
    from .write.templates import write_templates

    try:
        campaign = load_campaign(campaign_spec)
        registry = load_registry(units_file, campaign) if units_file else None
        written = write_templates(campaign, out_dir, registry)
    except DhttError as exc:
        _fail(str(exc))
    click.echo(f"Đã tạo {len(written)} tệp mẫu cho {campaign.id} trong {out_dir}")
    for path in written:
        click.echo(str(path))


@main.command("campaigns")
@click.argument("campaign_id", required=False, metavar="MÃ")
def campaigns_command(campaign_id: str | None) -> None:
    """Liệt kê các đợt thi đua có sẵn, hoặc in quy định của một đợt."""
    from .campaign import load_campaign, preset_ids
    from .describe import rule_table

    if campaign_id is None:
        for preset in preset_ids():
            campaign = load_campaign(preset)
            click.echo(f"{preset:<26}{campaign.name}")
        return
    try:
        campaign = load_campaign(campaign_id)
    except DhttError as exc:
        _fail(str(exc))
    click.echo(f"{campaign.name}\nVăn bản: {campaign.document}\n")
    rows = [("Cấp", "Quy định", "Mức", "Nguồn"), *rule_table(campaign)]
    widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths,
                                                                          strict=False))
                   + "  " + str(row[3]))


def _fail(message: str) -> None:
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(2)


def _progress() -> Any:
    """A one-line progress bar on stderr, silent when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(step: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "█" * filled + "·" * (width - filled)
        end = "\n" if done >= total else ""
        click.echo(f"\rĐang đọc tệp [{bar}] {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return report


def command() -> None:
    """The installed `dhtt-merge`, and `python -m excel_pipeline`: a process that runs only
    this command.

    pandera imports hypothesis, where it is installed (beside the tests), to offer data
    synthesis, which the command never uses; that import is 0.3 s of every run, about a
    twentieth of a re-run. A process that is only the command marks hypothesis absent, so
    pandera validates exactly as where hypothesis is not installed at all."""
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
    main(prog_name="dhtt-merge")
