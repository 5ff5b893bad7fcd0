"""Chat pages: a group's channels and the open channel's messages."""
