"""Writes of the interpreting app: one use case per function, each in its own transaction."""
