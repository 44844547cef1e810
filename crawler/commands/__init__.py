"""Sub-commands of the ``jen`` CLI."""
