"""One buyer, one head (法释〔2009〕7号 第九条): an owner registered twice under the same ID number
(an organisation: the same unified social credit code) becomes one owner before the database
refuses a second one (migration 0005).

For each ID number held by several owners, the oldest owner is kept; every ownership and every
other row that names a duplicate (committee seats, voter rolls, candidates, survey answers,
requests, accounts…) moves to the kept owner; the duplicates are deleted; one audit row per
merge records what moved. Personal data stays out of the audit row (no ID number, no phone).
"""

from django.db import IntegrityError, migrations, transaction
from django.db.models import Count, Min, Value
from django.db.models.functions import Replace, Trim, Upper

from wuye.core.audit import audit_record_in_migration


def _normalise_numbers(Owner) -> None:
    """Codes typed with lower-case letters or spaces are the same code: store them as the services do."""
    clean = Replace(Upper(Trim("id_number")), Value(" "), Value(""))
    Owner.objects.exclude(id_number="").exclude(id_number=clean).update(id_number=clean)


def _relations(Owner):
    """Every reverse relation to Owner: (foreign keys), (many-to-many relations)."""
    fks, m2ms = [], []
    for rel in Owner._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        if rel.many_to_many:
            m2ms.append(rel)
        elif rel.one_to_many or rel.one_to_one:
            fks.append(rel)
    return fks, m2ms


def _merge_ownerships(Ownership, keep, dup, moved: dict, dropped: list) -> None:
    """A duplicate's homes become the kept owner's; a home both already hold stays one ownership
    (its share and date filled from the duplicate's where the kept one has none)."""
    held = {o.unit_id: o for o in Ownership.objects.filter(owner=keep)}
    for own in Ownership.objects.filter(owner=dup):
        kept = held.get(own.unit_id)
        if kept is None:
            Ownership.objects.filter(pk=own.pk).update(owner=keep)
            moved["registry.ownership"] = moved.get("registry.ownership", 0) + 1
            continue
        fill = {}
        if kept.share is None and own.share is not None:
            fill["share"] = own.share
        if kept.since is None and own.since is not None:
            fill["since"] = own.since
        if fill:
            Ownership.objects.filter(pk=kept.pk).update(**fill)
        dropped.append({"ownership": own.pk, "unit": own.unit_id, "share": own.share, "since": own.since})
        Ownership.objects.filter(pk=own.pk).delete()


def _move_fk(rel, keep, dup, moved: dict, cleared: list) -> None:
    model, name = rel.related_model, rel.field.name
    rows = model._base_manager.filter(**{name: dup})
    label = model._meta.label_lower
    try:
        with transaction.atomic():
            n = rows.update(**{name: keep})
    except IntegrityError:
        # A row of the kept owner already says the same (one per election, one waiting request…):
        # move row by row; a row that cannot move loses its link where the link is optional.
        n = 0
        for pk in list(rows.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{name: keep})
                n += 1
            except IntegrityError:
                if not rel.field.null:
                    raise RuntimeError(
                        f"{label} #{pk}: 重复登记的业主 #{dup.pk} 无法合并到 #{keep.pk}（唯一约束冲突），请人工处理后重新迁移。"
                    ) from None
                model._base_manager.filter(pk=pk).update(**{name: None})
                cleared.append({"model": label, "id": pk})
    if n:
        moved[label] = moved.get(label, 0) + n


def _move_m2m(rel, keep, dup, moved: dict) -> None:
    through = rel.through
    owner_field = rel.field.m2m_reverse_field_name()
    other_field = rel.field.m2m_field_name()
    already = set(through._base_manager.filter(**{owner_field: keep}).values_list(f"{other_field}_id", flat=True))
    n = 0
    for row in through._base_manager.filter(**{owner_field: dup}):
        if getattr(row, f"{other_field}_id") in already:
            through._base_manager.filter(pk=row.pk).delete()
        else:
            through._base_manager.filter(pk=row.pk).update(**{owner_field: keep})
        n += 1
    if n:
        label = rel.related_model._meta.label_lower
        moved[label] = moved.get(label, 0) + n


def merge_duplicate_owners(apps, schema_editor=None) -> int:
    """Merge every group of owners sharing a non-empty ID number; return the number of merges."""
    Owner = apps.get_model("registry", "Owner")
    Ownership = apps.get_model("registry", "Ownership")
    _normalise_numbers(Owner)
    fks, m2ms = _relations(Owner)
    groups = (Owner.objects.exclude(id_number="").values("id_number")
              .annotate(n=Count("id"), keep=Min("id")).filter(n__gt=1).order_by("keep"))
    merges = 0
    for group in groups:
        keep = Owner.objects.get(pk=group["keep"])
        dups = list(Owner.objects.filter(id_number=group["id_number"]).exclude(pk=keep.pk).order_by("pk"))
        moved: dict[str, int] = {}
        dropped: list[dict] = []
        cleared: list[dict] = []
        for dup in dups:
            _merge_ownerships(Ownership, keep, dup, moved, dropped)
            for rel in fks:
                if rel.related_model is not Ownership:
                    _move_fk(rel, keep, dup, moved, cleared)
            for rel in m2ms:
                _move_m2m(rel, keep, dup, moved)
        names = sorted({d.name for d in dups} - {keep.name})
        Owner.objects.filter(pk__in=[d.pk for d in dups]).delete()
        audit_record_in_migration(
            apps, action="update", object_type="registry.owner", object_id=keep.pk, object_repr=keep.name,
            changes={"merged_owners": [d.pk for d in dups], "moved": moved, "ownerships_dropped": dropped,
                     "links_cleared": cleared, "other_names": names},
            detail=(f"合并重复登记的业主：#{'、#'.join(str(d.pk) for d in dups)} 与 #{keep.pk} 证件号码相同，"
                    f"关联数据已转到 #{keep.pk}（一人一票，法释〔2009〕7号 第九条）"),
        )
        merges += 1
    return merges


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0003_constraint_messages_owner_id_index"),
        ("core", "0003_calendarday"),
        # Every app whose rows name an owner, so that their relations are in this migration's state.
        ("accounts", "0001_initial"),
        ("governance", "0001_initial"),
        ("supervision", "0001_initial"),
        ("disclosure", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_owners, migrations.RunPython.noop),
    ]
