"""Instruction pages: a group's instructions, drafting one, and the page where it is answered."""
