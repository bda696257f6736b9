"""Complaint photos are checked and cleaned by the platform's one upload helper,
``wuye.core.uploads`` (issue 13 item 3); these names stay importable from here."""

from wuye.core.uploads import MAX_PHOTOS, CheckedPhoto, check_photos, max_bytes

__all__ = ["MAX_PHOTOS", "CheckedPhoto", "check_photos", "max_bytes"]
