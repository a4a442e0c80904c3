"""``COMBCHIP_QUICK=1`` runs an example at reduced size (fewer modes, seeds, snapshots, distances, symbols):
a smoke run of a few seconds whose numbers mean nothing. CI runs every example this way (``.ci/run``), so
that none of them rots. Unset (or 0), the examples run at the full size they document.

    COMBCHIP_QUICK=1 python examples/soliton_steps.py
"""

import os

QUICK = os.environ.get("COMBCHIP_QUICK", "0").strip() not in ("", "0")


def sized(full, quick):
    """``full``, or ``quick`` when ``COMBCHIP_QUICK`` is set."""
    return quick if QUICK else full
