"""Group pages: the list of one's groups, the overview, and the forms that change a group."""
