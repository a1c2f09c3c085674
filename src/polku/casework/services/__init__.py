"""Writes for client work, one use case per function, split by entity."""
