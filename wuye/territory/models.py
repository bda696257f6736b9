"""City → district or park → street or town → community (rules.md §11: GB/T 2260 six-digit
codes to county level; 12-digit statistical codes for streets and communities)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel

code6 = RegexValidator(r"^\d{6}$", _("行政区划代码应为 6 位数字（GB/T 2260）"))
code12 = RegexValidator(r"^\d{12}$", _("统计用区划代码应为 12 位数字"))


class City(TimeStampedModel):
    name = models.CharField(_("城市"), max_length=50)
    code = models.CharField(_("区划代码"), max_length=6, unique=True, validators=[code6])

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = _("城市")

    def __str__(self) -> str:
        return self.name


class District(TimeStampedModel):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("区")
        COUNTY = "county", _("县")
        PARK = "park", _("开发区管委会")

    city = models.ForeignKey(City, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    code = models.CharField(_("区划代码"), max_length=6, unique=True, validators=[code6])
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("区县/园区")
        verbose_name_plural = _("区县/园区")

    def __str__(self) -> str:
        return self.name


class Street(TimeStampedModel):
    class Kind(models.TextChoices):
        STREET = "street", _("街道")
        TOWN = "town", _("乡镇")

    district = models.ForeignKey(District, verbose_name=_("区县/园区"), on_delete=models.PROTECT, related_name="streets")
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.STREET)
    code = models.CharField(_("统计代码"), max_length=12, unique=True, validators=[code12])
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("街道/乡镇")
        verbose_name_plural = _("街道/乡镇")

    def __str__(self) -> str:
        return self.name


class Community(TimeStampedModel):
    street = models.ForeignKey(Street, verbose_name=_("街道/乡镇"), on_delete=models.PROTECT, related_name="communities")
    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(_("统计代码"), max_length=12, unique=True, validators=[code12])
    search_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("社区居委会")
        verbose_name_plural = _("社区居委会")

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    """A functional department (城管, 市场监管, 公安, 消防, 供水…): of a district, or — with no
    district — of the city, a member unit of the campaign's leading group (领导小组成员单位) whose
    users see their own kind of matter city-wide."""

    class Kind(models.TextChoices):
        HOUSING = "housing", _("住房和城乡建设")
        URBAN_MANAGEMENT = "urban", _("城市管理")
        MARKET = "market", _("市场监管")
        POLICE = "police", _("公安")
        FIRE = "fire", _("消防救援")
        WATER = "water", _("供水")
        POWER = "power", _("供电")
        HEATING = "heating", _("供热")
        GAS = "gas", _("燃气")
        PLANNING = "planning", _("规划和自然资源")
        CONSTRUCTION = "construction", _("建设")
        ECOLOGY = "ecology", _("生态环境")

    district = models.ForeignKey(District, verbose_name=_("区县/园区"), on_delete=models.PROTECT, related_name="departments",
                                 null=True, blank=True, help_text=_("留空表示市级部门"))
    kind = models.CharField(_("部门类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=80)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["district", "kind"]
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [
            models.UniqueConstraint(fields=["district", "kind"], name="uniq_department_kind_per_district"),
            models.UniqueConstraint(fields=["kind"], condition=models.Q(district__isnull=True),
                                    name="uniq_city_department_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_city_level(self) -> bool:
        return self.district_id is None
