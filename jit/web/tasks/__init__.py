"""Task pages: a group's task board, setting a task, and the task's own page."""
