"""Remember, on the current request, that a refusal has already been audited.

``core.access.refuse`` writes a DENIED row and then raises ``PermissionDenied``; the 403 handler
(``core.views.permission_denied``) audits refusals raised anywhere else. The flag set here lets
the handler tell the two apart, so that one refusal leaves exactly one row.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import AuditAction, AuditLog
from .request_context import current_request

DENIED_AUDITED_ATTR = "wuye_denied_audited"


@receiver(post_save, sender=AuditLog, dispatch_uid="wuye_mark_denied_audited")
def mark_denied_audited(sender, instance, created, **kwargs):
    if created and instance.action == AuditAction.DENIED:
        request = current_request()
        if request is not None:
            setattr(request, DENIED_AUDITED_ATTR, True)
