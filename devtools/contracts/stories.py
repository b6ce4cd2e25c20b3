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
    def sourcing(self) -> Any:
        from devtools.contracts.stories_sourcing import SourcingStory
        return SourcingStory()

    @cached_property
    def penalties(self) -> Any:
        from devtools.contracts.stories_platform import PenaltyStory
        return PenaltyStory()

    @cached_property
    def accounts(self) -> Any:
        from devtools.contracts.stories_platform import AccountStory
        return AccountStory()

    @cached_property
    def connector(self) -> Any:
        from devtools.contracts.stories_connector import ConnectorStory
        self.exports  # the export story reads the quote story's platform first: its examples stay the same
        return ConnectorStory(self.quotes, self.sourcing)

    @cached_property
    def exports(self) -> Any:
        from devtools.contracts.stories_platform import ExportStory
        return ExportStory(self.quotes)

    @cached_property
    def onboarding(self) -> Any:
        from devtools.contracts.stories_onboarding import OnboardingStory
        return OnboardingStory()

    @cached_property
    def invoicing(self) -> Any:
        from devtools.contracts.stories_invoicing import InvoiceStory
        return InvoiceStory(self.orders)

    @cached_property
    def terms(self) -> Any:
        from devtools.contracts.stories_terms import TermsStory
        return TermsStory()

    @cached_property
    def audit(self) -> Any:
        from devtools.contracts.stories_audit import AuditStory
        return AuditStory()
