"""The review: computed scores under an indicator framework, data checks, and how much the score depends
on what needs verifying. This module is the public face; other subpackages import from here.

- :func:`score` → :class:`ScoreResult` (测算得分: coverage, grade or none, notes, indicator tree);
- :func:`run_checks` → list of :class:`Finding` (error / verify / note);
- :func:`sensitivity` → the score if ``verify`` findings were resolved in the unit's favour;
- :func:`resolve_framework` (the one resolver: name or path → path), :func:`load_framework`;
- :func:`disclosure_review` → :class:`DisclosureReport` (公开前审查: what should not be published).
- :func:`assess` / :func:`assess_file` → :class:`Assessment`: all of it with the finance bureau's rulings
  (口径认定), the unit's replies and last year's record (rectification) applied — what every output shows.
"""

from __future__ import annotations

from perfeval.review.disclosure import (ACCEPTED_FILE, DISCLOSURE_CSV, DisclosureReport, describe_item,
                                        disclosure_review, write_disclosure_csv)
from perfeval.review.assessment import (Assessment, Decided, assess, assess_file, decide, decide_file,
                                       previous_record)
from perfeval.review.checks import CHECK_IDS, CHECKS, CheckRule, has_errors, run_checks
from perfeval.review.checks.text import PLACEHOLDER
from perfeval.review.decisions import (AGREEMENTS, DECISIONS, Reply, RepliesFile, Ruling, RulingsFile, date_words,
                                       load_side, side_path)
from perfeval.review.findings import (CHECK_SEVERITIES, SEVERITY_LABELS, SEVERITY_ORDER, Finding, Override,
                                      Severity, sort_findings)
from perfeval.review.frameworks import (COMPUTED_LABEL, DEFAULT_FRAMEWORK, OFFICIAL_LABEL, Framework,
                                        FrameworkSource, IndicatorSpec, available, load_framework, load_named,
                                        resolve_framework, rule_label, rule_text)
from perfeval.review.inputs import INPUTS, InputSpec, InputValue, input_value, mid_year_adjustment
from perfeval.review.rectification import STATUSES as RECTIFICATION_STATUSES
from perfeval.review.rectification import RectificationRow, reference_date
from perfeval.review.rectification import counts as rectification_counts
from perfeval.review.replies import questions, store_replies
from perfeval.review.rulings import add_ruling
from perfeval.review.suggestions import SUGGESTIONS, Suggestion, suggestions
import perfeval.review.rules as rules
from perfeval.review.rules import GRADE_BANDS, Grade, grade
from perfeval.review.scoring import (DISCLAIMER, MIN_COVERAGE, IndicatorScore, ScoreResult, SelfComparison,
                                     compare_self_scores, score, self_scores_comparable, self_total)
from perfeval.review.sensitivity import Sensitivity, sensitivity, sensitivity_sentence
from perfeval.review.signature import Signature, config_signature, find_config
from perfeval.review.shapes import RULE_LABELS, RuleShape, rule_shapes

__all__ = [
    "AGREEMENTS", "Assessment", "DECISIONS", "Decided", "RECTIFICATION_STATUSES", "RectificationRow", "Reply",
    "RepliesFile", "Ruling", "RulingsFile", "add_ruling", "assess", "assess_file", "date_words", "decide",
    "decide_file", "load_side", "previous_record", "questions", "rectification_counts", "reference_date",
    "SUGGESTIONS", "Suggestion", "side_path", "store_replies", "suggestions",
    "CHECKS", "CHECK_IDS", "CHECK_SEVERITIES", "COMPUTED_LABEL", "CheckRule", "DEFAULT_FRAMEWORK", "DISCLAIMER",
    "Finding", "Framework", "FrameworkSource", "GRADE_BANDS", "Grade", "INPUTS", "IndicatorScore", "IndicatorSpec",
    "InputSpec", "InputValue", "MIN_COVERAGE", "OFFICIAL_LABEL", "Override", "PLACEHOLDER", "RULE_LABELS", "RuleShape",
    "SEVERITY_LABELS", "SEVERITY_ORDER", "ScoreResult", "SelfComparison", "Sensitivity", "Severity", "available",
    "compare_self_scores", "grade", "has_errors", "input_value", "load_framework", "load_named",
    "mid_year_adjustment", "resolve_framework", "rule_label", "rule_shapes", "rule_text", "rules", "run_checks",
    "score", "self_scores_comparable", "self_total", "sensitivity", "sensitivity_sentence", "sort_findings",
]
# 公开前审查 (pre-publication review): what should not be published (perfeval.review.disclosure).
__all__ += ["ACCEPTED_FILE", "DISCLOSURE_CSV", "DisclosureReport", "describe_item", "disclosure_review",
            "write_disclosure_csv"]
__all__ += ["Signature", "config_signature", "find_config"]
