"""Administration pages: the registry of parties and authorities, and user accounts."""
