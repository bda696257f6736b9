"""/supervision/: the inspector pool, plans and the double-random draw (its public page too), and
inspections."""

from django.urls import path

from . import views as v
from . import views_plans as p

urlpatterns = [
    path("inspectors/", p.inspector_list, name="inspector_list"),
    path("inspectors/new/", p.inspector_create, name="inspector_create"),
    path("inspectors/<int:pk>/", p.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/active/", p.inspector_set_active, name="inspector_set_active"),
    path("inspectors/<int:pk>/conflicts/", p.inspector_conflict_add, name="inspector_conflict_add"),
    path("inspectors/<int:pk>/conflicts/<int:conflict_pk>/delete/", p.inspector_conflict_delete,
         name="inspector_conflict_delete"),
    path("plans/", p.plan_list, name="plan_list"),
    path("plans/new/", p.plan_create, name="plan_create"),
    path("plans/<int:pk>/", p.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw/", p.plan_draw, name="plan_draw"),
    path("plans/<int:pk>/cancel/", p.plan_cancel, name="plan_cancel"),
    path("draws/<int:pk>/publish/", p.draw_publish, name="draw_publish"),
    # 一公开: public, no login.
    path("draws/", p.draw_public_list, name="draw_public_list"),
    path("draws/<int:pk>/", p.draw_public, name="draw_public"),
    path("draws/<int:pk>/data.json", p.draw_public_data, name="draw_public_data"),
    path("inspections/", v.inspection_list, name="inspection_list"),
    path("inspections/mine/", v.inspector_tasks, name="inspector_tasks"),
    path("inspections/<int:pk>/", v.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/record/", v.inspection_record, name="inspection_record"),
    path("inspections/<int:pk>/cancel/", v.inspection_cancel, name="inspection_cancel"),
    path("inspections/photos/<int:pk>/", v.inspection_photo, name="inspection_photo"),
]
