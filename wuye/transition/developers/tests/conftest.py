import pytest

from wuye.transition.developers import services
from wuye.transition.developers.models import DevelopedEstate, Developer

# Valid unified social credit codes (GB 32100-2015 check characters), not used by the world's companies.
DEV_CODES = ["91110102MA03JKLM2D", "91110106MA04NPQR3K"]


@pytest.fixture
def devs(world):
    """Two developers: dev_a built estate A (district 1, phase 一期), dev_b built estate B (district 2)."""
    city = world.users["city"]
    dev_a = services.developer_create(user=city, data={"name": "华润置地开发有限公司", "credit_code": DEV_CODES[0],
                                                       "contact_phone": "13800001111"})
    dev_b = services.developer_create(user=city, data={"name": "城建房地产开发有限公司", "credit_code": DEV_CODES[1]})
    DevelopedEstate.objects.create(developer=dev_a, estate=world.estate_a, phase="一期")
    DevelopedEstate.objects.create(developer=dev_b, estate=world.estate_b)
    return dev_a, dev_b


@pytest.fixture
def dev_a(devs) -> Developer:
    return devs[0]
