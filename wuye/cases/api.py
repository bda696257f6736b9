"""/api/v1/ endpoints for complaints."""


def register(router) -> None:
    """Add the complaint endpoints to the API router."""
