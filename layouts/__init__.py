"""gdsfactory PDK, cells and circuit models of the comb and transmitter chips (lengths in µm).

Importing this package is the only place combchip touches gdsfactory. Cells never activate a PDK:
activate the combchip PDK first (``combchip.layouts.pdk.activate()``, or ``with pdk.activated():``, which
gives the previous PDK back), so that it can share a session with gdsfactory's generic PDK.
"""
