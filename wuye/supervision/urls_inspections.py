"""/supervision/: the inspector pool, plans and the double-random draw (its public page too),
inspections and rectification orders."""

from django.urls import path

from . import views_inspections as v
from . import views_orders as o

urlpatterns = [
    path("inspectors/", v.inspector_list, name="inspector_list"),
    path("inspectors/new/", v.inspector_create, name="inspector_create"),
    path("inspectors/<int:pk>/", v.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/active/", v.inspector_set_active, name="inspector_set_active"),
    path("inspectors/<int:pk>/conflicts/", v.inspector_conflict_add, name="inspector_conflict_add"),
    path("inspectors/<int:pk>/conflicts/<int:conflict_pk>/delete/", v.inspector_conflict_delete,
         name="inspector_conflict_delete"),
    path("plans/", v.plan_list, name="plan_list"),
    path("plans/new/", v.plan_create, name="plan_create"),
    path("plans/<int:pk>/", v.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw/", v.plan_draw, name="plan_draw"),
    path("plans/<int:pk>/cancel/", v.plan_cancel, name="plan_cancel"),
    path("draws/<int:pk>/publish/", v.draw_publish, name="draw_publish"),
    # 一公开: public, no login.
    path("draws/", v.draw_public_list, name="draw_public_list"),
    path("draws/<int:pk>/", v.draw_public, name="draw_public"),
    path("draws/<int:pk>/data.json", v.draw_public_data, name="draw_public_data"),
    path("inspections/", v.inspection_list, name="inspection_list"),
    path("inspections/mine/", v.inspector_tasks, name="inspector_tasks"),
    path("inspections/<int:pk>/", v.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/record/", v.inspection_record, name="inspection_record"),
    path("inspections/<int:pk>/cancel/", v.inspection_cancel, name="inspection_cancel"),
    path("inspections/photos/<int:pk>/", v.inspection_photo, name="inspection_photo"),
    path("orders/", o.order_list, name="order_list"),
    path("orders/<int:pk>/", o.order_detail, name="order_detail"),
    path("orders/<int:pk>/evidence/", o.order_submit, name="order_submit"),
    path("orders/<int:pk>/reinspect/", o.order_reinspect, name="order_reinspect"),
    path("orders/<int:pk>/cancel/", o.order_cancel, name="order_cancel"),
    path("orders/evidence/<int:pk>/", o.order_evidence_file, name="order_evidence_file"),
]
