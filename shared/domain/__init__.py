"""Pure domain: models, state machines and rules. Imports nothing from Google or the web."""
