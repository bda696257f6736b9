"""Field shapes and choices shared by the supervision sub-domains' models."""

from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 6, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
STAR_CHOICES = [(1, _("一星级")), (2, _("二星级")), (3, _("三星级")), (4, _("四星级")), (5, _("五星级"))]
