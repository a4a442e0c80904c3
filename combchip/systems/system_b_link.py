"""System B end to end (Wang et al., arXiv 2025): comb line → silicon chip → 100 km per user → BSM → finite key.

Published numbers come from :data:`combchip.systems.published.SYSTEM_B` (FSR, 2.5 GHz clock, 30 dB extinction,
100 km per user, 2 ps arrival drift, 30 kHz beat σ, ε, 1000 s blocks); the modules' constants below are the
assumptions the paper does not give. Nothing is set from the published QBERs or visibilities: they are
compared with what the chain gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scipy.constants import c

from ..link.hom import hom_visibility, mode_overlap
from ..link.qkd.channel import Detector, MDILink, combine_errors, dark_count_probability, misalignment_from_visibility
from ..link.qkd.finite_key import FiniteKeyEstimate, finite_key_rate
from ..link.qkd.mdi import check_protocol, expected_counts
from ..link.qkd.optimize import optimize_parameters
from ..link.records import quantity
from ..schema import CombLine
from ..validation import check_nonnegative, check_positive
from .published import SYSTEM_A, SYSTEM_B
from .system_b import PUMP_WAVELENGTH, system_b_transmitter

__all__ = ["DETECTOR", "SystemBKeyRate", "system_b_key_rate", "system_b_line"]

DETECTOR_WINDOW = 400e-12
"""Assumed detection window [s]: one 2.5 GHz symbol slot."""
DETECTOR = Detector(efficiency=0.75, dark_count_probability=dark_count_probability(100.0, DETECTOR_WINDOW))
"""Assumed SNSPDs (not published for B): η_d = 0.75, 100 Hz dark counts in a 400 ps window (p_d ≈ 4 × 10⁻⁸)."""
FIBRE_LOSS_DB_PER_KM = 0.2
"""Assumed standard single-mode fibre (G.652) [dB/km]."""
RELAY_LOSS_DB = 1.0
"""Assumed insertion loss per user at the relay [dB] (polarization controller, beam-splitter input)."""
PUMP_LINEWIDTH = 10e3
"""Assumed Lorentzian FWHM of the seed laser [Hz]; its Rb lock fixes the mean frequency, not the linewidth."""
LINE_POWER = 100e-6
"""Assumed power of the user's comb line at the chip input [W] (−10 dBm after the demultiplexer); the chip's
attenuator absorbs it, so the key rate does not depend on it as long as it reaches the signal level. The
simulated soliton of :func:`combchip.systems.system_b.system_b_comb_lines` gives ≈ 25 µW for this line after
the output facet, which also reaches it."""
LINE_MU = 1
"""Assumed comb line: the pump's first neighbour (mode number relative to the pump)."""
START = ({"z": 0.3, "y": 0.15, "x": 0.04, "o": 0.0}, {"z": 0.6, "y": 0.05, "x": 0.3, "o": 0.05})
"""Starting intensities and probabilities of the Nelder–Mead search: a generic high-loss four-intensity set
(Zhou, Yu & Wang, Phys. Rev. A 93, 042324 (2016)), not B's (unpublished) settings."""


def system_b_line(linewidth: float = PUMP_LINEWIDTH, power: float = LINE_POWER, mu: int = LINE_MU) -> CombLine:
    """A line of system B's locked soliton comb: ν = c/λ_p + μ·FSR, Lorentzian FWHM of the pump.

    A soliton's lines inherit the pump's phase noise; the rep-rate noise that the lock leaves (published
    σ = 215 Hz) spreads the lines by |μ|·σ_rep, far below a 95 ps pulse's bandwidth, and enters the
    visibility through the published beat σ (:func:`system_b_key_rate`). The line power is assumed
    (:data:`LINE_POWER`): B publishes the line SNR (> 20 dB, against its spectrum analyser's floor), not the
    power per line. A soliton line is taken as fully coherent (OSNR = ∞).

    Parameters
    ----------
    linewidth : float
        Pump (seed) linewidth, Lorentzian FWHM [Hz].
    power : float
        Line power at the chip input [W].
    mu : int
        Mode number relative to the pump.
    """
    check_nonnegative("linewidth", linewidth, "Hz")
    check_positive("power", power, "W")
    if not isinstance(mu, (int, float)) or int(mu) != mu:
        raise ValueError(f"mu = {mu!r} must be an integer mode number")
    return CombLine(frequency=c / PUMP_WAVELENGTH + int(mu) * SYSTEM_B.fsr, power=power, linewidth=linewidth,
                    mu=int(mu))


