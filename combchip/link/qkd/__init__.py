"""MDI-QKD key rates: link model, four-intensity decoy estimation, finite key, repeaterless bounds; SNS-TF-QKD.

    link = MDILink.from_losses(15, 15, Detector(0.75, 1e-7), v_hom=0.467, encoding="time-bin")
    asymptotic_rate(link).key_rate_per_pulse                     # bit per pulse pair, system A's settings
    finite_key_rate(link, SYSTEM_A.intensities, SYSTEM_A.probabilities, SYSTEM_A.pulse_pairs,
                    repetition_rate=SYSTEM_A.clock).key_rate     # bit/s
    optimize_parameters(link, SYSTEM_A.pulse_pairs).intensities  # settings that maximize the finite-key rate
    optimize_asymmetric(link, SYSTEM_A.pulse_pairs).intensities  # per side: {"alice": {...}, "bob": {...}}

Results are frozen dataclasses (:class:`AsymptoticRate`, :class:`FiniteKeyEstimate`, :class:`OptimizedSettings`,
:class:`SNSKeyRate`, :class:`SNSOptimum`, :class:`OddParityPairing`) whose fields carry their unit in
:func:`dataclasses.fields` metadata.
"""

from .aopp import OddParityPairing, odd_parity_pairing
from .bounds import plob, tgw, transmittance
from .channel import (
    Detector,
    Gains,
    MDILink,
    combine_errors,
    dark_count_probability,
    default_bsm,
    gains,
    misalignment_from_visibility,
    photon_number_yields,
    state_error_from_extinction,
)
from .finite_key import (
    FiniteKeyEstimate,
    chernoff_expected,
    chernoff_observed,
    estimate_from_counts,
    finite_key_rate,
    key_length,
    rate_vs_loss,
)
from .mdi import (
    AsymptoticRate,
    MDISettings,
    asymptotic_rate,
    binary_entropy,
    check_protocol,
    check_sides,
    decoy_coefficients,
    decoy_weights,
    e11_upper_bound,
    expected_counts,
    expected_yields,
    ideal_single_photon,
    s11_lower_bound,
    s11_lower_bound_lp,
    sample_counts,
)
from .optimize import (
    AsymmetricSettings,
    OptimizedSettings,
    balanced_start,
    optimize_asymmetric,
    optimize_parameters,
    pack_settings,
    unpack_settings,
)
from .sns import (
    SNSChannel,
    SNSKeyRate,
    SNSOptimum,
    SNSProtocol,
    decoy_s1_lower,
    optimize_sns,
    phase_drift_misalignment,
    single_click_yield,
    slice_error_yield,
    slice_misalignment,
    sns_key_rate,
)
from .sns_errors import format_error_budget, sns_x_error_budget
from .sns_tracking import PhaseTracking

__all__ = [
    "PhaseTracking",
    "format_error_budget",
    "sns_x_error_budget",
    "AsymmetricSettings",
    "AsymptoticRate",
    "MDISettings",
    "balanced_start",
    "check_sides",
    "decoy_weights",
    "optimize_asymmetric",
    "Detector",
    "FiniteKeyEstimate",
    "Gains",
    "MDILink",
    "OddParityPairing",
    "OptimizedSettings",
    "SNSChannel",
    "SNSKeyRate",
    "SNSOptimum",
    "SNSProtocol",
    "asymptotic_rate",
    "binary_entropy",
    "check_protocol",
    "chernoff_expected",
    "chernoff_observed",
    "combine_errors",
    "dark_count_probability",
    "decoy_coefficients",
    "decoy_s1_lower",
    "default_bsm",
    "e11_upper_bound",
    "estimate_from_counts",
    "expected_counts",
    "expected_yields",
    "finite_key_rate",
    "gains",
    "ideal_single_photon",
    "key_length",
    "misalignment_from_visibility",
    "odd_parity_pairing",
    "optimize_parameters",
    "optimize_sns",
    "pack_settings",
    "phase_drift_misalignment",
    "photon_number_yields",
    "plob",
    "rate_vs_loss",
    "s11_lower_bound",
    "s11_lower_bound_lp",
    "sample_counts",
    "single_click_yield",
    "slice_error_yield",
    "slice_misalignment",
    "sns_key_rate",
    "state_error_from_extinction",
    "tgw",
    "transmittance",
    "unpack_settings",
]
