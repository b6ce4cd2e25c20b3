"""Shared code of the Passerelle platform: the pure domain, its services and the adapters."""