@dataclass(frozen=True)
class SystemBKeyRate:
    """System B's finite-key rate and what it rests on (:func:`system_b_key_rate`)."""

    key_rate: float = quantity("bit/s", "finite-key rate ℓ/T, clipped at 0")
    key_length: float = quantity("bit", "key length ℓ of the block, unclipped")
    key_status: str = quantity("", "finite-key certificate of the estimator, at the chip's realized intensities "
                                   "including its leaky vacuum μ_o > 0: 'certified', 'gap_open' or 'infeasible'")
    qber_z: float = quantity("1", "Z-basis QBER E_zz of the signal pairs")
    qber_x: float = quantity("1", "X-basis QBER E_xx of the x-decoy pairs")
    hom_visibility: float = quantity("1", "HOM visibility V = M/2 of the two users' pulses (weak limit)")
    mode_overlap: float = quantity("1", "mode overlap M: pulse width, 2 ps drift, beat σ, line linewidth")
    e_d_z: float = quantity("1", "Z misalignment: both chips' Z-state errors combined")
    e_d_x: float = quantity("1", "X misalignment: 1/2 − V combined with both chips' X-state errors")
    state_error_z: float = quantity("1", "chip's mean Z-state error 1 − F at the signal intensity")
    state_error_x: float = quantity("1", "chip's mean X-state error 1 − F at the decoy intensities")
    intensities: dict = quantity("photons", "realized mean photon numbers of the chip, the leaky vacuum μ_o included")
    probabilities: dict = quantity("1", "source probabilities")
    target_intensities: dict = quantity("photons", "intensities the optimizer chose (the chip's targets)")
    vacuum_mu: float = quantity("photons", "realized μ of the chip's 'vacuum' decoy (finite extinction)")
    pulse_fwhm: float = quantity("s", "carved pulse FWHM of the chip model")
    symbol_rate: float = quantity("Hz", "clock")
    block_seconds: float = quantity("s", "block length T")
    pulse_pairs: float = quantity("1", "pulse pairs N = T × clock")
    distance_per_user: float = quantity("m", "fibre from each user to the relay")
    loss_per_user_db: float = quantity("dB", "fibre and relay loss per user (detector efficiency excluded)")
    line: CombLine = quantity("", "the comb line driving each chip")
    detector: Detector = quantity("", "the BSM's SNSPDs (assumed)")
    optimized: bool = quantity("", "whether the settings were optimized (else the start settings)")
    optimizer_converged: bool | None = quantity("", "the optimizer's success flag; None when not optimized")
    optimizer_message: str = quantity("", "the optimizer's message")
    finite_key: FiniteKeyEstimate = quantity("", "the finite-key estimate at the realized intensities")


def _chip_errors(states) -> tuple[float, float]:
    """Mean Z-state error at the signal z and mean X-state error at the X-basis decoys x, y."""
    z = float(states.error.sel(intensity="z", state=["Z0", "Z1"]).mean())
    x = float(states.error.sel(intensity=["x", "y"], state=["X0", "X1"]).mean())
    return z, x


def _link(loss_db, detector, v_hom, errors) -> MDILink:
    e_z, e_x = errors
    return MDILink.from_losses(loss_db, loss_db, detector, e_d_z=combine_errors(e_z, e_z),
                               e_d_x=combine_errors(misalignment_from_visibility(v_hom), e_x, e_x))


