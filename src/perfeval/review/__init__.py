"""The review: computed scores under an indicator framework, data checks, and how much the score depends
on what needs verifying. This module is the public face; other subpackages import from here.

- :func:`score` → :class:`ScoreResult` (测算得分: coverage, grade or none, notes, indicator tree);
- :func:`run_checks` → list of :class:`Finding` (error / verify / note);
- :func:`sensitivity` → the score if ``verify`` findings were resolved in the unit's favour;
- :func:`resolve_framework` (the one resolver: name or path → path), :func:`load_framework`.
"""

from __future__ import annotations

from perfeval.review.checks import CHECK_IDS, CHECKS, CheckRule, has_errors, run_checks
from perfeval.review.checks.text import PLACEHOLDER
from perfeval.review.findings import (CHECK_SEVERITIES, SEVERITY_LABELS, SEVERITY_ORDER, Finding, Override,
                                      Severity, sort_findings)
from perfeval.review.frameworks import (COMPUTED_LABEL, DEFAULT_FRAMEWORK, OFFICIAL_LABEL, Framework,
                                        FrameworkSource, IndicatorSpec, available, load_framework, load_named,
                                        resolve_framework, rule_label, rule_text)
from perfeval.review.inputs import INPUTS, InputSpec, InputValue, input_value, mid_year_adjustment
import perfeval.review.rules as rules
from perfeval.review.rules import GRADE_BANDS, Grade, grade
from perfeval.review.scoring import (DISCLAIMER, MIN_COVERAGE, IndicatorScore, ScoreResult, SelfComparison,
                                     compare_self_scores, score, self_scores_comparable, self_total)
from perfeval.review.sensitivity import Sensitivity, sensitivity, sensitivity_sentence
from perfeval.review.shapes import RULE_LABELS, RuleShape, rule_shapes

__all__ = [
    "CHECKS", "CHECK_IDS", "CHECK_SEVERITIES", "COMPUTED_LABEL", "CheckRule", "DEFAULT_FRAMEWORK", "DISCLAIMER",
    "Finding", "Framework", "FrameworkSource", "GRADE_BANDS", "Grade", "INPUTS", "IndicatorScore", "IndicatorSpec",
    "InputSpec", "InputValue", "MIN_COVERAGE", "OFFICIAL_LABEL", "Override", "PLACEHOLDER", "RULE_LABELS", "RuleShape",
    "SEVERITY_LABELS", "SEVERITY_ORDER", "ScoreResult", "SelfComparison", "Sensitivity", "Severity", "available",
    "compare_self_scores", "grade", "has_errors", "input_value", "load_framework", "load_named",
    "mid_year_adjustment", "resolve_framework", "rule_label", "rule_shapes", "rule_text", "rules", "run_checks",
    "score", "self_scores_comparable", "self_total", "sensitivity", "sensitivity_sentence", "sort_findings",
]
