"""Local tooling: start the emulators and functions, seed demo data, mint emulator tokens.

Never deployed (Terraform's source archive leaves it out) and never imported by functions.
"""
