"""MDI-QKD key rates: link model, four-intensity decoy estimation, finite key, repeaterless bounds.

    link = MDILink.from_losses(15, 15, Detector(0.75, 1e-7), v_hom=0.467, encoding="time-bin")
    asymptotic_rate(link)                                        # per pulse pair, system A's settings
    finite_key_rate(link, SYSTEM_A.intensities, SYSTEM_A.probabilities, 3e12, eps=1e-10, f=1.16,
                    repetition_rate=100e6)["key_rate"]           # bit/s
"""

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
from .finite_key import chernoff_expected, chernoff_observed, estimate_from_counts, finite_key_rate, key_length
from .mdi import (
    asymptotic_rate,
    binary_entropy,
    check_protocol,
    decoy_coefficients,
    e11_upper_bound,
    expected_counts,
    expected_yields,
    ideal_single_photon,
    optimize_parameters,
    rate_vs_loss,
    s11_lower_bound,
    s11_lower_bound_lp,
    sample_counts,
)

__all__ = [
    "Detector",
    "Gains",
    "MDILink",
    "asymptotic_rate",
    "binary_entropy",
    "check_protocol",
    "chernoff_expected",
    "chernoff_observed",
    "combine_errors",
    "dark_count_probability",
    "decoy_coefficients",
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
    "optimize_parameters",
    "photon_number_yields",
    "plob",
    "rate_vs_loss",
    "s11_lower_bound",
    "s11_lower_bound_lp",
    "sample_counts",
    "state_error_from_extinction",
    "tgw",
    "transmittance",
]

from .sns import (  # noqa: E402
    SNSChannel,
    SNSProtocol,
    decoy_s1_lower,
    optimize_sns,
    phase_drift_misalignment,
    single_click_yield,
    slice_error_yield,
    slice_misalignment,
    sns_key_rate,
)

__all__ += [
    "SNSChannel",
    "SNSProtocol",
    "decoy_s1_lower",
    "optimize_sns",
    "phase_drift_misalignment",
    "single_click_yield",
    "slice_error_yield",
    "slice_misalignment",
    "sns_key_rate",
]
