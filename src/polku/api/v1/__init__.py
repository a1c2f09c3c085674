"""The v1 routers: one module per bounded context."""
