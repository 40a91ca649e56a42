"""Domain services: the rules of DOMAIN.md, called by web views, API views and the CLI.
They take ids and plain values, never the request, raise DomainError subclasses, and own
their commit."""
