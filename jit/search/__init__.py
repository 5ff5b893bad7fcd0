"""Search (DESIGN.md "Search"): terms (`text`), what is indexed (`documents`), the two back ends
(`index`) and the index kept in the records' transactions (`sync`). The need-to-know every query
carries is added by the service, jit/services/search.py."""
