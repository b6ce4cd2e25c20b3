"""One module per operation. Each handler parses, calls a service, and answers; no business rule here."""
