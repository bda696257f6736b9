"""The one workflow core (DESIGN.md: workflows are explicit tables on one core).

Every state machine of the platform — complaints, credit events, rectification orders, star
ratings, committee elections, income disclosures, utility allocations, articles, import jobs… —
declares its own table of :class:`Transition` rows in a ``workflow.py`` of its sub-domain and
wraps it in a :class:`Machine`. The machine is the only place that

- decides whether an actor of some *kinds* may take an action on a row in its current state
  (:meth:`Machine.check`, :meth:`Machine.allowed`);
- applies a transition: a conditional ``UPDATE … WHERE id = ? AND status = ? [AND version = ?]``
  that tells the loser of a race "已被他人处理", then the event row of the domain's timeline, the
  audit row and the outbox rows — all in the caller's transaction (:meth:`Machine.apply`).

Which *kinds* an actor counts as (``company``, ``official``, ``dispatcher``…) is the domain's
own rule, decided in its selectors or its workflow module; the machine only compares sets.

:func:`conditional_update` is the same race-safe UPDATE for rows that are not a state machine's
subject but must not be overwritten blindly (a complaint's task, a settings row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .errors import ConflictError, ServiceError
from .models import AuditAction

#: The actor kind of the platform's own periodic work (the sweep, the consumers).
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: the action's label, the states it may start from, the state
    it leads to (``None``: the state does not change, or the service decides it from the input),
    the actor kinds that may take it, and whether a reason must be given."""

    label: Any
    sources: frozenset[str]
    target: str | None
    actors: frozenset[str]
    needs_note: bool = False
    outcomes: frozenset[str] = frozenset()  # where a ``target=None`` row may lead, decided by the service

    def leads_to(self) -> frozenset[str]:
        return self.outcomes | ({self.target} if self.target else frozenset())


def T(label, sources: Iterable[str], target: str | None, actors: Iterable[str], needs_note: bool = False,
      outcomes: Iterable[str] = ()) -> Transition:
    """Shorthand for a table row: ``T(_("签收"), {S.DISPATCHED}, S.SIGNED, {"lead"})``."""
    return Transition(label, frozenset(sources), target, frozenset(actors), needs_note, frozenset(outcomes))


