"""``makemessages`` that also extracts ``_l("...")``.

Some modules import ``gettext_lazy as _l`` beside ``gettext as _``; xgettext only knows the
keywords Django passes it, so without this those strings never reach the English catalogue.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=_l",
    ]
