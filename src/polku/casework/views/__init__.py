"""Client-work views, one module per slice: clients, meetings, notes, screening, plans."""
