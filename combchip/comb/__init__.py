"""Comb physics: the ring and its pump, the LLE in SI units, soliton steps, the line table and line coherence.

    Ring, Laser ─► normalize ─► simulate_comb (LLE, combchip.solvers) ─► steps, comb_lines, line_coherence
    noise sources (pump, thermal) ─► line_noise: each line's frequency-noise PSD and linewidths
"""
