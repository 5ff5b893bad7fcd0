"""The compliance rules engine (DOMAIN.md "Compliance rules"): one function per rule in `groups.py`
and `requests.py`, registered in `core.RULES`; `engine` runs them with the admin's settings."""
