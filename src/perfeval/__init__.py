"""perfeval: reproducible 部门整体支出绩效评价 books from data."""

#: The one place the version is written (pyproject.toml reads it: ``[tool.setuptools.dynamic]``).
__version__ = "0.1.0"