class WorkflowEvent(models.Model):
    """The fields every timeline row shares (one row per applied transition). A domain's event
    model inherits it and adds the foreign key to its subject (and any data of its own)."""

    action = models.CharField(_("动作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


MACHINES: dict[str, Machine] = {}


@dataclass(eq=False)
class Machine:
    """A state machine: its model, its table and its states.

    ``initial``: the states a new row starts in (each state must be reachable from one of them);
    ``terminal``: the final states (no action may start from one of them);
    ``event_model`` / ``event_fk``: the timeline's model and its foreign key to the subject
    (``None`` when the machine keeps no timeline of its own, e.g. a job whose audit rows suffice);
    ``noun``: how messages name the subject ("该整改通知").
    """

    name: str
    model: type[models.Model]
    transitions: Mapping[str, Transition]
    states: Iterable[str]
    initial: Iterable[str]
    terminal: Iterable[str] = ()
    noun: Any = _("该记录")
    status_field: str = "status"
    version_field: str | None = "version"
    event_model: type[models.Model] | None = None
    event_fk: str = ""
    audit: bool = True
    register: bool = True
    states_labels: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.states = frozenset(str(s) for s in self.states)
        self.initial = frozenset(str(s) for s in self.initial)
        self.terminal = frozenset(str(s) for s in self.terminal)
        if self.register:
            MACHINES[self.name] = self

    # ---- reading the table -------------------------------------------------------------------

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def status_of(self, obj) -> str:
        return getattr(obj, self.status_field)

    def permits(self, action: str, obj, kinds: Iterable[str]) -> bool:
        """Do the table's states and actors let these actor kinds take the action now?"""
        t = self.transitions.get(action)
        return bool(t and self.status_of(obj) in t.sources and t.actors & set(kinds))

    def allowed(self, obj, kinds: Iterable[str], *, extra: Callable[[str], bool] | None = None) -> list[str]:
        """The actions these actor kinds may take on ``obj`` now, in the table's order; ``extra``
        adds the machine's own conditions (kept beside its table)."""
        kinds = set(kinds)
        return [a for a in self.transitions if self.permits(a, obj, kinds) and (extra is None or extra(a))]

    def label(self, action: str) -> str:
        return str(self.transitions[action].label)

    def why_not(self, action: str, obj, kinds: Iterable[str]) -> str:
        """Why these actor kinds may not take the action now, in words ("" when the table lets
        them): the same refusals as :meth:`check`, for a page or an API that shows a blocked
        action with its reason instead of hiding it (issue 14 §4). A machine's own conditions add
        their reasons beside its table."""
        t = self.transitions.get(action)
        if t is None:
            return gettext("未知的操作")
        if not (t.actors & set(kinds)):
            return gettext("您无权对%(noun)s执行“%(action)s”") % {"noun": self.noun, "action": t.label}
        status = self.status_of(obj)
        if status not in t.sources:
            return gettext("%(noun)s当前为“%(status)s”，不能执行“%(action)s”") % {
                "noun": self.noun, "status": self._status_label(obj, status), "action": t.label}
        return ""

    def check(self, action: str, obj, kinds: Iterable[str], *, note: str = "") -> Transition:
        """The transition, or a clear Chinese refusal: no right to act, wrong state, no reason."""
        t = self.transitions[action]
        kinds = set(kinds)
        if not (t.actors & kinds):
            raise ServiceError(gettext("您无权对%(noun)s执行“%(action)s”") % {"noun": self.noun, "action": t.label})
        status = self.status_of(obj)
        if status not in t.sources:
            raise ServiceError(gettext("%(noun)s当前为“%(status)s”，不能执行“%(action)s”") % {
                "noun": self.noun, "status": self._status_label(obj, status), "action": t.label})
        if t.needs_note and not (note or "").strip():
            raise ServiceError(gettext("请填写“%(action)s”的理由") % {"action": t.label})
        return t

    def _status_label(self, obj, status: str) -> str:
        if status in self.states_labels:
            return str(self.states_labels[status])
        display = getattr(obj, f"get_{self.status_field}_display", None)
        return str(display()) if display else status

    # ---- applying a transition ---------------------------------------------------------------

    def apply(
        self,
        obj,
        action: str,
        *,
        actor,
        kinds: Iterable[str] | None = None,
        note: str = "",
        target: str | None = None,
        event: Mapping[str, Any] | None = None,
        audit_detail: str | None = None,
        audit_changes: Mapping[str, Any] | None = None,
        audit_username: str = "",
        messages: Iterable = (),
        conflict: str | None = None,
        **fields,
    ) -> str:
        """Take ``action`` on ``obj`` and return the state it left.

        Checks the table (when ``kinds`` is given — a caller that has already checked, or the
        system, passes ``None``), then one conditional UPDATE of the status (and the version,
        the other ``fields`` and ``updated_at``) on the state and version the actor saw. The
        loser of a race gets :class:`ConflictError` "已被他人处理". Then, in the same transaction:
        the event row (``event`` adds fields of the domain's timeline), the audit row and the
        outbox rows (``messages``: :class:`wuye.notifications.services.Message` values).
        ``target`` names the new state where the table leaves it to the service (``None`` rows).
        ``audit_username`` names an actor that is no user on the audit row (``"system"``).
        """
        note = (note or "").strip()
        t = self.transitions[action]
        if kinds is not None:
            self.check(action, obj, kinds, note=note)
        elif self.status_of(obj) not in t.sources:
            raise ConflictError(self.conflict_text())
        before = self.status_of(obj)
        after = target or t.target or before
        if after != before and after not in t.leads_to():
            raise ValueError(f"{self.name}.{action} cannot lead to {after!r}")
        with transaction.atomic():
            conditional_update(self.model, obj, expect={self.status_field: before},
                               version_field=self.version_field, conflict=conflict or self.conflict_text(),
                               **{self.status_field: after}, **fields)
            if self.event_model is not None:
                self.event_model.objects.create(**{
                    self.event_fk: obj, "action": action, "from_status": before, "to_status": after,
                    "actor": actor if getattr(actor, "is_authenticated", False) else None, "note": note,
                    **(event or {})})
            if self.audit:
                changes = {self.status_field: [before, after]} if before != after else {}
                changes.update(audit_changes or {})
                audit_record(action=AuditAction.UPDATE, actor=actor, obj=obj, changes=changes or None,
                             username=audit_username, detail=(audit_detail if audit_detail is not None else f"{t.label} {note}").strip()[:500])
            messages = list(messages)
            if messages:
                # Imported here: the apps' models import this module (WorkflowEvent) while the app
                # registry loads, before the notifications app's models may be imported.
                from wuye.notifications.services import notify_many

                notify_many(messages)
        return before

    def conflict_text(self) -> str:
        return gettext("%(noun)s已被他人处理，请刷新页面后重试") % {"noun": self.noun}

    # ---- invariants (checked by a test over every registered machine) ------------------------

    def problems(self) -> list[str]:
        """What is wrong with the table: unknown states, actions without actors, states that
        cannot be reached from an initial state, actions that leave a terminal state."""
        out: list[str] = []
        if not self.initial:
            out.append(f"{self.name}: no initial state")
        for name, t in self.transitions.items():
            if not t.actors:
                out.append(f"{self.name}.{name}: no actor")
            if not t.sources:
                out.append(f"{self.name}.{name}: no source state")
            for s in t.sources | t.leads_to():
                if s not in self.states:
                    out.append(f"{self.name}.{name}: unknown state {s!r}")
            if t.sources & self.terminal:
                out.append(f"{self.name}.{name}: starts from terminal state(s) {sorted(t.sources & self.terminal)}")
        for s in self.initial | self.terminal:
            if s not in self.states:
                out.append(f"{self.name}: unknown state {s!r}")
        reached = set(self.initial)
        changed = True
        while changed:
            changed = False
            for t in self.transitions.values():
                new = t.leads_to() - reached
                if new and t.sources & reached:
                    reached |= new
                    changed = True
        for s in sorted(self.states - reached):
            out.append(f"{self.name}: state {s!r} cannot be reached")
        return out


def conditional_update(model: type[models.Model], obj, *, expect: Mapping[str, Any] | None = None,
                       version_field: str | None = "version", conflict: str | None = None, **fields) -> None:
    """``UPDATE … SET fields, version = version + 1 WHERE id = ? AND version = ? AND expect…``;
    exactly one row must change, else :class:`ConflictError` (the other actor won). Sets the new
    values on ``obj`` (expressions are read back)."""
    qs = model._default_manager.filter(pk=obj.pk, **(expect or {}))
    values = dict(fields)
    seen_version = None
    if version_field:
        seen_version = getattr(obj, version_field)
        qs = qs.filter(**{version_field: seen_version})
        values[version_field] = F(version_field) + 1
    if "updated_at" not in values and any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    if qs.update(**values) != 1:
        raise ConflictError(conflict or gettext("该记录已被他人处理，请刷新页面后重试"))
    if version_field:
        values[version_field] = seen_version + 1
    expressions = []
    for k, v in values.items():
        if hasattr(v, "resolve_expression"):
            expressions.append(k)
        else:
            setattr(obj, k, v)
    if expressions:
        fresh = model._default_manager.filter(pk=obj.pk).values(*expressions).get()
        for k, v in fresh.items():
            setattr(obj, k, v)
