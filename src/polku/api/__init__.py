"""REST API (django-ninja): versioned under /api/v1/, OpenAPI 3.1 at /api/v1/openapi.json."""
