"""Sourcing services (part B): one function per command, the same for every channel, each
committing through one unit of work (layout of the documents: ``paths.py``).

  pool.py          B1 beneficiaries, B4 professionals, B14 pool statistics
  pool_import.py   B4 the bulk import of professionals, with the index rebuild
  needs.py         B3/B10 submission and relaunch, proposals, decisions (D4)
  ranking.py       B3 the ranked result of a need version (the only one that loads numpy, bm25s)
  missions.py      B11/B13 mission framing with its order (part A), budget
  mission_store.py how a mission is read back (timesheets, replacements)
  deliverables.py  B11 the beneficiary's decision on a delivered deliverable, told to the titulaire
  replacements.py  B12 replacement (D5, D6)
  deadlines.py     how D4–D6 are planned and shown on the sourcing documents
  index.py         the search index's life (revision, build, cache)
  reporting.py     B6 and B17 reports, the half-year report
  erasure.py       GDPR erasure of a professional
"""
