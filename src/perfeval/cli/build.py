"""Commands that execute notebooks and build the book: ``run``, ``build``, ``validate``, ``demo``, ``migrate``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from perfeval.book import BookLayout, BuildOptions, RenderError, build, department_run
from perfeval.book.notebook import DEFAULT_ENGINE, clean_notebook, describe_failure, execute_notebook, write_notebook
from perfeval.book.pipeline import ENGINES, EXECUTORS, ExecutorError
from perfeval.book.plan import DEPARTMENT_TEMPLATE
from perfeval.cli.bureau import side_file_problems
from perfeval.cli.outputs import check_new_files, check_output, refuse_project_files
from perfeval.cli.parser import printable
from perfeval.cli.project import check_before_publishing
from perfeval.errors import UsageError
from perfeval.model import department_path, load_department, load_records
from perfeval.model.files import YEAR_FOLDER
from perfeval.review import DEFAULT_FRAMEWORK, load_framework, resolve_framework

FRAMEWORK_HELP = f"指标体系：名称（在 data/frameworks 中查找）或 YAML 文件路径（默认 {DEFAULT_FRAMEWORK}）"


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="用 papermill 执行一个部门一个年度的报告模板",
                       description="执行部门报告模板（notebooks/department.ipynb），写出执行后的笔记本。")
    p.add_argument("code", metavar="部门代码", help="部门代码，如 xiangtan-minzheng")
    p.add_argument("year", metavar="年度", type=int, help="评价年度，如 2024")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("名称", "值"),
                   help="覆盖模板的一个参数（可重复）；名称须在模板的 parameters 单元中声明，如 -p data_dir 其他数据目录")
    p.add_argument("-o", "--output", metavar="文件", required=True, help="写出的笔记本（.ipynb），不能在数据目录下")
    p.add_argument("--template", metavar="模板", default=None, help=f"模板笔记本（默认 {DEPARTMENT_TEMPLATE}）")
    p.add_argument("--framework", metavar="指标体系", default=DEFAULT_FRAMEWORK, help=FRAMEWORK_HELP)
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    p.set_defaults(func=cmd_run)

    b = sub.add_parser("build", help="校验数据、执行全部页面并生成网页版报告",
                       description="校验数据，执行输入有变化的页面（并行），生成目录，用 jupyter-book 生成网页并原子发布。")
    b.add_argument("--only", metavar="部门代码", help="只执行这个部门的页面及用到它的页面（目录仍列出全部）")
    b.add_argument("--data-dir", action="append", dest="data_dirs", metavar="目录",
                   help="数据目录，含 <年度>/<部门代码>.yaml（可重复；默认 data；示例数据另成一本书：make demo）")
    b.add_argument("--root", metavar="目录", default=".", help="书的项目目录（含 _config.yml；默认当前目录）")
    b.add_argument("--no-html", action="store_true", help="只执行笔记本、写目录，不生成网页")
    b.add_argument("--jobs", metavar="N", type=int, default=None, help="并行进程数（默认全部 CPU 核）")
    b.add_argument("--keep-going", action="store_true", help="某个页面失败时继续执行其他页面（不发布网页）")
    b.add_argument("--force", action="store_true", help="即使输入未变化也重新执行每个页面，并从头生成网页")
    b.add_argument("--engine", metavar="引擎", default=DEFAULT_ENGINE, choices=ENGINES,
                   help=f"papermill 引擎：{ENGINES[0]}（默认，复用预热的内核）或 {ENGINES[1]}（papermill 自带）")
    b.add_argument("--executor", metavar="执行方式", default="local", choices=EXECUTORS,
                   help="在哪里执行：local（本机进程池，默认）或 dask（Dask 集群，需要 perfeval[dask]）")
    b.add_argument("--scheduler", metavar="地址", help="Dask 调度器地址，如 tcp://127.0.0.1:8786")
    b.add_argument("--framework", metavar="指标体系", default=DEFAULT_FRAMEWORK, help=FRAMEWORK_HELP)
    b.add_argument("--allow-sensitive", action="store_true",
                   help="公开前审查有未确认的内容时仍然发布（慎用；逐项确认请写 disclosure-accepted.yaml）")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="校验全部数据文件和指标体系",
                       description="校验数据目录下的全部数据文件，以及 data/frameworks（和各数据目录下 frameworks/）中的指标体系。")
    v.add_argument("--data-dir", action="append", dest="data_dirs", metavar="目录",
                   help="数据目录（可重复；默认 data）")
    v.set_defaults(func=cmd_validate)

    m = sub.add_parser("migrate", help="把旧版（第 1 版）数据文件就地改写为新格式（第 2 版）",
                       description="把旧版（第 1 版）数据文件就地改写为新格式。注释只保留文件开头的几行，"
                                   "文件中间的注释会丢失：含此类注释的文件须加 --force 才转换。")
    m.add_argument("paths", nargs="+", metavar="路径", help="数据文件，或数据目录（<年度>/<部门代码>.yaml）")
    m.add_argument("--force", action="store_true", help="即使文件中间的注释会丢失也转换")
    m.set_defaults(func=cmd_migrate)

    d = sub.add_parser("demo", help="生成确定的示例数据（示例数据）",
                       description="生成确定的（同样参数得到同样文件）合成数据集，写入 <输出目录>/<年度>/<部门代码>.yaml。")
    d.add_argument("--departments", metavar="N", type=int, default=12, help="部门数（默认 12）")
    d.add_argument("--years", metavar="年度", default="2022-2024", help="年度，如 2022-2024 或 2022,2024（默认 2022-2024）")
    d.add_argument("--seed", metavar="N", type=int, default=7, help="随机种子（默认 7）")
    d.add_argument("--out", metavar="目录", required=True, help="输出目录（写入 <年度>/<部门代码>.yaml）")
    d.add_argument("--force", action="store_true", help="覆盖内容不同的已有文件")
    d.set_defaults(func=cmd_demo)


def _coerce(value: str) -> Any:
    """Parameter values from the command line: integers stay integers, the rest is text."""
    try:
        return int(value)
    except ValueError:
        return value


def _overrides(pairs: list[list[str]]) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs; paths (names ending in _dir or _file) are made absolute here, once."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in ("code", "year"):
            raise UsageError(f"参数 {name} 请用位置参数给出 (give {name} positionally)")
        out[name] = _coerce(value)
        if name.endswith(("_dir", "_file")) and isinstance(out[name], str) and out[name]:
            out[name] = str(Path(out[name]).resolve())
    return out


def cmd_run(args: argparse.Namespace) -> int:
    layout = BookLayout.at(".")
    template = Path(args.template).resolve() if args.template else layout.template(DEPARTMENT_TEMPLATE)
    overrides = _overrides(args.parameter)
    data_dir = Path(str(overrides.get("data_dir", "data"))).resolve()
    framework_file = resolve_framework(args.framework, layout.data_root).resolve()
    output = check_output(Path(args.output), force=args.force, data_dirs=[layout.data_root, data_dir], root=layout.root)
    if output.resolve() == template.resolve():
        raise UsageError(f"不能写入 {output}：它是模板笔记本本身 (refusing to overwrite the template)")
    record = load_department(department_path(data_dir, args.code, args.year))
    run = department_run(layout, record, data_dir, framework_file, template=template, overrides=overrides,
                         book=False)
    try:
        nb = execute_notebook(template, run.parameters, DEFAULT_ENGINE)
    except Exception as exc:  # noqa: BLE001 - a failing cell is a message, not a traceback
        if type(exc).__name__ != "PapermillExecutionError":
            raise
        print(f"perfeval: 执行失败：{describe_failure(exc, template, run.describe(), run.title)}", file=sys.stderr)
        return 1
    clean_notebook(nb, run.title, run.drop_tags)
    write_notebook(nb, output)
    print(f"已生成 {output}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    layout = BookLayout.at(args.root, args.data_dirs)
    if not (layout.root / "_config.yml").is_file():
        raise UsageError(f"{layout.root} 下没有 _config.yml (not a book root)")
    options = BuildOptions(
        framework_file=resolve_framework(args.framework, layout.data_root).resolve(), only=args.only,
        html=not args.no_html, jobs=args.jobs, keep_going=args.keep_going, force=args.force, engine=args.engine,
        executor=args.executor, scheduler=args.scheduler)
    if not check_before_publishing(layout, allow=args.allow_sensitive, publish=options.html):
        return 1
    try:
        report = build(layout, options)
    except RenderError as exc:  # jupyter-book failed: the previous book stays published
        print(f"perfeval: 网页生成失败，已发布的网页未改变：{exc}", file=sys.stderr)
        return 1
    except ExecutorError as exc:  # the process pool or the Dask cluster broke down
        print(f"perfeval: 构建中断：{exc}", file=sys.stderr)
        return 1
    if report.failed:
        for name, error in report.failed.items():
            print(f"perfeval: 构建失败 {name}：{error}", file=sys.stderr)
        return 1
    if report.html:
        print(f"网页已生成：{report.html / 'index.html'}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    layout = BookLayout.at(".", args.data_dirs)
    records = load_records(layout.data_dirs)
    stale = side_file_problems(records)       # rulings and replies whose finding no longer exists
    for line in stale:
        print(f"perfeval: 数据错误：{printable(line)}", file=sys.stderr)
    if stale:
        return 2
    # Frameworks are data too: those of the project and any in a data folder's frameworks/.
    folders = dict.fromkeys(f for f in (layout.frameworks_dir, *(d / "frameworks" for d in layout.data_dirs))
                            if f.is_dir())
    frameworks = [load_framework(path) for folder in folders for path in sorted(folder.glob("*.yaml"))
                  if not path.name.startswith((".", "_"))]
    print(f"数据校验通过：{len(records)} 个部门-年度，{len(frameworks)} 个指标体系")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from perfeval.model.demo import MAX_DEPARTMENTS, generate, parse_years, write

    if not 1 <= args.departments <= MAX_DEPARTMENTS:
        raise UsageError(f"--departments 应在 1 到 {MAX_DEPARTMENTS} 之间")
    try:
        years = parse_years(args.years)
    except ValueError:
        raise UsageError(f"--years 格式应为 2022-2024：{args.years}") from None
    if not years:
        raise UsageError(f"--years 没有给出任何年度（起止年份是否写反？）：{args.years}")
    out = Path(args.out)
    if YEAR_FOLDER.fullmatch(out.name):
        raise UsageError(f"--out 应是数据目录（其下为 <年度>/<部门代码>.yaml），{out} 是年度目录，会写成 {out / out.name}/…；"
                         f"请改用 --out {out.parent} (--out is a data folder, not a year folder)")
    refuse_project_files(out, data_ok=True)
    records = generate(args.departments, years, args.seed)
    with tempfile.TemporaryDirectory() as tmp:   # what would be written, to find files it would change
        fresh = write(records, Path(tmp))
        changed = [out / p.relative_to(tmp) for p in fresh
                   if (out / p.relative_to(tmp)).exists() and (out / p.relative_to(tmp)).read_bytes() != p.read_bytes()]
    check_new_files(changed, force=args.force)
    paths = write(records, out)
    print(f"已写入 {len(paths)} 个示例数据文件到 {args.out}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from perfeval.errors import DataError
    from perfeval.model.files import discover, migrate_file

    files: list[Path] = []
    for given in map(Path, args.paths):
        if given.is_dir():
            if YEAR_FOLDER.fullmatch(given.name):
                files.extend(p for p in discover(given.parent) if p.parent == given)
            else:
                files.extend(discover(given))
        else:
            files.append(given)
    counts = {"migrated": 0, "current": 0, "failed": 0}
    for path in files:
        try:
            result = migrate_file(path, force=args.force)
        except DataError as exc:
            print(f"perfeval: 数据错误：{exc}", file=sys.stderr)
            counts["failed"] += 1
            continue
        print(result.message, file=sys.stderr if result.status == "refused" else sys.stdout)
        counts["failed" if result.status == "refused" else result.status] += 1
    print(f"共 {len(files)} 个文件：转换 {counts['migrated']} 个，已是新格式 {counts['current']} 个，"
          f"未转换 {counts['failed']} 个。")
    return 2 if counts["failed"] else 0
