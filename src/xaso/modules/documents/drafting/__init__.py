# SPDX-License-Identifier: AGPL-3.0-or-later
"""Drafting official documents in the layout of Decree 30/2020/NĐ-CP (Appendix I), without the database.

- ``types``: the 29 document types (``DOCUMENT_TYPES``), ``symbol``, ``number_and_symbol`` (the place and
  date line is ``xaso.core.text.date_line``, shared with the one-stop forms);
- ``model``: ``Draft``, the one input of both renderers, and how a body's lines are formatted;
- ``templates``: ``TEMPLATES``, starting texts for the documents a commune writes most;
- ``docx.render_docx(draft) -> bytes`` for editing; ``pdf.render_pdf(draft) -> RenderedPdf`` for signing,
  with the number and date as form fields and the boxes of the signature and the seal.

docs/document-layout.md gives every measurement and its source.
"""
