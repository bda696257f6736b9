"""/api/v1/ routes of credit."""

urlpatterns: list = []
