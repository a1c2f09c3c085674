"""Writes for referrals (`referrals.py`) and for the break job (`breaks.py`), one use case per function."""
