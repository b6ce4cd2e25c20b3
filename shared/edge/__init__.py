"""Edges: HTTP, CloudEvents and token handling shared by every function."""
