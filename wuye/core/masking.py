"""Masking of personal data (DESIGN.md: phone ``138****5678``, ID ``1101**********1234``)."""


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    v = str(value)
    if len(v) >= 11:
        return v[:3] + "****" + v[-4:]
    if len(v) > 4:
        return "*" * (len(v) - 4) + v[-4:]
    return "*" * len(v)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    v = str(value)
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: used where a resident asked to stay anonymous."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
