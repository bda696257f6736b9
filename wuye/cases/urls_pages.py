"""urls_pages"""

urlpatterns: list = []
