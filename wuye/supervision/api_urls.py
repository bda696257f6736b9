"""/api/v1/ routes of supervision."""

urlpatterns: list = []
