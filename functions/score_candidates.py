"""score_candidates — Pub/Sub push (needs-submitted-push): rank the pool for a need version (B3).

Writes the ranked result (per version) with each criterion's score, the hard filters passed or
failed and a French explanation. Idempotent: a redelivered event finds the result written. A
payload that can never be processed is parked once by the edge (shared/edge/pubsub.py); an
infrastructure error raises, so Pub/Sub redelivers.
"""

from __future__ import annotations

import functions_framework

from shared import bootstrap
from shared.domain.sourcing.messages import NeedSubmitted
from shared.edge import pubsub
from shared.service.sourcing import ranking


@functions_framework.cloud_event
def score_candidates(event) -> None:
    pubsub.handle(event, operation="score_candidates", model=NeedSubmitted,
                  action=lambda command: ranking.score_need(command, bootstrap.uow(), bootstrap.blobs(), bootstrap.clock()))
