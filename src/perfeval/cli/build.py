"""Commands that execute notebooks and build the book: ``run``, ``build``, ``validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from perfeval.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="execute the department template for one department-year with papermill")
    p.add_argument("code", help="department code, e.g. xiangtan-minzheng")
    p.add_argument("year", type=int)
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="override a notebook parameter (repeatable); names must exist in the parameters cell")
    p.add_argument("-o", "--output", required=True, help="executed notebook to write")
    p.add_argument("--template", default=None, help="template notebook (default notebooks/department.ipynb)")
    p.set_defaults(func=cmd_run)

    b = sub.add_parser("build", help="validate data, execute all department-years and build the HTML book")
    b.add_argument("--only", metavar="CODE", help="execute only this department (the TOC still lists all)")
    b.add_argument("--data-dir", action="append", dest="data_dirs", metavar="DIR",
                   help="data folder(s) with <year>/<code>.yaml (default: data)")
    b.add_argument("--root", default=".", help="book project root (with _config.yml)")
    b.add_argument("--no-html", action="store_true", help="execute notebooks and write the TOC only")
    b.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    b.add_argument("--keep-going", action="store_true", help="build the other departments when one fails")
    b.add_argument("--force", action="store_true", help="execute every notebook even when its inputs did not change")
    b.add_argument("--engine", default="perfeval-warm", choices=["perfeval-warm", "nbclient"],
                   help="papermill engine: warm reused kernels (default) or papermill's plain engine")
    b.add_argument("--executor", default="local", choices=["local", "dask"],
                   help="where notebooks run: a local process pool (default) or a Dask cluster")
    b.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    b.add_argument("--framework", default="xiangtan-2024", help="indicator framework (data/frameworks/<name>.yaml)")
    b.set_defaults(func=cmd_build)

    d = sub.add_parser("demo", help="write a deterministic synthetic dataset (示例数据)")
    d.add_argument("--departments", type=int, default=12)
    d.add_argument("--years", default="2022-2024", help="e.g. 2022-2024 or 2022,2024")
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--out", required=True, help="output folder (gets <year>/<code>.yaml)")
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("validate", help="validate every data file")
    v.add_argument("--data-dir", action="append", dest="data_dirs", metavar="DIR")
    v.set_defaults(func=cmd_validate)


def _coerce(value: str) -> Any:
    """Parameter values from the command line: integers stay integers, the rest is text."""
    try:
        return int(value)
    except ValueError:
        return value


def cmd_run(args: argparse.Namespace) -> int:
    from perfeval.book.plan import Project, execute, validate_parameters
    from perfeval.model import department_path, load_department

    project = Project.at(".")
    template = Path(args.template) if args.template else project.root / "notebooks" / "department.ipynb"
    if not template.is_file():
        raise UsageError(f"模板笔记本不存在：{template}")
    params: dict[str, Any] = {"code": args.code, "year": args.year, "data_dir": "data"}
    for name, value in args.parameter:
        if name in ("code", "year"):
            raise UsageError(f"参数 {name} 请用位置参数给出 (give {name} positionally)")
        params[name] = _coerce(value)
    validate_parameters(template, params)
    data_dir = Path(str(params["data_dir"])).resolve()
    params["data_dir"] = str(data_dir)
    if "framework_file" not in params:
        from perfeval.review import DEFAULT_FRAMEWORK, resolve_framework

        params["framework_file"] = str(resolve_framework(DEFAULT_FRAMEWORK, project.root / "data"))
    params["framework_file"] = str(Path(str(params["framework_file"])).resolve())
    record = load_department(department_path(data_dir, args.code, args.year))
    has_history = any(department_path(data_dir, args.code, y).is_file() for y in range(2000, args.year))
    execute(template, Path(args.output), params, record.report_title, () if has_history else ("if-history",))
    print(f"已生成 {args.output}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from perfeval.book.plan import Project, build

    project = Project.at(args.root, args.data_dirs)
    if not (project.root / "_config.yml").is_file():
        raise UsageError(f"{project.root} 下没有 _config.yml (not a book root)")
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask 需要 --scheduler ADDRESS")
    try:
        report = build(project, only=args.only, html=not args.no_html, jobs=args.jobs, keep_going=args.keep_going,
                       force=args.force, engine=args.engine, executor=args.executor, scheduler=args.scheduler,
                       framework=args.framework)
    except RuntimeError as exc:  # jupyter-book failed: the previous book stays published
        print(f"perfeval: 网页生成失败，已发布的网页未改变：{exc}", file=sys.stderr)
        return 1
    if report.failed:
        for name, error in report.failed.items():
            print(f"perfeval: 构建失败 {name}：{error}", file=sys.stderr)
        return 1
    if report.html:
        print(f"网页已生成：{report.html / 'index.html'}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from perfeval.book.plan import Project, load_records

    project = Project.at(".", args.data_dirs)
    records = load_records(project)
    print(f"数据校验通过：{len(records)} 个部门-年度")
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
    paths = write(generate(args.departments, years, args.seed), Path(args.out))
    print(f"已写入 {len(paths)} 个示例数据文件到 {args.out}")
    return 0
