"""Models of the api app (tokens, idempotency keys, webhooks)."""
