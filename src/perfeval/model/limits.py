"""Limits of a record: the code's form, the largest amount, the longest text and list, forbidden characters."""

from __future__ import annotations

import re
from decimal import Decimal

CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

#: The largest amount a field may hold, in 万元 (10^11 万元 = 1000万亿元: far above any budget; larger
#: values are typing errors and would overflow exact arithmetic downstream).
MAX_AMOUNT = Decimal(10) ** 11
#: Longest text a field may hold (the longest field of a real report is a few thousand characters).
MAX_TEXT_CHARS = 20_000
#: Most items a list section may hold (projects, goals, indicators of a goal, problems, 自评表 rows …): real
#: reports list dozens; a longer list is refused at load (a chapter and its Word files stay a few seconds).
MAX_ITEMS = 500
#: Items nested in list items (every goal's indicators, every project's outputs) in one record, in all: 500 goals
#: of 500 indicators each would be 250,000 rows of one chapter.
MAX_NESTED_ITEMS = 2000
#: The years a record may evaluate.
MIN_YEAR, MAX_YEAR = 2000, 2100
#: Characters no text field may hold, all invisible to a reader: control characters other than tab and line breaks
#: (C0, DEL, C1: Word and Excel cannot carry them), line/paragraph separators, the two non-characters, and the
#: bidirectional controls (U+202E would show the text after it reversed on a page or in Word; RTL letters are text).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff"
                                "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
