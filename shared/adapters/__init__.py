"""Adapters: the ports of ``shared.ports`` implemented over Google Cloud clients."""
