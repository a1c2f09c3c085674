"""Views of the reporting app, one module per slice (the steering-group report lives in reporting.steering)."""
