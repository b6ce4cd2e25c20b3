"""Every port: the small interfaces between the services and the outside world, in one place.

- ``unit_of_work``: ``UnitOfWork`` (reads with versions, buffered writes, outbox, timers, audit,
  one atomic commit), ``Query``, ``Document``, ``ConcurrencyConflict``, ``SERVER_TIME``.
- ``messaging``: ``OutboxMessage``, ``Publisher`` (Pub/Sub), ``TaskQueue`` and ``Timer`` (Cloud Tasks).
- ``outside``: what lives outside Firestore — ``Clock``, ``BlobStore`` and ``DocumentFiles`` (Cloud
  Storage), ``ReportFiles``, ``ExportArchive``, ``IdentityAdmin`` (Firebase Auth), ``ChorusPro`` (public invoicing).

Adapters in ``shared/adapters`` implement them for Google Cloud and its emulators; the unit tests
implement them in memory (tests/fakes.py). Nothing here imports a Google library.
"""

from shared.ports.messaging import (  # noqa: F401
    REPLAY_RETENTION, InboundMessage, OutboxMessage, Publisher, TaskQueue, Timer, Timers,
)
from shared.ports.outside import (  # noqa: F401
    BlobStore, ChorusDeposit, ChorusPro, ChorusReport, Clock, DocumentFiles, ExportArchive, IdentityAdmin, ReportFiles,
    SystemClock, digest,
)
from shared.ports.unit_of_work import (  # noqa: F401
    MAX_WRITES, SERVER_TIME, ConcurrencyConflict, Document, Query, UnitOfWork, Write, space_of,
)
