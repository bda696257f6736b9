"""urls_metrics"""

urlpatterns: list = []
