"""Where a page's content goes: the one display helper of chapters and overview pages.

A page (chapter, year overview, 数据核查汇总, 评价方法) sends three kinds of content to a
:class:`PageOutput`: escaped HTML prose, tables (typed DataFrames, see :mod:`perfeval.pages.cells`) and
charts (:class:`perfeval.pages.charts.Chart`). The output numbers tables (表N) and figures (图N) in
order of appearance, per page, so no caption carries a hand-typed number, and it knows the page's
downloads folder, so every table gets its CSV link.

:class:`NotebookOutput` displays in the kernel and writes no file: each table is a MIME bundle with its
HTML and, under :data:`TABLE_MIME`, its CSV payload and file name; each chart is a PNG whose
``text/plain`` fallback is its Chinese description (the alt text) and whose output metadata names it.
The build task reads these back from the executed notebook (:func:`tables_in`, :func:`charts_in`)
and writes the download files (:mod:`perfeval.pages.downloads`). The Word export is another
subclass (:class:`perfeval.pages.docx.DocxOutput`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pandas as pd
from markupsafe import escape

from perfeval.pages.cells import to_csv, to_html
from perfeval.pages.charts import Chart, css_width

#: MIME type of a table's CSV payload in a notebook output: {"number", "caption", "file", "csv"}.
TABLE_MIME = "application/vnd.perfeval.table+json"
#: Output metadata key of a chart: {"chart": name, "number": N}.
META_KEY = "perfeval"


@dataclass(frozen=True)
class TableFile:
    """A table as the notebook produced it: its number, caption, CSV path under downloads/ and text."""

    number: int
    caption: str
    file: str
    csv: str


@dataclass(frozen=True)
class ChartImage:
    """A chart as the notebook produced it: its name, figure number, PNG bytes and alt text."""

    name: str
    number: int
    png: bytes
    alt: str


class PageOutput:
    """Base of the page outputs: numbering and download paths; subclasses say how content is shown.

    ``folder`` is the page's folder under the book's downloads (``2024/xiangtan-minzheng``) and ``up``
    the way from the page to the book root (``../../``). ``word`` is true for a Word file (no links).
    """

    word = False

    def __init__(self, folder: str = "", up: str = "") -> None:
        self.folder = folder
        self.up = up
        self.tables = 0
        self.figures = 0

    # --- what pages call --------------------------------------------------------------------
    def html(self, text: str) -> None:
        """Escaped HTML produced by :func:`perfeval.pages.prose.render` (or built with escape())."""
        raise NotImplementedError

    def table(self, df: pd.DataFrame, title: str, name: str = "",
              links: dict[str, list[str]] | None = None, csv_only: tuple[str, ...] = (), file: str = "") -> int:
        """Show a table as 表N with ``title``; its CSV is ``表N-<name>.csv`` (or ``file``, a name a command or
        an issue fixes, such as ``2024-风险排序.csv``). Returns N.

        ``csv_only`` columns (check ids, field paths) are in the CSV download but not in the table a
        reader sees."""
        self.tables += 1
        n = self.tables
        file = file or f"表{n}-{name or title}.csv"
        file = f"{self.folder}/{file}" if self.folder else file
        self.show_table(df.drop(columns=list(csv_only)), f"表{n} {title}", file, links, to_csv(df))
        return n

    def chart(self, chart: Chart) -> int:
        """Show a chart as 图N with its caption and alt text. Returns N."""
        self.figures += 1
        self.show_chart(chart, self.figures)
        return self.figures

    def url(self, file: str) -> str:
        """The link from the page to a file under the book's downloads folder."""
        return f"{self.up}downloads/{file}"

    # --- how a subclass shows them ------------------------------------------------------------
    def show_table(self, df: pd.DataFrame, caption: str, file: str, links: dict[str, list[str]] | None,
                   csv: str) -> None:
        """Show ``df`` (the reader's columns) under ``caption``; ``csv`` is the download's text."""
        raise NotImplementedError

    def show_chart(self, chart: Chart, number: int) -> None:
        raise NotImplementedError


def figure_caption(chart: Chart, number: int) -> str:
    return f"图{number} {chart.caption}"


class NotebookOutput(PageOutput):
    """Displays in the notebook kernel (IPython rich outputs); writes nothing."""

    def __init__(self, folder: str = "", up: str = "", publish: Callable[..., Any] | None = None) -> None:
        super().__init__(folder, up)
        if publish is None:
            from IPython.display import display as publish
        self.publish = publish

    def _bundle(self, data: dict[str, Any], metadata: dict[str, Any] | None = None) -> None:
        self.publish(data, raw=True, metadata=metadata or {})

    def html(self, text: str) -> None:
        self._bundle({"text/html": text})

    def show_table(self, df: pd.DataFrame, caption: str, file: str, links: dict[str, list[str]] | None,
                   csv: str) -> None:
        foot = (f'<p class="pe-download"><a href="{escape(self.url(file))}" download>'
                f"下载本表 CSV 数据</a></p>")
        payload = {"number": self.tables, "caption": caption, "file": file, "csv": csv}
        self._bundle({"text/html": to_html(df, links, caption) + foot, TABLE_MIME: payload})

    def show_chart(self, chart: Chart, number: int) -> None:
        png = chart.png()
        # Drawn at twice its size in pixels, shown at its size: the standard width metadata of an image
        # output, which myst-nb writes into the page.
        self._bundle({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": chart.alt},
                     {META_KEY: {"chart": chart.name, "number": number}, "image/png": {"width": css_width(png)}})
        self.html(f'<p class="pe-caption pe-figure-caption">{escape(figure_caption(chart, number))}</p>')


# --- reading an executed notebook back -------------------------------------------------------

def _outputs(nb: Any) -> Iterator[dict[str, Any]]:
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            yield from cell.get("outputs", [])


def tables_in(nb: Any) -> list[TableFile]:
    """Every table the notebook displayed, in order (from its :data:`TABLE_MIME` payload)."""
    out = []
    for output in _outputs(nb):
        payload = output.get("data", {}).get(TABLE_MIME)
        if payload:
            out.append(TableFile(int(payload["number"]), str(payload["caption"]), str(payload["file"]),
                                 str(payload["csv"])))
    return out


def charts_in(nb: Any) -> list[ChartImage]:
    """Every chart the notebook displayed, in order, with its PNG bytes."""
    out = []
    for output in _outputs(nb):
        meta = output.get("metadata", {}).get(META_KEY)
        data = output.get("data", {})
        if meta and "image/png" in data:
            text = data.get("text/plain", "")
            out.append(ChartImage(str(meta["chart"]), int(meta["number"]), base64.b64decode(data["image/png"]),
                                  "".join(text) if isinstance(text, list) else str(text)))
    return out
