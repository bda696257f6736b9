"""The table of a notice receipt (签收回执), on the one workflow core (``core/workflow``).

A recipient unit's user opens the notice (``read``), acknowledges it (``acknowledge``, 签收) and,
where the notice asks for it, feeds back (``feedback``: text, photos or a figure; it may be sent
again to correct it). The sender reminds (``remind``, 催办) the units that have not acknowledged or
not fed back; a reminder leaves the state as it is. Overdue is no state: it is read from the
deadline (``selectors.receipt_status``).

Actors: ``recipient`` — an active user of the receipt's unit; ``sender`` — an official of the
sending unit (or the city bureau).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import Receipt, ReceiptEvent

R = Receipt.Status

RECEIPT = Machine(
    name="notice_receipt",
    model=Receipt,
    transitions={
        "read": T(_("阅读"), {R.PENDING}, R.READ, {"recipient"}),
        "acknowledge": T(_("签收"), {R.PENDING, R.READ}, R.ACKNOWLEDGED, {"recipient"}),
        "feedback": T(_("反馈"), {R.ACKNOWLEDGED}, None, {"recipient"}),
        "remind": T(_("催办"), {R.PENDING, R.READ, R.ACKNOWLEDGED}, None, {"sender"}),
    },
    states=R.values,
    initial={R.PENDING},
    noun=_("该通知回执"),
    event_model=ReceiptEvent,
    event_fk="receipt",
)
