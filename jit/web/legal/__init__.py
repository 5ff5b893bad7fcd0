"""Legal work pages: the compliance dashboard and reports, the legal-assistance register, its statistics."""
