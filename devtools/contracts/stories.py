"""The stories every example comes from, each told once per generation on its own in-memory platform
(``platform.Platform``). A new area adds its story here and in its ``stories_*`` module."""

from __future__ import annotations

from functools import cached_property
from typing import Any


class Stories:
    @cached_property
    def orders(self) -> Any:
        from devtools.contracts.stories_orders import OrderStory
        return OrderStory("pubsub")

    @cached_property
    def orders_rest(self) -> Any:
        from devtools.contracts.stories_orders import OrderStory
        return OrderStory("rest")

    @cached_property
    def perimeter(self) -> Any:
        from devtools.contracts.stories_perimeter import PerimeterStory
        return PerimeterStory()

    @cached_property
    def quotes(self) -> Any:
        from devtools.contracts.stories_quotes import QuoteStory
        return QuoteStory(self.perimeter)

    @cached_property
    def incidents(self) -> Any:
        from devtools.contracts.stories_quotes import IncidentStory
        return IncidentStory()

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
