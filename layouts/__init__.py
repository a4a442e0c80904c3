"""gdsfactory PDK and cells of the comb and transmitter chips (lengths in µm).

Importing this package is the only place combchip touches gdsfactory.
"""
