"""Phase tracking of an SNS-TF-QKD link: the X-basis interference errors from the link's physical parts.

The two users' pulses interfere at the relay with a residual relative phase φ and a visibility v. The
error of a single photon is (1 − v⟨cos φ⟩)/2 (Jiang et al. 2019), and independent zero-mean parts of φ
multiply their ⟨cos φ_j⟩. This module turns each part into a residual phase distribution:

- fibre drift at ω [rad/s], re-estimated every T [s] from a reference averaged over T: a linear drift
  leaves a residual uniform over [−ωT/2, ωT/2] (variance (ωT)²/12);
- the users' laser phase noise: for Lorentzian lines of linewidths Δν_a, Δν_b the relative phase is a
  Wiener process, Var[φ(t) − φ(s)] = 2π(Δν_a + Δν_b)|t − s|. Referred to its mean over the tracking
  window T, its variance averaged over the window is 2π(Δν_a + Δν_b)T/6
  (∫₀ᵀ [T/3 − t + t²/T] dt/T = T/6);
- the comb line's own phase noise, common to both users but seen through optical paths that differ by a
  delay τ_d: 2πΔν_comb·τ_d (Lorentzian, no credit taken for the tracking);
- phase estimation from n detected reference photons behind the relay's two-port interferometer: the
  counts n± = n(1 ± v cos φ)/2 have Fisher information n v² sin²φ/(1 − v²cos²φ) ≥ n v², so an efficient
  estimator reaches σ² = 1/(n v²) (Cramér–Rao); n = P λ/(hc) · (η_A + η_B) · T for a reference power P
  per user;
- the visibility v = cos θ · √(1 − δ²) of polarization states θ apart (Jones-vector angle) and source
  intensities I_a,b = I(1 ± δ): the interfering term 2√(I_a I_b)|⟨p_a|p_b⟩| over I_a + I_b.

Residual phases from estimation and laser noise are Gaussian (many counts; a Wiener process).

References
----------
C. Jiang, Z.-W. Yu, X.-L. Hu, X.-B. Wang, Phys. Rev. Applied 12, 024061 (2019) (SNS X-window errors).
L. Richter, H. Mandelberg, M. Kruger, P. McGrath, IEEE J. Quantum Electron. 22, 2070 (1986) (Lorentzian
phase diffusion).
S. L. Braunstein, C. M. Caves, Phys. Rev. Lett. 72, 3439 (1994) (Cramér–Rao phase estimation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.constants import c, h

from ...validation import check_nonnegative, check_positive, check_range, check_wavelength

__all__ = ["PhaseTracking", "estimation_phase_variance", "laser_phase_variance"]


def laser_phase_variance(linewidth_a: float, linewidth_b: float, interval: float) -> float:
    """Window-averaged variance 2π(Δν_a + Δν_b)T/6 [rad²] of two Lorentzian lasers' relative phase about its
    mean over a tracking window T [s] (module docstring)."""
    total = check_nonnegative("linewidth_a", linewidth_a, "Hz") + check_nonnegative("linewidth_b", linewidth_b, "Hz")
    return 2 * math.pi * total * check_nonnegative("interval", interval, "s") / 6


def estimation_phase_variance(detected_photons: float, visibility: float = 1.0) -> float:
    """Cramér–Rao variance 1/(n v²) [rad²] of a phase estimated from n detected photons at fringe visibility v."""
    n = check_positive("detected_photons", detected_photons)
    v = check_range("visibility", visibility, 0.0, 1.0, low_open=True)
    return 1 / (n * v**2)


@dataclass(frozen=True)
class PhaseTracking:
    """Dual-wavelength phase tracking of an SNS-TF-QKD link, and the interference visibility.

    Parameters
    ----------
    reference_power : float
        Time-averaged reference light per user at its output [W], > 0.
    wavelength : float
        Optical wavelength [m] (photon energy hc/λ).
    reference_drift_rate, reference_interval : float
        Fibre phase drift of the reference [rad/s] and its re-estimation period [s] (> 0).
    difference_drift_rate, difference_interval : float
        Drift of the reference–quantum phase difference [rad/s] and its re-estimation period [s] (> 0).
    linewidth_a, linewidth_b : float
        Lorentzian linewidths of the users' lasers [Hz].
    comb_linewidth : float
        Lorentzian linewidth of the comb line both users lock to [Hz].
    delay_imbalance : float
        Difference of the comb light's optical delays to the relay through the two users [s].
    polarization_mismatch : float
        Angle θ between the users' polarization states at the relay (Jones vectors) [rad], in [0, π/2).
    intensity_mismatch : float
        Relative source-intensity mismatch δ = (I_a − I_b)/(I_a + I_b), in [0, 1).
    """

    reference_power: float
    wavelength: float
    reference_drift_rate: float
    reference_interval: float
    difference_drift_rate: float
    difference_interval: float
    linewidth_a: float = 0.0
    linewidth_b: float = 0.0
    comb_linewidth: float = 0.0
    delay_imbalance: float = 0.0
    polarization_mismatch: float = 0.0
    intensity_mismatch: float = 0.0

    def __post_init__(self):
        check_positive("reference_power", self.reference_power, "W")
        check_wavelength("wavelength", self.wavelength)
        for name in ("reference_drift_rate", "difference_drift_rate"):
            check_nonnegative(name, getattr(self, name), "rad/s")
        for name in ("reference_interval", "difference_interval"):
            check_positive(name, getattr(self, name), "s")
        for name in ("linewidth_a", "linewidth_b", "comb_linewidth"):
            check_nonnegative(name, getattr(self, name), "Hz")
        check_nonnegative("delay_imbalance", self.delay_imbalance, "s")
        check_range("polarization_mismatch", self.polarization_mismatch, 0.0, math.pi / 2, "rad", high_open=True)
        check_range("intensity_mismatch", self.intensity_mismatch, 0.0, 1.0, high_open=True)

    @property
    def visibility(self) -> float:
        """v = cos θ · √(1 − δ²) (module docstring)."""
        return self.polarization_visibility * self.intensity_visibility

    @property
    def polarization_visibility(self) -> float:
        """cos θ."""
        return math.cos(self.polarization_mismatch)

    @property
    def intensity_visibility(self) -> float:
        """√(1 − δ²) = 2√(I_a I_b)/(I_a + I_b)."""
        return math.sqrt(1 - self.intensity_mismatch**2)

    def drift_pairs(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """(drift rate ω [rad/s], interval T [s]) of the reference and of the difference; residuals uniform
        over [−ωT/2, ωT/2]."""
        return ((self.reference_drift_rate, self.reference_interval),
                (self.difference_drift_rate, self.difference_interval))

    def detected_photons(self, eta_a: float, eta_b: float, interval: float) -> float:
        """Reference photons n = Pλ/(hc)·(η_A + η_B)·T detected in ``interval`` [s]."""
        return self.reference_power * self.wavelength / (h * c) * (eta_a + eta_b) * interval

    def gaussian_variances(self, eta_a: float, eta_b: float) -> dict[str, float]:
        """Variances [rad²] of the Gaussian residual phases: ``laser``, ``comb`` and ``estimation`` (module
        docstring); η_A, η_B are the arm transmittances with detector efficiency."""
        estimation = sum(estimation_phase_variance(self.detected_photons(eta_a, eta_b, t), self.visibility)
                         for t in (self.reference_interval, self.difference_interval))
        return {"laser": laser_phase_variance(self.linewidth_a, self.linewidth_b, self.reference_interval),
                "comb": 2 * math.pi * self.comb_linewidth * self.delay_imbalance,
                "estimation": estimation}
