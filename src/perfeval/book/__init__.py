"""The book: plan one run per page from the data, execute the runs, render and publish the HTML.

Modules: ``plan`` (layout, run factory), ``notebook`` (execute and clean one notebook), ``downloads``,
``task`` (the per-page step), ``pool`` (executors, progress), ``cache`` (keys, manifest), ``toc`` (table of
contents, generated pages), ``publish`` (render, releases), ``lock`` (build lock, signals), ``kernels``
(the warm papermill engine), ``pipeline`` (``build``).
"""

from perfeval.book.pipeline import BuildOptions, BuildReport, build
from perfeval.book.plan import BookLayout, Run, department_run, fill_parameters, plan_runs, select
from perfeval.book.publish import RenderError

__all__ = ["BookLayout", "BuildOptions", "BuildReport", "RenderError", "Run", "build", "department_run",
           "fill_parameters", "plan_runs", "select"]
