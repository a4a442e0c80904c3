"""matplotlib figures for every result. Each function returns the Figure; pass ``ax`` to draw into your own.

One module per domain: :mod:`.comb`, :mod:`.tx`, :mod:`.link` and :mod:`.convergence`; their functions are also
named here.
"""

from .comb import (plot_backward_scan, plot_cw_branch, plot_dual_drive, plot_intensity, plot_line_noise, plot_lines,
                   plot_rep_rate_lock, plot_spectrum, plot_steps, plot_summary)
from .convergence import plot_resolution
from .dark_pulse_map import plot_dark_pulse_map
from .sil import plot_dark_pulse, plot_sil_backscatter, plot_sil_tuning_curve
from .maps import plot_fabrication, plot_soliton_statistics, plot_state_map
from .modulation import plot_modulated_pump
from .link import (plot_coherence, plot_hom_dip, plot_hom_fit, plot_rate_matrix, plot_rate_vs_distance,
                   plot_wavelength_graph)
from .noise import (plot_fem_thermorefractive, plot_frequency_noise, plot_injection_lock, plot_self_heterodyne,
                    plot_sil_noise, plot_thermorefractive)
from .turnkey import plot_turnkey
from .tx import plot_grating_spectrum, plot_mzi_transfer, plot_pulse_train, plot_states, stokes_vectors

__all__ = [
    "plot_backward_scan", "plot_coherence", "plot_cw_branch", "plot_dark_pulse", "plot_dark_pulse_map", "plot_dual_drive", "plot_grating_spectrum", "plot_hom_dip", "plot_hom_fit", "plot_intensity",
    "plot_line_noise", "plot_lines", "plot_modulated_pump", "plot_mzi_transfer", "plot_pulse_train", "plot_rate_matrix", "plot_rate_vs_distance",
    "plot_rep_rate_lock", "plot_resolution", "plot_sil_backscatter", "plot_sil_tuning_curve", "plot_frequency_noise", "plot_injection_lock", "plot_self_heterodyne",
    "plot_sil_noise", "plot_thermorefractive", "plot_fem_thermorefractive",
    "plot_spectrum", "plot_states", "plot_steps", "plot_summary", "plot_wavelength_graph", "stokes_vectors",
    "plot_fabrication", "plot_soliton_statistics", "plot_state_map", "plot_turnkey",
]
