"""/supervision/orders/: rectification orders and their evidence."""

from django.urls import path

from . import views as o

urlpatterns = [
    path("orders/", o.order_list, name="order_list"),
    path("orders/<int:pk>/", o.order_detail, name="order_detail"),
    path("orders/<int:pk>/evidence/", o.order_submit, name="order_submit"),
    path("orders/<int:pk>/reinspect/", o.order_reinspect, name="order_reinspect"),
    path("orders/<int:pk>/cancel/", o.order_cancel, name="order_cancel"),
    path("orders/evidence/<int:pk>/", o.order_evidence_file, name="order_evidence_file"),
]
