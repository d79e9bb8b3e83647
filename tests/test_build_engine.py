"""Build engine: content-hash cache, incremental rebuilds, warm-kernel isolation, Dask executor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import nbformat
import pytest

from perfeval.book import BookLayout, BuildOptions, build, department_run, plan_runs, select
from perfeval.book.notebook import clean_notebook, describe_failure, execute_notebook, write_notebook
from perfeval.model.files import load_department
from perfeval.pages.chapter import word_file
from perfeval.pages.outline import OUTLINE
from perfeval.review.frameworks import DEFAULT_FRAMEWORK, resolve_framework

from .conftest import ROOT, small_project

DEMO = ("qinghe-jiaoyu", "qinghe-weijian")
SEED = "xiangtan-minzheng"
#: The seed's 原报告全文: its data file names the source document copied beside it (the demo records name none).
SOURCE_PAGE = f"book/2024/source/{SEED}"


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


def _pages(root: Path, kind: str | None = None) -> set[str]:
    """The pages the plan of the project has (of one template ``kind``: department, source, overview …)."""
    runs = plan_runs(BookLayout.at(root), resolve_framework(DEFAULT_FRAMEWORK, root / "data"))
    return {r.page for r in runs if kind is None or r.kind == kind}


def test_first_build_executes_every_page(project: Path) -> None:
    # (module fixture built it) every page of the plan ran once and its key is recorded
    runs = _manifest(project)["runs"]
    assert set(runs) == _pages(project) and all(r["key"] for r in runs.values())
    # The plan's pages: one chapter per data file, the seed's 原报告全文, the demo year's overview and risk list,
    # 评价方法 and 数据核查汇总 (the seed alone makes no real overview or risk list).
    assert _pages(project, "department") == {f"book/2024/{code}" for code in (SEED, *DEMO)}
    assert _pages(project, "source") == {SOURCE_PAGE} and (project / f"{SOURCE_PAGE}.ipynb").is_file()
    assert _pages(project) - _pages(project, "department") - _pages(project, "source") == {
        "book/2024/overview-demo", "book/2024/risk-demo", "book/method", "book/findings"}


def test_second_build_with_nothing_changed_executes_nothing(project: Path) -> None:
    mtimes = {p: p.stat().st_mtime_ns for p in (project / "book").rglob("*.ipynb")}
    build(BookLayout.at(project), _options(project, html=False, jobs=2))
    m = _manifest(project)
    assert m["executed"] == [] and set(m["cached"]) == _pages(project)
    assert {p: p.stat().st_mtime_ns for p in (project / "book").rglob("*.ipynb")} == mtimes


def test_changing_one_department_reexecutes_it_and_the_overviews_that_use_it(project: Path) -> None:
    path = project / "data/demo/2024/qinghe-weijian.yaml"     # a 基础数据表 only: change one of its item names
    path.write_text(path.read_text(encoding="utf-8").replace("{name: 办公费,", "{name: 办公经费（含邮电）,"),
                    encoding="utf-8")
    build(BookLayout.at(project), _options(project, html=False, jobs=2))
    m = _manifest(project)
    changed = {"book/2024/qinghe-weijian", "book/2024/overview-demo", "book/2024/risk-demo", "book/findings"}
    assert set(m["executed"]) == changed
    assert set(m["cached"]) == _pages(project) - changed and SOURCE_PAGE in m["cached"]   # the seed's inputs did not change
    page = nbformat.read(project / "book/2024/qinghe-weijian.ipynb", as_version=4)
    assert "办公经费（含邮电）" in json.dumps(page.dict(), ensure_ascii=False)


def test_force_and_only_override_the_cache(project: Path) -> None:
    build(BookLayout.at(project), _options(project, html=False, only=SEED, jobs=1))
    m = _manifest(project)
    # --only runs the department's chapter, its 原报告全文 and the pages that use its data, cached or not.
    runs = plan_runs(BookLayout.at(project), resolve_framework(DEFAULT_FRAMEWORK, project / "data"))
    assert {r.page for r in select(runs, SEED)} == {f"book/2024/{SEED}", SOURCE_PAGE, "book/findings"}
    assert set(m["executed"]) == {r.page for r in select(runs, SEED)}
    build(BookLayout.at(project), _options(project, html=False, force=True, jobs=2))
    assert set(_manifest(project)["executed"]) == _pages(project)


def test_the_opinion_signature_reruns_the_chapters_and_no_other_config_change_does(project: Path) -> None:
    """The 测算意见 beside each chapter is signed as ``_config.yml`` says (opinion.issuer, opinion.date): a new
    signature runs every chapter again (and nothing else); a change elsewhere in the config runs none."""
    config = project / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert '  issuer: ""\n  date: ""\n' in text
    config.write_text(text.replace('  issuer: ""\n  date: ""\n', "  issuer: 清河市财政局\n  date: 2025-06-30\n", 1),
                      encoding="utf-8")
    build(BookLayout.at(project), _options(project, html=False, jobs=2))
    assert set(_manifest(project)["executed"]) == _pages(project, "department")
    for code in (SEED, *DEMO):
        opinion = docx.Document(str(project / "book/_extra/downloads" / word_file(code, 2024, "review")))
        assert [p.text for p in opinion.paragraphs[-2:]] == ["清河市财政局", "2025年6月30日"], code
    text = config.read_text(encoding="utf-8")
    assert "\ntitle: 部门整体支出绩效评价\n" in text
    config.write_text(text.replace("\ntitle: 部门整体支出绩效评价\n", "\ntitle: 清河市部门整体支出绩效评价\n", 1),
                      encoding="utf-8")
    build(BookLayout.at(project), _options(project, html=False, jobs=2))
    assert _manifest(project)["executed"] == []


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
    # (the appended cell stands under the template's last section heading: the outline's last section of a part)
    last = [s.heading for s in OUTLINE if s.heading and s.level == 2][-1]
    assert f"“{last}”一节出错：RuntimeError: 故意失败" in message
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


def test_downloads_computed_in_the_kernel_equal_those_computed_here(tmp_path: Path) -> None:
    """A page the build's own process runs has its downloads computed in its kernel (that process then needs
    neither pandas nor python-docx): the same files, byte for byte, as computed in the process, also after a
    page that changed the kernel's options."""
    import os

    from perfeval.book import kernels as engine
    from perfeval.book.notebook import KERNEL_NAME, notebook_bytes
    from perfeval.pages import Page, page_downloads

    template = _template(tmp_path)
    cwd = os.path.realpath(template.parent)
    execute(template, tmp_path / "a.ipynb", _params("qinghe-jiaoyu", template), "A", engine="perfeval-warm")
    params = _params("qinghe-weijian", template)
    nb = execute_notebook(template, params, "perfeval-warm")
    clean_notebook(nb, "B")
    try:
        in_kernel = engine.downloads_in_kernel(KERNEL_NAME, cwd, "department", params, notebook_bytes(nb))
        with pytest.raises(engine.KernelCodeError) as failed:   # a chapter without its data folder
            engine.downloads_in_kernel(KERNEL_NAME, cwd, "department", {"code": "x", "year": 2024}, notebook_bytes(nb))
        assert engine.downloads_in_kernel(KERNEL_NAME, str(tmp_path / "elsewhere"), "department", params,
                                          notebook_bytes(nb)) is None   # no kernel ran a page there
    finally:
        engine.shutdown_kernels()
    here = page_downloads(nb, Page.from_parameters("department", params))
    assert in_kernel == here
    assert {word_file("qinghe-weijian", 2024, part) for part in ("unit", "review")} <= set(in_kernel)
    assert sum(rel.endswith(".csv") for rel in in_kernel) >= 10
    assert failed.value.ename == "KeyError" and "data_dir" in failed.value.evalue
    assert "KeyError" in describe_failure(failed.value, template, "测试页")


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
    assert not report.failed and set(report.executed) == _pages(root)
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
