"""``python -m combchip``: the ``combchip`` command."""

from .cli import main

raise SystemExit(main())
