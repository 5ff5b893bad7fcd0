"""Evidence pages: the group's evidence register, registering an item, and the item's own page."""
