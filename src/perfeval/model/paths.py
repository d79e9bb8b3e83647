"""Field paths of a record: ``expenditure.total.actual``, ``projects[2].budget`` (a list index in brackets).

Findings, annotations and the data-file messages name a value by its path; :func:`value_at` reads it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

#: One step of a path: a field name, or a list index in brackets.
PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def value_at(record: BaseModel | dict[str, Any], path: str) -> Any:
    """The value at a field path such as ``expenditure.total.actual`` or ``projects[2].budget`` (None if absent).

    ``record`` is a record, or the mapping of field name → validated value a validator sees."""
    current: Any = record
    pos = 0
    for match in PATH_PART.finditer(path):
        if match.start() not in (pos, pos + 1):
            return None
        pos = match.end()
        name, index = match.groups()
        if name is not None:
            if isinstance(current, dict) and current is record:
                if name not in current:
                    return None
                current = current[name]
            elif not isinstance(current, BaseModel) or name not in type(current).model_fields:
                return None
            else:
                current = getattr(current, name)
        else:
            if not isinstance(current, list) or int(index) >= len(current):
                return None
            current = current[int(index)]
        if current is None:
            return None
    if pos != len(path):
        return None
    return current
