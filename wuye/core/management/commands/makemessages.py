"""``makemessages`` that also collects ``_g("…")`` (the ``gettext as _g`` alias used next to
``gettext_lazy as _``), so that every wrapped string reaches the catalogue."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_g"]
