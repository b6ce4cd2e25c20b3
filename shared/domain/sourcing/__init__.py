"""Part B — sourcing of digital professionals for public bodies (B1–B4, B10–B14).

``records``  beneficiaries, professionals and needs (strict pydantic, French codes)
``text``     French text analysis for BM25: accents folded, Snowball stems, stop words
``scoring``  the search index and the explainable ranking of candidates
``process``  need / proposal / mission state machines as data, replacement rules (B12)
"""
