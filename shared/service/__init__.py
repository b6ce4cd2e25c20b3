"""Application services: one function per command, shared by every channel."""
