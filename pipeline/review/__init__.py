"""`baocao review`: a static HTML report of what was extracted, page by page, against golden records.

verdicts.py (golden verdicts per value, by evaluate's rules) → boxes.py (record → highlight items) →
locate.py (values without a box found in the source's lines) → render.py (page images, cached) →
html.py (the pages) ; commands.py is the I/O edge and the subcommand.
"""
