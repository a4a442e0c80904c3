"""Transmitter chips: phase shifters, modulators, RF responses, drive waveforms, grating couplers and the chips.

    phase shifters ─► MZI (+ rf response) ─► drive waveforms ─► transmitter chip ─► symbol stream
"""
