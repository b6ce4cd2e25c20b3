"""Sourcing services (part B): one function per command, the same for every channel.

Firestore layout (docs/sourcing.md):
  beneficiaries/{b}                              the beneficiary (operator-managed)
  beneficiaries/{b}/needs/{n}                    a need: current version, status, D4, proposals
  beneficiaries/{b}/needs/{n}/versions/{v}       every version's content (never changed)
  beneficiaries/{b}/needs/{n}/results/{v}        every version's ranked result (score_candidates)
  beneficiaries/{b}/missions/{m}                 missions, replacements (D5/D6)
  managers/{b}/orders/{o}                        the mission's order, on part A's machinery
  professionals/{p}                              the pool (source of truth for the index)
  search_index/professionals                     pool revision and the current index object
"""
