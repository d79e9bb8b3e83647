"""Build engine: content-hash cache, incremental rebuilds, warm-kernel isolation, Dask executor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from perfeval.book import BookLayout, BuildOptions, build, department_run
from perfeval.book.notebook import clean_notebook, execute_notebook, write_notebook
from perfeval.model.files import load_department
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, small_project

DEMO = ("qinghe-jiaoyu", "qinghe-weijian")




def _options(root: Path, **kwargs: Any) -> BuildOptions:
    kwargs.setdefault("log", lambda *_: None)
    return BuildOptions(framework_file=resolve_framework(DEFAULT_FRAMEWORK, root / "data"), **kwargs)


def execute(template: Path, output: Path, parameters: dict[str, Any], title: str, engine: str) -> bool:
    nb = execute_notebook(template, parameters, engine)
    clean_notebook(nb, title)
    return write_notebook(nb, output)


def _manifest(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((root / "_build/build.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = small_project(tmp_path_factory.mktemp("engine"), DEMO)
    report = build(BookLayout.at(root), _options(root, html=False, jobs=2))
    assert not report.failed
    return root


ALL_PAGES = {"book/2024/xiangtan-minzheng", "book/2024/source/xiangtan-minzheng", "book/2024/qinghe-jiaoyu",
             "book/2024/qinghe-weijian", "book/2024/overview-demo", "book/2024/risk-demo", "book/findings",
             "book/method"}


def test_first_build_executes_every_page(project: Path) -> None:
    # (module fixture built it) every page ran once and its key is recorded
    runs = _manifest(project)["runs"]
    assert set(runs) == ALL_PAGES and all(r["key"] for r in runs.values())


def test_second_build_with_nothing_changed_executes_nothing(project: Path) -> None:
    mtimes = {p: p.stat().st_mtime_ns for p in (project / "book").rglob("*.ipynb")}
    build(BookLayout.at(project), _options(project, html=False, jobs=2))
    m = _manifest(project)
    assert m["executed"] == [] and set(m["cached"]) == ALL_PAGES
    assert {p: p.stat().st_mtime_ns for p in (project / "book").rglob("*.ipynb")} == mtimes


def test_changing_one_department_reexecutes_it_and_the_overviews_that_use_it(project: Path) -> None:
    path = project / "data/demo/2024/qinghe-weijian.yaml"     # a 基础数据表 only: change one of its item names
    path.write_text(path.read_text(encoding="utf-8").replace("{name: 办公费,", "{name: 办公经费（含邮电）,"),
                    encoding="utf-8")
    build(BookLayout.at(project), _options(project, html=False, jobs=2))
    m = _manifest(project)
    assert set(m["executed"]) == {"book/2024/qinghe-weijian", "book/2024/overview-demo", "book/2024/risk-demo",
                                  "book/findings"}
    assert set(m["cached"]) == {"book/2024/xiangtan-minzheng", "book/2024/source/xiangtan-minzheng",
                                "book/2024/qinghe-jiaoyu", "book/method"}
    page = nbformat.read(project / "book/2024/qinghe-weijian.ipynb", as_version=4)
    assert "办公经费（含邮电）" in json.dumps(page.dict(), ensure_ascii=False)


def test_force_and_only_override_the_cache(project: Path) -> None:
    build(BookLayout.at(project), _options(project, html=False, only="xiangtan-minzheng", jobs=1))
    m = _manifest(project)
    assert m["executed"] == ["book/2024/source/xiangtan-minzheng", "book/2024/xiangtan-minzheng", "book/findings"]
    build(BookLayout.at(project), _options(project, html=False, force=True, jobs=2))
    assert set(_manifest(project)["executed"]) == ALL_PAGES


def test_a_failed_run_is_not_cached(tmp_path: Path) -> None:
    root = small_project(tmp_path, DEMO)
    nb = nbformat.read(root / "notebooks/department.ipynb", as_version=4)
    last = next(i for i, c in enumerate(nb.cells) if "if-changes" in c.metadata.get("tags", []))  # before 版本记录
    nb.cells.insert(last, nbformat.v4.new_code_cell('if code == "qinghe-jiaoyu":\n    raise RuntimeError("故意失败")'))
    nbformat.write(nb, root / "notebooks/department.ipynb")
    project = BookLayout.at(root)
    report = build(project, _options(root, html=False, jobs=1, keep_going=True))
    assert set(report.failed) == {"book/2024/qinghe-jiaoyu"} and "故意失败" in report.failed["book/2024/qinghe-jiaoyu"]
    # The message names the department (name, code), its data file and the section the failing cell is in.
    message = report.failed["book/2024/qinghe-jiaoyu"]
    assert "清河市教育局（qinghe-jiaoyu）2024年" in message
    assert f"数据文件 {root / 'data/demo/2024/qinghe-jiaoyu.yaml'}" in message
    assert "“五、历年对比”一节出错：RuntimeError: 故意失败" in message
    m = _manifest(root)
    assert m["runs"]["book/2024/qinghe-jiaoyu"]["status"] == "failed" and not m["runs"]["book/2024/qinghe-jiaoyu"]["key"]
    report = build(project, _options(root, html=False, jobs=1, keep_going=True))
    assert "book/2024/qinghe-jiaoyu" in report.failed  # tried again, not skipped
    assert "book/2024/qinghe-weijian" in report.cached


# --- warm kernels ------------------------------------------------------------------------------

LEAK = '''import pandas as pd, matplotlib as mpl, numpy as np, os, warnings
if code == "qinghe-jiaoyu":
    pd.set_option("display.precision", 1)
    pd.set_option("display.max_rows", 3)
    mpl.rcParams["font.size"] = 31
    mpl.rcParams["axes.linewidth"] = 7
    np.set_printoptions(precision=2)
    os.environ["PERFEVAL_LEAK"] = "1"
    warnings.simplefilter("ignore")
    leaked_variable = 42
'''
PROBE = '''import pandas as pd, matplotlib as mpl, numpy as np, os
print(pd.get_option("display.precision"), pd.get_option("display.max_rows"), mpl.rcParams["font.size"],
      mpl.rcParams["axes.linewidth"], np.get_printoptions()["precision"], os.environ.get("PERFEVAL_LEAK"),
      "leaked_variable" in globals())
'''


def _template(tmp: Path) -> Path:
    nb = nbformat.read(ROOT / "notebooks/department.ipynb", as_version=4)
    start = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(start, nbformat.v4.new_code_cell(LEAK))
    nb.cells.insert(start + 1, nbformat.v4.new_code_cell(PROBE))
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    for i, c in enumerate(nb.cells):
        c.id = f"t{i}"
    path = tmp / "notebooks" / "department.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def _params(code: str, template: Path = ROOT / "notebooks/department.ipynb") -> dict[str, Any]:
    """The parameters the run factory gives this template for a demo department of 2024."""
    data = ROOT / "data/demo"
    record = load_department(data / "2024" / f"{code}.yaml")
    run = department_run(BookLayout.at(ROOT), record, data, resolve_framework(DEFAULT_FRAMEWORK, ROOT / "data"),
                         template=template, book=False)
    return run.parameters


def test_warm_kernel_run_equals_a_fresh_run(tmp_path: Path) -> None:
    from perfeval.book import kernels as engine

    template = _template(tmp_path)
    out = tmp_path / "out"
    # A (which changes pandas options, rcParams, numpy, env, warnings, globals) then B, in one warm kernel …
    execute(template, out / "a.ipynb", _params("qinghe-jiaoyu", template), "A", engine="perfeval-warm")
    execute(template, out / "b-warm.ipynb", _params("qinghe-weijian", template), "B", engine="perfeval-warm")
    # … equals B alone in a fresh kernel.
    execute(template, out / "b-fresh.ipynb", _params("qinghe-weijian", template), "B", engine="perfeval-fresh")
    engine.shutdown_kernels()
    warm = (out / "b-warm.ipynb").read_bytes()
    fresh = (out / "b-fresh.ipynb").read_bytes()
    assert warm == fresh
    # The leak really happened in A (so the comparison above is not vacuous).
    a = nbformat.read(out / "a.ipynb", as_version=4)
    probe_outputs = [o["text"] for c in a.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert probe_outputs[0].split() == ["1", "3", "31.0", "7.0", "2", "1", "True"]
    b = nbformat.read(out / "b-warm.ipynb", as_version=4)
    first = [o["text"] for c in b.cells for o in c.get("outputs", []) if o.get("name") == "stdout"][0]
    assert first.split() == ["6", "60", "10.0", "0.8", "8", "None", "False"]


def test_plain_papermill_engine_gives_the_same_page(tmp_path: Path) -> None:
    params = _params("qinghe-weijian")
    execute(ROOT / "notebooks/department.ipynb", tmp_path / "warm.ipynb", params, "B", engine="perfeval-warm")
    execute(ROOT / "notebooks/department.ipynb", tmp_path / "plain.ipynb", params, "B", engine="nbclient")
    assert (tmp_path / "warm.ipynb").read_bytes() == (tmp_path / "plain.ipynb").read_bytes()


def test_dask_executor_with_a_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    root = small_project(tmp_path, DEMO)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        report = build(BookLayout.at(root), _options(root, html=False, executor="dask",
                                                     scheduler=cluster.scheduler_address))
    assert not report.failed and set(report.executed) == ALL_PAGES
    page = nbformat.read(root / "book/2024/xiangtan-minzheng.ipynb", as_version=4)
    assert page.cells[0].source == "# 2024年湘潭市民政局部门整体支出绩效评价报告"


def test_clean_notebook_drops_volatile_metadata() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.cells[0].metadata["papermill"] = {"start_time": "2026-01-01", "duration": 1.2}
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "x"}
    nb.cells[0].execution_count = 7
    nb.metadata["papermill"] = {"start_time": "x", "parameters": {"code": "a"}}
    clean_notebook(nb, "T")
    assert "papermill" not in nb.cells[0].metadata and "execution" not in nb.cells[0].metadata
    assert nb.cells[0].execution_count is None and nb.metadata["papermill"] == {"parameters": {"code": "a"}}


def test_build_with_a_framework_given_by_path(tmp_path: Path) -> None:
    """`build --framework` takes a name or a path; the path is resolved once and reaches every page."""
    from perfeval.cli import main

    root = small_project(tmp_path / "p", DEMO)
    framework = tmp_path / "elsewhere" / "mine.yaml"
    framework.parent.mkdir()
    text = (ROOT / "data/frameworks/common.yaml").read_text(encoding="utf-8")
    framework.write_text(text.replace("name: common", "name: mine", 1).replace(
        "title: 部门整体支出绩效评价通用指标体系", "title: 我的指标体系", 1), encoding="utf-8")
    assert main(["build", "--root", str(root), "--no-html", "--jobs", "2", "--framework", str(framework)]) == 0
    assert _manifest(root)["framework_file"] == str(framework)
    for page in ("book/2024/xiangtan-minzheng", "book/2024/overview-demo"):
        text = (root / f"{page}.ipynb").read_text(encoding="utf-8")
        assert "我的指标体系" in text and "湘潭市部门整体支出绩效评价指标体系" not in text, page
    # By name, from data/frameworks: the default again.
    assert main(["build", "--root", str(root), "--no-html", "--jobs", "2", "--framework", "xiangtan-2024"]) == 0
    assert _manifest(root)["framework_file"] == str(root / "data/frameworks/xiangtan-2024.yaml")
    assert "湘潭市部门整体支出绩效评价指标体系" in (root / "book/2024/xiangtan-minzheng.ipynb").read_text(encoding="utf-8")
