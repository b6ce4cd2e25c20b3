"""The stories every example comes from, each computed once per generation."""

from __future__ import annotations

from functools import cached_property
from typing import Any


class Stories:
    @cached_property
    def orders(self) -> Any:
        from shared import contracts
        return contracts._Story()

    @cached_property
    def platform(self) -> Any:
        from shared import contracts
        return contracts._Platform()

    @property
    def sourcing(self) -> Any:
        return self.platform.sourcing

    @property
    def penalties(self) -> Any:
        return self.platform.penalties

    @property
    def accounts(self) -> Any:
        return self.platform.accounts

    @property
    def exchange(self) -> Any:
        return self.platform.exchange

    @property
    def reports(self) -> Any:
        return self.platform.reports
