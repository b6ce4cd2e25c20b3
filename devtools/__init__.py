"""Local tooling: start the emulators and functions, seed demo data, mint emulator tokens, and generate the
contracts of docs/contracts (``python -m devtools.contracts``).

Never deployed (Terraform's source archive leaves it out) and never imported by functions.
"""
