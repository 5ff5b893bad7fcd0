"""Use cases: the only place with business rules (DESIGN.md). Each function checks the caller's
rights through `authz`, runs in one transaction, returns models and raises `errors.DomainError`."""
