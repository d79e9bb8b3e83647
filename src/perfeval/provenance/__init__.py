"""Where the book's figures come from: the source document of a record and the place of each value in it.

- :class:`SourceText` / :class:`Place`: a report read as ``import-report`` reads it, with paragraph numbers
  and the anchors of the source page (原报告全文);
- :class:`RecordTrace`: a record with its source document, every value traced (:class:`Trace`), the
  sections not extracted and the figures no field holds; ``perfeval trace`` prints it;
- :data:`TOPICS` / :func:`absence_sentence`: when a page may say that a report does not state something;
- :func:`sidecar_fields`: the ``fields`` / ``unmapped`` / ``not_extracted`` entries ``import-report`` writes into
  its ``<code>.sources.yml``.
"""

from perfeval.provenance.claims import TOPICS, Topic, absence_sentence
from perfeval.provenance.record import RecordTrace, held, sidecar_path
from perfeval.provenance.sidecar import sidecar_fields
from perfeval.provenance.source import Place, SourceText
from perfeval.provenance.trace import Trace, leaves, trace_values

__all__ = ["Place", "RecordTrace", "SourceText", "TOPICS", "Topic", "Trace", "absence_sentence", "held", "leaves",
           "sidecar_fields", "sidecar_path", "trace_values"]
