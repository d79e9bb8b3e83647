"""perfeval: reproducible 部门整体支出绩效评价 books from data."""

__version__ = "0.1.0"
