"""The socket door: thin handlers that authenticate and call services (DESIGN.md)."""
