"""Polku: mental-health work with people of refugee background in Finland."""

__version__ = "0.1.0"