def system_b_key_rate(block_seconds: float = SYSTEM_B.block, *, pump_linewidth: float = PUMP_LINEWIDTH,
                      line_power: float = LINE_POWER, distance: float = SYSTEM_B.fibre_per_user,
                      fibre_loss_db_per_km: float = FIBRE_LOSS_DB_PER_KM, relay_loss_db: float = RELAY_LOSS_DB,
                      detector: Detector = DETECTOR, polarization_angle: float = 0.0, optimize: bool = True,
                      initial: tuple[Mapping, Mapping] = START,
                      f: float = SYSTEM_A.error_correction_efficiency) -> SystemBKeyRate:
    """Finite-key rate of one system B user pair, each user ``distance`` from the relay, from the devices.

    1. Each user's chip (:func:`combchip.systems.system_b_transmitter`) is driven by a comb line
       (:func:`system_b_line`); its realized μ and state errors 1 − F come from the chip's time-domain model
       (:meth:`~combchip.tx.chips.Chip.states`: MZI extinction, 2D-grating crosstalk, drive ISI).
    2. V_HOM = M/2 with M = :func:`combchip.link.hom.mode_overlap` of the chip's pulses with the published
       2 ps arrival drift (σ_t), the published 30 kHz beat σ of matching lines (σ_ν) and the line linewidth.
    3. e_d^Z = ε_Z ⊕ ε_Z, e_d^X = (1/2 − V) ⊕ ε_X ⊕ ε_X (:func:`combchip.link.qkd.channel.combine_errors`).
    4. The settings maximize the finite-key rate (:func:`combchip.link.qkd.optimize.optimize_parameters`,
       started at ``initial``); the chip is then re-driven at the chosen settings and the key
       (:func:`combchip.link.qkd.finite_key.finite_key_rate`) is computed at its realized intensities and
       errors, with N = T × 2.5 GHz pulse pairs and ε = 10⁻¹⁰. The QBERs are E_zz and E_xx of the expected
       counts (Ma & Razavi 2012 gains).

    The chip's "vacuum" decoy carries μ_o ≈ 6 × 10⁻⁴ (30 dB extinction); the decoy bound takes it exactly
    (:func:`combchip.link.qkd.mdi.decoy_weights`), so ``key_status`` is the estimator's own certificate.

    Parameters
    ----------
    block_seconds : float
        Block length T [s] (published: 1000 s).
    pump_linewidth, line_power : float
        Line linewidth [Hz] and power [W] (:func:`system_b_line`).
    distance : float
        Fibre from each user to the relay [m].
    fibre_loss_db_per_km, relay_loss_db : float
        Fibre attenuation [dB/km] and relay insertion loss per user [dB].
    detector : Detector
        BSM detectors.
    polarization_angle : float
        Residual relative polarization angle of the two users at the BSM [rad].
    optimize : bool
        Optimize the settings (tens of seconds), else use ``initial``.
    initial : (mapping, mapping)
        Starting (or fixed) intensities and probabilities.
    f : float
        Error-correction inefficiency (not published for B: system A's 1.16).

    Returns
    -------
    SystemBKeyRate

    References
    ----------
    X. Ma, M. Razavi, Phys. Rev. A 86, 062319 (2012); C. Jiang et al., Phys. Rev. A 103, 012402 (2021).
    """
    block = check_positive("block_seconds", block_seconds, "s")
    distance = check_nonnegative("distance", distance, "m")
    loss_db = (check_nonnegative("fibre_loss_db_per_km", fibre_loss_db_per_km, "dB/km") * distance / 1e3
               + check_nonnegative("relay_loss_db", relay_loss_db, "dB"))
    if not isinstance(detector, Detector):
        raise ValueError(f"detector must be a Detector, got {detector!r}")
    if not isinstance(optimize, bool):
        raise ValueError(f"optimize must be True or False, got {optimize!r}")
    mu0, p0 = check_protocol(*initial)
    line = system_b_line(check_nonnegative("pump_linewidth", pump_linewidth, "Hz"),
                         check_positive("line_power", line_power, "W"))
    chip = system_b_transmitter(wavelength=line.wavelength)
    timing = chip.timing
    pairs = block * timing.symbol_rate

    overlap = mode_overlap(timing.pulse_fwhm, jitter=SYSTEM_B.arrival_drift,
                           frequency_noise_sigma=SYSTEM_B.beat_note_sigma, linewidth_a=line.linewidth,
                           linewidth_b=line.linewidth, polarization_angle=polarization_angle)
    v_hom = hom_visibility(1.0, 1.0, overlap, model="weak")
    converged, message = None, "not optimized"
    mu, p = mu0, p0
    if optimize:
        guess = _link(loss_db, detector, v_hom, _chip_errors(chip.states(line, mu0, p0)))
        best = optimize_parameters(guess, pairs, eps=SYSTEM_B.eps, f=f, initial=(mu0, p0), xatol=1e-2, fatol=1e-4)
        mu, p = best.intensities, best.probabilities
        converged, message = bool(best.result.success), str(best.result.message)
    states = chip.states(line, mu, p)
    errors = _chip_errors(states)
    realized = states.mu.mean("state")
    intensities = {k: float(realized.sel(intensity=k)) for k in ("z", "y", "x", "o")}
    link = _link(loss_db, detector, v_hom, errors)
    estimate = finite_key_rate(link, intensities, p, pairs, eps=SYSTEM_B.eps, f=f,
                               repetition_rate=timing.symbol_rate)
    counts = expected_counts(link, intensities, p, pairs)
    return SystemBKeyRate(
        key_rate=float(estimate.key_rate), key_length=float(estimate.key_length), key_status=estimate.status,
        qber_z=counts["zz_err"] / counts["zz"], qber_x=counts["xx_err"] / counts["xx"],
        hom_visibility=float(v_hom), mode_overlap=float(overlap), e_d_z=link.e_d_z, e_d_x=link.e_d_x,
        state_error_z=errors[0], state_error_x=errors[1], intensities=intensities, probabilities=dict(p),
        target_intensities=dict(mu), vacuum_mu=intensities["o"], pulse_fwhm=timing.pulse_fwhm,
        symbol_rate=timing.symbol_rate, block_seconds=block, pulse_pairs=pairs, distance_per_user=distance,
        loss_per_user_db=float(loss_db), line=line, detector=detector, optimized=optimize,
        optimizer_converged=converged, optimizer_message=message, finite_key=estimate,
    )
