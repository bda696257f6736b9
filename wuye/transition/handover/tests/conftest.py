from datetime import date

import pytest

from wuye.territory.models import Department
from wuye.transition.developers import services as dev_services
from wuye.transition.handover import services as svc

DEV_CODES = ["91110102MA03JKLM2D", "91110106MA04NPQR3K"]


@pytest.fixture
def developer(world):
    return dev_services.developer_create(user=world.users["city"], data={
        "name": "华润置地开发有限公司", "credit_code": DEV_CODES[0]})


@pytest.fixture
def depts(world):
    """The construction (建设) and housing (住建) departments of district 1, to which early deliveries are referred."""
    return [Department.objects.create(district=world.d1, kind=Department.Kind.CONSTRUCTION, name="东城区建设委员会"),
            Department.objects.create(district=world.d1, kind=Department.Kind.HOUSING, name="东城区住房和城乡建设委员会")]


@pytest.fixture
def case(world, developer):
    """A case of estate A (company A), delivered after the completion acceptance was filed."""
    return svc.case_open(actor=world.users["manager_a"], estate=world.estate_a, developer=developer,
                         company=world.company_a, completion_filed_on=date(2025, 3, 1), delivered_on=date(2025, 4, 1),
                         plan_note="查验共用部位和共用设施设备，双方各派 3 人")
