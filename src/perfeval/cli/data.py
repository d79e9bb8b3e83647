"""Data in and out of other formats: ``excel-template``, ``import-excel``, ``export-excel``, ``export-docx``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from perfeval.cli.bureau import date_argument
from perfeval.cli.outputs import DATA, check_data_output, check_output, refuse_data_folder, refuse_project_files
from perfeval.errors import DataError, UsageError
from perfeval.model import DepartmentYear, check_source, department_path, load_department, write_record
from perfeval.model.files import YEAR_FOLDER
from perfeval.review import DEFAULT_FRAMEWORK, resolve_framework


def register(subparsers: Any) -> None:
    template = subparsers.add_parser(
        "excel-template", help="生成 Excel 填报模板",
        description="生成部门整体支出绩效评价数据的 Excel 填报模板（含说明、表头、下拉选项）。",
    )
    template.add_argument("-o", "--output", metavar="文件", type=Path, required=True, help="输出的 .xlsx 文件，如 模板.xlsx")
    template.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    template.set_defaults(func=cmd_template)

    imp = subparsers.add_parser(
        "import-excel", help="把填好的 Excel 工作簿导入为 YAML 数据文件",
        description="读取填好的工作簿，校验后写入 <数据目录>/<年度>/<部门代码>.yaml。",
    )
    imp.add_argument("file", metavar="工作簿", type=Path, help="填好的 .xlsx 工作簿")
    imp.add_argument("-o", "--output", metavar="文件", type=Path, default=None,
                     help="输出的 YAML 文件（默认 <数据目录>/<年度>/<部门代码>.yaml）")
    imp.add_argument("--data-dir", metavar="目录", type=Path, default=DATA, help="数据目录（默认 data）")
    imp.add_argument("--force", action="store_true", help="覆盖内容不同的已有数据文件")
    imp.set_defaults(func=cmd_import)

    exp = subparsers.add_parser(
        "export-excel", help="把数据文件导出为 Excel 工作簿",
        description="把 <数据目录>/<年度>/<部门代码>.yaml 导出为与模板格式相同、已填好的工作簿。",
    )
    exp.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    exp.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    exp.add_argument("-o", "--output", metavar="文件", type=Path, required=True, help="输出的 .xlsx 文件（不能在数据目录下）")
    exp.add_argument("--data-dir", metavar="目录", type=Path, default=DATA, help="数据目录（默认 data）")
    exp.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    exp.set_defaults(func=cmd_export)

    docx = subparsers.add_parser(
        "export-docx", help="把部门报告导出为 Word 文档（单位自评报告，或测算意见）",
        description="把 <数据目录>/<年度>/<部门代码>.yaml 导出为公文格式的 Word 文档（.docx）：默认是单位自评报告"
                    "（按原报告整理，含单位自评表，不含本书的测算）；--part review 是可签发的测算意见（评价结论、"
                    "发现的问题及单位回复、意见建议、测算得分明细、落款和日期）。",
    )
    docx.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    docx.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    docx.add_argument("-o", "--output", metavar="文件", type=Path, required=True, help="输出的 .docx 文件（不能在数据目录下）")
    docx.add_argument("--data-dir", metavar="目录", type=Path, default=DATA, help="数据目录（默认 data）")
    docx.add_argument("--framework", metavar="指标体系", default=DEFAULT_FRAMEWORK,
                      help=f"指标体系：名称（在 --frameworks-dir 中查找）或 YAML 文件路径（默认 {DEFAULT_FRAMEWORK}）")
    docx.add_argument("--frameworks-dir", metavar="目录", type=Path, default=DATA / "frameworks",
                      help="按名称查找指标体系的目录，须名为 frameworks（默认 data/frameworks）")
    docx.add_argument("--part", choices=("unit", "review"), default="unit",
                      help="unit：单位自评报告（默认）；review：测算意见")
    docx.add_argument("--issuer", metavar="单位", default=None,
                      help="测算意见的落款单位（默认 _config.yml 的 opinion.issuer，其次 publisher）")
    docx.add_argument("--date", metavar="日期", type=date_argument, default=None,
                      help="测算意见的日期，如 2025-06-30（默认 _config.yml 的 opinion.date；都没有时留空待手写）")
    docx.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    docx.set_defaults(func=cmd_export_docx)


def cmd_template(args: argparse.Namespace) -> int:
    refuse_data_folder(args.output, [DATA])
    refuse_project_files(args.output)
    from perfeval.excel import write_workbook   # openpyxl: imported by the commands that use it

    path = write_workbook(None, args.output, force=args.force)
    print(f"已生成模板 {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    source: Path = args.file
    from perfeval.excel import read_workbook

    record = read_workbook(source)
    out: Path = args.output or department_path(args.data_dir, record.code, record.year)
    check_data_output(out, record.code, record.year, [DATA, args.data_dir])
    refuse_project_files(out, data_ok=True)
    if out.name != f"{record.code}.yaml":
        print(f"perfeval: 注意：文件名 {out.name} 与部门代码不一致，放入数据目录前请改名为 {record.code}.yaml",
              file=sys.stderr)
    check_report_beside(source, out, record)
    header = f"{record.year}年{record.unit.name}：由 perfeval import-excel 从 {source.name} 导入。金额单位：万元。"
    if write_record(record, out, force=args.force, header=header):
        print(f"已写入 {out}")
    else:
        print(f"数据未变化，未改写 {out}")
    return 0


def check_report_beside(workbook: Path, out: Path, record: DepartmentYear) -> None:
    """The report a workbook names (基本信息 › 原报告) is beside the data file it would write, and is that report:
    otherwise the file would not load. In a year folder a :class:`DataError` naming the workbook's rows; outside
    the data (``-o`` elsewhere) a warning, as for a file name that is not the code."""
    try:
        check_source(out, record)
    except DataError as exc:
        report = out.parent / (record.source.file if record.source else "")
        what = (f"所记的原报告校验值与 {report} 不一致（原报告已被改动或换成了另一个文件）" if exc.field == "source.sha256"
                else f"所记的原报告 {report} 不存在" if not report.is_file() else f"所记的原报告 {report} 无法读取")
        if not YEAR_FOLDER.fullmatch(out.parent.name):
            print(f"perfeval: 注意：{what}；放入数据目录时请把原报告放在数据文件旁", file=sys.stderr)
            return
        raise DataError(workbook, f"{what}：请把原报告放到数据文件 {out.name} 旁，或在工作表「基本信息」中清空“原报告”"
                                  "各行 (the source document is not beside the data file)",
                        record="工作表「基本信息」", field=exc.field, label=exc.label) from None


def cmd_export(args: argparse.Namespace) -> int:
    refuse_data_folder(args.output, [DATA, args.data_dir])
    refuse_project_files(args.output)
    record = load_department(department_path(args.data_dir, args.code, args.year))
    from perfeval.excel import write_workbook

    path = write_workbook(record, args.output, force=args.force)
    print(f"已导出 {path}")
    return 0


def cmd_export_docx(args: argparse.Namespace) -> int:
    from perfeval.pages import export_docx
    from perfeval.review import config_signature, find_config

    output: Path = args.output
    if output.suffix.lower() != ".docx":
        raise UsageError(f"输出文件应以 .docx 结尾：{output}")
    check_output(output, force=args.force, data_dirs=[DATA, args.data_dir])
    if args.frameworks_dir.name != "frameworks":
        raise UsageError(f"--frameworks-dir 应是名为 frameworks 的目录：{args.frameworks_dir}")
    framework = resolve_framework(args.framework, args.frameworks_dir.parent)
    record = load_department(department_path(args.data_dir, args.code, args.year))
    signature = config_signature(find_config(Path.cwd()), args.issuer, args.date)
    path = export_docx(record, output, framework, args.data_dir, part=args.part, signature=signature)
    print(f"已导出 {path}")
    return 0
