"""Transmitter chips: modulator chains that turn a CW comb line into encoded weak coherent pulses.

A chip simulates, in the time domain, a pattern that holds every ordered pair of symbol classes (a
de Bruijn sequence), so the inter-symbol interference of the drive electronics is included; random
symbol streams are then assembled from that table. For each class and predecessor it keeps the
photon number and the density matrix ρ over the two encoding modes ((H, V) or (early, late)):
ρ_ij = ∫ E_i(t) E_j*(t) dt / (hν) over the symbol slot, so that μ = tr ρ and the state fidelity is
F = ⟨ψ|ρ|ψ⟩/μ for the ideal state |ψ⟩ (Lo, Curty & Qi, PRL 108, 130503 (2012) for the states).

A chip is driven by one comb line (:class:`combchip.schema.CombLine`): the line's power sets the
attenuator, its coherence over the delay between the two encoding modes scales ρ_12. Every chip is a
:class:`combchip.tx.protocol.Transmitter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import xarray as xr
from scipy.constants import c, h
from scipy.optimize import brentq

from .drive import Drive, pulse_fwhm
from .protocol import Encoding, Timing
from ..schema import PHASE_SYMBOL_STREAM, SYMBOL_STREAM, TRANSMITTER_STATES, CombLine, validate
from ..systems.published import SYSTEM_A
from ..validation import check_int, check_positive, check_range, check_wavelength

STATES = ("Z0", "Z1", "X0", "X1")
_IDEAL = np.array([[1, 0], [0, 1], [1, 1], [1, -1]], dtype=complex) / np.array([1, 1, np.sqrt(2), np.sqrt(2)])[:, None]


def de_bruijn(alphabet: int, order: int = 2) -> np.ndarray:
    """Cyclic sequence over ``alphabet`` symbols that contains every word of length ``order`` once."""
    check_int("alphabet", alphabet, 1)
    check_int("order", order, 1)
    word = [0] * (alphabet * order)
    out = []

    def extend(t, p):
        if t > order:
            if order % p == 0:
                out.extend(word[1 : p + 1])
            return
        word[t] = word[t - p]
        extend(t + 1, p)
        for j in range(word[t - p] + 1, alphabet):
            word[t] = j
            extend(t + 1, t)

    extend(1, 1)
    return np.array(out, dtype=int)


def _check_line(line) -> CombLine:
    if not isinstance(line, CombLine):
        raise ValueError(f"line must be a combchip.schema.CombLine, got {type(line).__name__}")
    check_positive("line.power", line.power, "W")
    return line


def _settings(intensities, probabilities, defaults) -> tuple[dict, dict]:
    """The intensities and probabilities asked for (``defaults`` where None), checked."""
    intensities = dict(defaults[0] if intensities is None else intensities)
    probabilities = dict(defaults[1] if probabilities is None else probabilities)
    _check_intensities(intensities, probabilities)
    return intensities, probabilities


def _line_attrs(line: CombLine) -> dict:
    return {f"line_{name}": value for name, value in asdict(line).items()}


def _check_intensities(intensities, probabilities):
    if set(intensities) != set(probabilities):
        raise ValueError(f"intensities and probabilities must share keys, got {sorted(intensities)} and {sorted(probabilities)}")
    for key, mu in intensities.items():
        check_range(f"intensities[{key!r}]", mu, 0.0, 100.0)
    p = np.array([check_range(f"probabilities[{k!r}]", v, 0.0, 1.0) for k, v in probabilities.items()])
    if abs(p.sum() - 1) > 1e-9:
        raise ValueError(f"probabilities must sum to 1, got {p.sum():.12g}")


@dataclass(frozen=True, eq=False)
class SymbolTable:
    """Photon numbers and normalized states of every (previous, current) symbol-class pair.

    Attributes
    ----------
    labels : tuple of str
        Intensity labels; class index = 4·label index + state index (``STATES``).
    photons : ndarray, shape (C, C)
        Mean photon number of the current class (axis 1) after the previous one (axis 0).
    density : ndarray, shape (C, C, 2, 2)
        Density matrices normalized to unit trace.
    """

    labels: tuple
    photons: np.ndarray
    density: np.ndarray

    @property
    def fidelity(self) -> np.ndarray:
        """F = ⟨ψ|ρ|ψ⟩ with the ideal state of each class, shape (C, C)."""
        ideal = np.tile(_IDEAL, (len(self.labels), 1))
        return np.real(np.einsum("ci,pcij,cj->pc", ideal.conj(), self.density, ideal))


class Chip:
    """Base of the transmitter chips.

    Subclasses are dataclasses with ``carver`` and ``decoy`` MZIs, an optional ``voa`` (None is an
    ideal attenuator whose setting is its transmission), ``voa_open``, ``drive`` and ``wavelength``,
    and give ``encoding``, ``_carver_words`` and ``_fields``.
    """

    encoding: ClassVar[Encoding]
    drive: Drive
    wavelength: float

    @property
    def bin_separation(self) -> float:
        """Delay between the two encoding modes [s]: 0, they share the time slot."""
        return 0.0

    @property
    def timing(self) -> Timing:
        """Symbol rate, mean FWHM of the carved pulses (:func:`combchip.tx.drive.pulse_fwhm` of the carver's
        output over four symbols) and bin separation."""
        voltage = self.drive.waveform(self._carver_words(4, self.carver_amplitude))
        power = np.abs(self.carver.field_transfer(voltage, self.wavelength, port=self.carver.output)) ** 2
        fwhm = pulse_fwhm(power, self.drive.sample_rate, self.drive.samples_per_symbol).mean()
        return Timing(self.drive.symbol_rate, float(fwhm), self.bin_separation)

    def _fields(self, intensity_index, state_index, scale, levels) -> np.ndarray:
        """Mode fields (samples, 2) [√W] of a symbol sequence; ``scale`` multiplies the input power."""
        raise NotImplementedError

    def _coherency(self, fields: np.ndarray, symbols: int, line: CombLine) -> np.ndarray:
        """ρ per symbol from the mode fields (samples, 2) [√W], in photons; ρ_12 carries the line's
        coherence |g⁽¹⁾| over the bin separation."""
        slots = fields.reshape(symbols, -1, 2)
        rho = np.einsum("sti,stj->sij", slots, slots.conj()) / self.drive.sample_rate / (h * c / self.wavelength)
        coherence = line.coherence(self.bin_separation)
        rho[:, 0, 1] *= coherence
        rho[:, 1, 0] *= coherence
        return rho

    def table_for(self, labels, intensities, setting, line: CombLine) -> SymbolTable:
        """Simulate the de Bruijn pattern of all (previous, current) class pairs on ``line``, with the levels
        of ``intensities`` and the attenuator at ``setting``."""
        levels = self.decoy_levels(labels, intensities)
        scale = _check_line(line).power * self.voa_transmission(setting)
        classes = 4 * len(labels)
        sequence = de_bruijn(classes, 2)
        rho = self._coherency(self._fields(sequence // 4, sequence % 4, scale, levels), sequence.size, line)
        previous = np.roll(sequence, 1)
        photons = np.zeros((classes, classes))
        density = np.zeros((classes, classes, 2, 2), dtype=complex)
        mu = np.real(np.trace(rho, axis1=1, axis2=2))
        photons[previous, sequence] = mu
        density[previous, sequence] = rho / np.maximum(mu, 1e-300)[:, None, None]
        return SymbolTable(tuple(labels), photons, density)

    def states(self, line: CombLine, intensities: Mapping | None = None, probabilities: Mapping | None = None,
               basis_probability: float = 0.5) -> xr.Dataset:
        """Realized μ and state error 1 − F of every (intensity, state) on ``line``.

        The attenuator is calibrated from ``line.power`` (:meth:`calibrate`); each entry is the de Bruijn
        table's value averaged over the previous symbol's class, weighted by its probability
        p_label·p_basis/2. Arguments as in :meth:`symbols`.

        Returns
        -------
        xarray.Dataset
            :data:`combchip.schema.TRANSMITTER_STATES` on (``intensity``, ``state`` = Z0, Z1, X0, X1);
            attrs: the attenuator setting and the line.
        """
        intensities, probabilities = _settings(intensities, probabilities, (SYSTEM_A.intensities,
                                                                            SYSTEM_A.probabilities))
        z = check_range("basis_probability", basis_probability, 0.0, 1.0)
        labels = tuple(intensities)
        setting = self.calibrate(line, intensities)
        table = self.table_for(labels, intensities, setting, line)
        weight = np.outer([probabilities[k] for k in labels], [z / 2, z / 2, (1 - z) / 2, (1 - z) / 2]).ravel()
        shape = (len(labels), len(STATES))
        return _states(labels, STATES, (weight @ table.photons).reshape(shape),
                       1 - (weight @ table.fidelity).reshape(shape), {"attenuation": setting, **_line_attrs(line)})

    def symbols(self, count: int, line: CombLine, *, intensities=None, probabilities=None, basis_probability=0.5,
                amplitude_noise=0.0, seed=0, calibrate=True) -> xr.Dataset:
        """A random stream of ``count`` encoded symbols.

        Parameters
        ----------
        count : int
            Number of symbols.
        line : CombLine
            The comb line at the chip input: its power [W] sets the attenuator, its coherence ρ_12.
        intensities, probabilities : dict
            Target mean photon numbers and their probabilities, keyed by label (system A's set by default).
        basis_probability : float
            Probability of the Z basis.
        amplitude_noise : float
            Relative rms fluctuation of each pulse's field amplitude (driver noise, laser RIN).
        seed : int
            Random seed.
        calibrate : bool
            Set the attenuator so that the largest intensity's mean equals its target (else use the
            chip's current attenuation).

        Returns
        -------
        xarray.Dataset
            :data:`combchip.schema.SYMBOL_STREAM` on ``symbol``: ``mu`` (photons), ``intensity`` (label
            index), ``basis`` (0 = Z, 1 = X), ``bit``, ``fidelity``; attrs: the realized mean and relative
            spread per label, the misalignment 1 − F̄ per basis, the attenuator setting and the line.
        """
        count = check_int("count", count, 1)
        _check_line(line)
        check_range("basis_probability", basis_probability, 0.0, 1.0)
        check_range("amplitude_noise", amplitude_noise, 0.0, 1.0)
        intensities, probabilities = _settings(intensities, probabilities, (SYSTEM_A.intensities,
                                                                            SYSTEM_A.probabilities))
        labels = tuple(intensities)
        setting = self.calibrate(line, intensities) if calibrate else self.voa_open
        table = self.table_for(labels, intensities, setting, line)
        rng = np.random.default_rng(seed)
        intensity = rng.choice(len(labels), size=count, p=[probabilities[k] for k in labels])
        basis = (rng.random(count) >= basis_probability).astype(int)
        bit = rng.integers(0, 2, count)
        cls = 4 * intensity + 2 * basis + bit
        previous = np.roll(cls, 1)
        mu = table.photons[previous, cls]
        if amplitude_noise > 0:
            mu = mu * (1 + amplitude_noise * rng.standard_normal(count)) ** 2
        fidelity = table.fidelity[previous, cls]
        ds = _stream(SYMBOL_STREAM, labels, {"mu": mu, "intensity": intensity, "basis": basis, "bit": bit,
                                             "fidelity": fidelity},
                     {"wavelength": self.wavelength, "symbol_rate": self.drive.symbol_rate, "attenuation": setting,
                      "seed": seed, "amplitude_noise": amplitude_noise, **_line_attrs(line)})
        _summarize_intensities(ds, mu, intensity, labels, intensities)
        for b, name in enumerate(("z", "x")):
            sel = (basis == b) & (intensity == 0)
            ds.attrs[f"misalignment_{name}"] = float(1 - fidelity[sel].mean()) if sel.any() else np.nan
        return validate(ds, SYMBOL_STREAM)

    @property
    def carver_amplitude(self) -> float:
        """DAC pulse height [V] whose filtered peak reaches the carver's Vπ."""
        v_pi = self.carver.v_pi(v_max=self._v_max(self.carver))
        probe = self.drive.waveform(self._carver_words(4, v_pi))
        return v_pi * v_pi / probe.max()

    def _carver_words(self, symbols, amplitude):
        raise NotImplementedError

    @staticmethod
    def _v_max(mzi) -> float:
        """Largest differential drive keeping a depletion arm out of forward bias (50 V otherwise)."""
        builtin = getattr(mzi.arm_a, "builtin_voltage", None)
        if builtin is None:
            return 50.0
        return 2 * (mzi.common_voltage + 0.99 * builtin) if mzi.drive == "push-pull" else 50.0

    def decoy_levels(self, labels, intensities) -> np.ndarray:
        """MZI-2 voltage per label with T₂(V)/T₂(V_π) = μ/μ_max (0 V, the null, for vacuum)."""
        v_pi = self.decoy.v_pi(v_max=self._v_max(self.decoy))
        top = max(intensities.values())
        power = lambda v: self.decoy.transmission(v, port=self.decoy.output)  # noqa: E731
        full = power(v_pi)
        def level(mu):
            if mu == 0 or mu == top:
                return 0.0 if mu == 0 else v_pi
            return _solve(power, full * mu / top, 0.0, v_pi)

        return np.array([level(intensities[k]) for k in labels])

    def voa_transmission(self, setting) -> float:
        """Attenuator power transmission at ``setting`` (heater power [W], or the fraction itself if ideal)."""
        if self.voa is None:
            return float(setting)
        return float(self.voa.transmission(setting, self.wavelength, port=self.voa.output))

    def voa_setting(self, fraction) -> float:
        """Setting that lowers the attenuator to ``fraction`` of its open transmission."""
        if self.voa is None:
            return float(fraction)
        open_t = self.voa_transmission(self.voa_open)
        return _solve(self.voa_transmission, fraction * open_t, self.voa_open, self.voa_open + self.voa.v_pi())

    def calibrate(self, line: CombLine, intensities) -> float:
        """Attenuator setting that gives the largest intensity its target mean photon number on ``line``."""
        labels = tuple(intensities)
        k = labels.index(max(labels, key=lambda label: intensities[label]))
        open_table = self.table_for(labels, intensities, self.voa_open, line)
        return self._setting_for(line, intensities, open_table.photons[:, 4 * k : 4 * k + 4].mean())

    def _setting_for(self, line: CombLine, intensities, open_mean: float) -> float:
        """Attenuator setting that lowers ``open_mean`` photons (attenuator open) to the largest target."""
        top = max(intensities.values())
        needed = top / open_mean
        if needed > 1:
            raise ValueError(f"line.power = {line.power:.3g} W is too low: {top} photons need "
                             f"{line.power * needed:.3g} W with the attenuator open")
        return self.voa_setting(needed)


def _stream(contract, labels, columns, attrs) -> xr.Dataset:
    """A symbol stream of ``contract`` from its ``columns``; the intensity variable names the ``labels``."""
    ds = xr.Dataset({name: contract.entry(name, data) for name, data in columns.items()},
                    coords={"symbol": np.arange(len(columns["mu"]))}, attrs=attrs)
    ds.intensity.attrs["labels"] = ",".join(labels)
    return ds


def _states(labels, states, mu, error, attrs) -> xr.Dataset:
    """A :data:`combchip.schema.TRANSMITTER_STATES` Dataset of μ and error arrays (intensity, state)."""
    ds = xr.Dataset({"mu": TRANSMITTER_STATES.entry("mu", mu), "error": TRANSMITTER_STATES.entry("error", error)},
                    coords={"intensity": list(labels), "state": list(states)}, attrs=attrs)
    return validate(ds, TRANSMITTER_STATES)


def _summarize_intensities(ds, mu, intensity, labels, intensities) -> None:
    """Realized mean, target and relative spread of μ per label, into ``ds.attrs``."""
    for k, label in enumerate(labels):
        realized = mu[intensity == k] if np.any(intensity == k) else np.array([np.nan])
        ds.attrs[f"mu_{label}"] = float(realized.mean())
        ds.attrs[f"mu_{label}_target"] = float(intensities[label])
        ds.attrs[f"mu_{label}_relative_spread"] = float(realized.std() / realized.mean()) if realized.mean() > 0 else 0.0


def _solve(function, target, low, high):
    """Root of function(x) = target on [low, high] (brentq)."""
    return brentq(lambda x: function(x) - target, low, high, xtol=1e-12)


@dataclass(frozen=True, eq=False)
class SiPolarizationChip(Chip):
    """System B's silicon polarization-encoding transmitter.

    1D GC → MZI-1 (carver, null-biased, one DAC pulse per symbol) → MZI-2 (decoy level per symbol)
    → thermo-optic MZI VOA → MZI-3 (cross port → H path, bar port → V path: the basis and Z bit) →
    MZI-4 arms (relative H/V phase: the X bit) → 2D GC (arm 1 → H, arm 2 → V). A static trim on the H
    path cancels the MZI-3 port phase at the X setting, as a chip's thermal trim would; ``trim_error``
    [rad] is its residual error, and ``split_error`` δ = (P_H − P_V)/(P_H + P_V) the X split's.

    Field per sample: E = √(P_line·η_GC1·T_VOA)·T₁(V₁)·T₂(V₂)·J_GC2·[t_H(V₃, V₄), t_V(V₃, V₄)].
    """

    encoding: ClassVar[Encoding] = "polarization"
    carver: object
    decoy: object
    voa: object
    basis: object
    phase: object
    input_coupler: object
    output_coupler: object
    drive: Drive
    wavelength: float = 1550e-9
    voa_open: float = 0.0
    trim_error: float = 0.0
    split_error: float = 0.0

    def __post_init__(self):
        check_wavelength("wavelength", self.wavelength)
        check_range("trim_error", self.trim_error, -np.pi, np.pi, "rad")
        check_range("split_error", self.split_error, -1.0, 1.0, low_open=True, high_open=True)

    def _carver_words(self, symbols, amplitude):
        words = np.zeros((symbols, self.drive.dac_samples_per_symbol))
        words[:, 1 % words.shape[1]] = amplitude
        return words

    def state_levels(self) -> tuple[np.ndarray, np.ndarray, float]:
        """MZI-3 and MZI-4 voltages per state (Z0, Z1, X0, X1) and the H-path trim phase [rad]."""
        v3 = self.basis.v_pi(v_max=self._v_max(self.basis))
        def split(v):
            bar, cross = self.basis.transmission(v)
            return (cross - bar) - self.split_error * (cross + bar)

        half = _solve(split, 0.0, 0.0, v3)
        v4 = self.phase.v_pi(v_max=self._v_max(self.phase))
        paths = self._paths(np.array([half]), np.array([0.0]), 0.0)[0]
        trim = -np.angle(paths[0] / paths[1]) + self.trim_error
        return np.array([0.0, v3, half, half]), np.array([0.0, 0.0, 0.0, v4]), trim

    def _paths(self, v3, v4, trim):
        """Fields (samples, 2) on the H and V paths after MZI-3 and the MZI-4 arms, per unit input."""
        bar, cross = np.moveaxis(self.basis.field_transfer(v3, self.wavelength), -1, 0)
        phi_a, phi_b = self.phase.arm_phases(v4, self.wavelength)
        loss_a, loss_b = self._arm_losses(v4)
        return np.stack([cross * np.exp(-1j * phi_a + 1j * trim) * loss_a, bar * np.exp(-1j * phi_b) * loss_b], -1)

    def _arm_losses(self, v4):
        half = v4 / 2 if self.phase.drive == "push-pull" else v4
        a = self.phase.arm_a.loss_db(self.phase.common_voltage + half, self.wavelength)
        b_arm = self.phase.arm_b if self.phase.arm_b is not None else self.phase.arm_a
        b = b_arm.loss_db(self.phase.common_voltage - (half if self.phase.drive == "push-pull" else 0.0), self.wavelength)
        return 10 ** (-np.asarray(a) / 20), 10 ** (-np.asarray(b) / 20)

    def _fields(self, intensity_index, state_index, scale, levels):
        symbols = intensity_index.size
        v1 = self.drive.waveform(self._carver_words(symbols, self.carver_amplitude))
        v2 = self.drive.waveform(levels[intensity_index])
        levels3, levels4, trim = self.state_levels()
        v3 = self.drive.waveform(levels3[state_index])
        v4 = self.drive.waveform(levels4[state_index])
        amplitude = np.sqrt(float(self.input_coupler.transmission(self.wavelength)) * scale)
        scalar = amplitude * self.carver.field_transfer(v1, self.wavelength, port=self.carver.output)
        scalar = scalar * self.decoy.field_transfer(v2, self.wavelength, port=self.decoy.output)
        jones = self.output_coupler.jones(self.wavelength)
        return scalar[:, None] * (self._paths(v3, v4, trim) @ jones.T)


@dataclass(frozen=True, eq=False)
class TimeBinEncoder(Chip):
    """System A's bench time-bin encoder: IM1 carves the bins, IM2 sets the decoy level, a PM adds 0 or π.

    A symbol of period T holds an early bin and a late bin T/2 later; the two encoding modes are
    E_e(t) = E(t) and E_l(t) = E(t + T/2) over the first half of the slot, so ρ_el = ∫E(t)E*(t + T/2)dt,
    multiplied by the driving comb line's coherence e^{−πΔν·T/2} (:meth:`CombLine.coherence`, a
    Lorentzian line of FWHM Δν). Z0/Z1 carve the early/late bin only; X0/X1 carve both at half power,
    X1 with the PM at its Vπ on the late bin.

    Parameters
    ----------
    carver, decoy : MZI
        IM1 and IM2, null-biased.
    phase_modulator : phase shifter
        PM with ``phase(voltage, wavelength)`` and ``v_pi(wavelength)``.
    drive : Drive
        Symbol rate 1/T and DAC; ``bin_words`` gives the early bin's first DAC word and the bin width.
    bin_words : tuple of int
        (first word of the early bin, words per bin); the late bin starts half a symbol later.
    gate : float
        Detection window centred on each bin [s]; light outside it (the carver's leakage) is not counted.
    """

    encoding: ClassVar[Encoding] = "time-bin"
    carver: object
    decoy: object
    phase_modulator: object
    drive: Drive
    bin_words: tuple = (12, 2)
    gate: float = 1.6e-9
    wavelength: float = 1550e-9
    voa: object = None
    voa_open: float = 1.0

    def __post_init__(self):
        check_wavelength("wavelength", self.wavelength)
        check_range("gate", self.gate, 0.0, self.bin_separation, "s", low_open=True)
        words = self.drive.dac_samples_per_symbol
        start, width = self.bin_words
        if words % 2 or not (0 <= start and start + width <= words // 2 and width >= 1):
            raise ValueError(f"bin_words = {self.bin_words} must fit a bin in each half of the {words} DAC words")

    @property
    def bin_separation(self) -> float:
        """Time between the early and late bins, T/2 [s]."""
        return 0.5 / self.drive.symbol_rate

    def _carver_words(self, symbols, amplitude, states=None):
        words = np.zeros((symbols, self.drive.dac_samples_per_symbol))
        start, width = self.bin_words
        late = start + self.drive.dac_samples_per_symbol // 2
        states = np.zeros(symbols, int) if states is None else states
        levels = self._bin_levels(amplitude)
        early_level, late_level = levels[states, 0], levels[states, 1]
        words[:, start : start + width] = early_level[:, None]
        words[:, late : late + width] = late_level[:, None]
        return words

    def _bin_levels(self, amplitude):
        """IM1 drive per state and bin: the full pulse, nothing, or, for X, the level whose two gated
        bins carry the energy of one full pulse (so that μ does not reveal the basis)."""
        full = np.array([[amplitude, 0.0], [0.0, amplitude]])

        def energy(levels):
            words = np.zeros((1, self.drive.dac_samples_per_symbol))
            start, width = self.bin_words
            late = start + self.drive.dac_samples_per_symbol // 2
            words[0, start : start + width], words[0, late : late + width] = levels
            field = self.carver.field_transfer(self.drive.waveform(words), self.wavelength, port=self.carver.output)
            return float(np.sum(np.abs(field.reshape(2, -1) * self._gate_mask()) ** 2))

        target = energy(full[0])
        half = _solve(lambda v: energy((v, v)), target, 0.0, amplitude)
        return np.vstack([full, [[half, half], [half, half]]])

    def _fields(self, intensity_index, state_index, scale, levels):
        symbols = intensity_index.size
        words = self.drive.dac_samples_per_symbol
        v1 = self.drive.waveform(self._carver_words(symbols, self.carver_amplitude, state_index))
        v2 = self.drive.waveform(levels[intensity_index])
        pm_words = np.zeros((symbols, words))
        pm_words[state_index == 3, words // 2 :] = self.phase_modulator.v_pi(self.wavelength)
        v3 = self.drive.waveform(pm_words)
        field = np.sqrt(scale) * self.carver.field_transfer(v1, self.wavelength, port=self.carver.output)
        field = field * self.decoy.field_transfer(v2, self.wavelength, port=self.decoy.output)
        field = field * np.exp(-1j * self.phase_modulator.phase(v3, self.wavelength))
        halves = field.reshape(symbols, 2, -1) * self._gate_mask()
        return np.stack([halves[:, 0], halves[:, 1]], axis=-1).reshape(-1, 2)

    def _gate_mask(self) -> np.ndarray:
        """1 within ``gate`` of the bin centre on a half-slot grid, else 0."""
        half = self.drive.samples_per_symbol // 2
        start, width = self.bin_words
        per_word = self.drive.samples_per_symbol // self.drive.dac_samples_per_symbol
        centre = (start + width / 2) * per_word
        t = np.arange(half) + 0.5
        return (np.abs(t - centre) <= 0.5 * self.gate * self.drive.sample_rate).astype(float)


SNS_INTENSITIES = {"s": 0.3, "y": 0.1, "x": 0.02, "o": 0.0}
"""A sending-or-not-sending set: the signal sent in Z windows, two decoys and the vacuum."""
SNS_PROBABILITIES = {"s": 0.5, "y": 0.15, "x": 0.15, "o": 0.2}


@dataclass(frozen=True, eq=False)
class InPClientChip(Chip):
    """System C's InP client chip: injection-locked DBR laser → IM I (carver) → IM II (level) → PM.

    Twin-field encoding lives in the phase: each pulse gets the phase 2πk/M of slice k from the PM,
    and the realized phase arg∫E dt also carries the chirp of the intensity modulators, so each
    intensity level acquires its own phase offset. The table is the de Bruijn pattern over
    (label, slice) pairs; each symbol's μ = ∫|E|²dt/(hν) and its phase error is measured against
    the strongest label at slice 0; a phase error δ costs the state error sin²(δ/2).

    Parameters
    ----------
    carver, decoy : MZI
        IM I and IM II (IM III, a second level modulator, is not needed for one client's states).
    phase_modulator : phase shifter
    drive : Drive
    phase_slices : int
        M, the number of phase slices.
    """

    encoding: ClassVar[Encoding] = "phase"
    carver: object
    decoy: object
    phase_modulator: object
    drive: Drive
    phase_slices: int = 16
    wavelength: float = 1550e-9
    voa: object = None
    voa_open: float = 1.0

    def __post_init__(self):
        check_wavelength("wavelength", self.wavelength)
        check_int("phase_slices", self.phase_slices, 2)

    def _carver_words(self, symbols, amplitude):
        return self.drive.pulses(symbols, 1 / self.drive.dac_samples_per_symbol, amplitude)

    def _pulses(self, labels_index, slices, scale, levels) -> np.ndarray:
        """Complex field per sample [√W] of a (label, slice) sequence."""
        symbols = labels_index.size
        v1 = self.drive.waveform(self._carver_words(symbols, self.carver_amplitude))
        v2 = self.drive.waveform(levels[labels_index])
        v3 = self.drive.waveform(2 * self.phase_modulator.v_pi(self.wavelength) * slices / self.phase_slices)
        field = np.sqrt(scale) * self.carver.field_transfer(v1, self.wavelength, port=self.carver.output)
        field = field * self.decoy.field_transfer(v2, self.wavelength, port=self.decoy.output)
        return field * np.exp(-1j * self.phase_modulator.phase(v3, self.wavelength))

    def pulse_table(self, labels, intensities, line: CombLine, setting=None):
        """(photons, amplitude) of every (previous, current) class pair on ``line``, class = label·M + slice."""
        levels = self.decoy_levels(labels, intensities)
        scale = _check_line(line).power * self.voa_transmission(self.voa_open if setting is None else setting)
        classes = len(labels) * self.phase_slices
        sequence = de_bruijn(classes, 2)
        field = self._pulses(sequence // self.phase_slices, sequence % self.phase_slices, scale, levels)
        slots = field.reshape(sequence.size, -1) / np.sqrt(h * c / self.wavelength * self.drive.sample_rate)
        photons = np.zeros((classes, classes))
        amplitude = np.zeros((classes, classes), dtype=complex)
        previous = np.roll(sequence, 1)
        photons[previous, sequence] = np.sum(np.abs(slots) ** 2, axis=1)
        amplitude[previous, sequence] = np.sum(slots, axis=1)
        return photons, amplitude

    def calibrate(self, line: CombLine, intensities) -> float:
        """Attenuator setting that gives the largest intensity its target mean photon number on ``line``."""
        labels, m = tuple(intensities), self.phase_slices
        k = labels.index(max(labels, key=lambda label: intensities[label]))
        photons, _ = self.pulse_table(labels, intensities, line)
        return self._setting_for(line, intensities, photons[:, k * m : (k + 1) * m].mean())

    def _phases(self, amplitude, fields, classes, top) -> tuple[np.ndarray, np.ndarray]:
        """(phase, error) [rad] of the ``fields`` of ``classes``: arg E against the strongest label's slice 0
        (``amplitude`` table averaged over predecessors), and arg(E/E_ideal), E_ideal ∝ e^{−i2πk/M}, wrapped."""
        m = self.phase_slices
        phase = np.angle(fields) - np.angle(amplitude[:, top * m].mean())
        return phase, np.angle(np.exp(1j * (phase + 2 * np.pi * (classes % m) / m)))

    def states(self, line: CombLine, intensities: Mapping | None = None,
               probabilities: Mapping | None = None) -> xr.Dataset:
        """Realized μ and state error sin²(δ/2) of every (intensity, phase slice) on ``line``.

        The attenuator is calibrated from ``line.power``; each entry is the pulse table averaged over the
        previous pulse's class, weighted by its probability p_label/M; δ is the phase error of the averaged field.

        Returns
        -------
        xarray.Dataset
            :data:`combchip.schema.TRANSMITTER_STATES` on (``intensity``, ``state`` = slice 0 … M − 1);
            attrs: the attenuator setting and the line.
        """
        intensities, probabilities = _settings(intensities, probabilities, (SNS_INTENSITIES, SNS_PROBABILITIES))
        labels, m = tuple(intensities), self.phase_slices
        setting = self.calibrate(line, intensities)
        photons, amplitude = self.pulse_table(labels, intensities, line, setting)
        weight = np.repeat([probabilities[k] for k in labels], m) / m
        top = labels.index(max(labels, key=lambda k: intensities[k]))
        _, error = self._phases(amplitude, weight @ amplitude, np.arange(weight.size), top)
        shape = (len(labels), m)
        return _states(labels, [f"slice {k}" for k in range(m)], (weight @ photons).reshape(shape),
                       (np.sin(error / 2) ** 2).reshape(shape), {"attenuation": setting, **_line_attrs(line)})

    def symbols(self, count: int, line: CombLine, *, intensities=None, probabilities=None, seed=0,
                calibrate=True) -> xr.Dataset:
        """A stream of ``count`` phase-randomized pulses of the given intensities on ``line``.

        Returns a :data:`combchip.schema.PHASE_SYMBOL_STREAM` Dataset on ``symbol`` with ``mu``,
        ``intensity``, ``phase_slice``, ``phase`` (realized phase delay, rad) and ``phase_error`` =
        arg(E/E_ideal) with E_ideal ∝ e^{−i2πk/M} (wrapped, rad); attrs hold the realized mean, relative
        spread and mean phase offset per label, the attenuator setting and the line.
        """
        count = check_int("count", count, 1)
        _check_line(line)
        intensities, probabilities = _settings(intensities, probabilities, (SNS_INTENSITIES, SNS_PROBABILITIES))
        labels, m = tuple(intensities), self.phase_slices
        top = labels.index(max(labels, key=lambda k: intensities[k]))
        setting = self.calibrate(line, intensities) if calibrate else self.voa_open
        photons, amplitude = self.pulse_table(labels, intensities, line, setting)
        rng = np.random.default_rng(seed)
        intensity = rng.choice(len(labels), size=count, p=[probabilities[k] for k in labels])
        slices = rng.integers(0, m, count)
        cls = intensity * m + slices
        previous = np.roll(cls, 1)
        mu = photons[previous, cls]
        phase, error = self._phases(amplitude, amplitude[previous, cls], cls, top)
        ds = _stream(PHASE_SYMBOL_STREAM, labels, {"mu": mu, "intensity": intensity, "phase_slice": slices,
                                                   "phase": np.angle(np.exp(-1j * phase)), "phase_error": error},
                     {"wavelength": self.wavelength, "symbol_rate": self.drive.symbol_rate, "phase_slices": m,
                      "attenuation": setting, "seed": seed, **_line_attrs(line)})
        _summarize_intensities(ds, mu, intensity, labels, intensities)
        for k, label in enumerate(labels):
            sel = intensity == k
            if intensities[label] > 0 and sel.any():
                ds.attrs[f"phase_offset_{label}"] = float(np.angle(np.mean(np.exp(1j * error[sel]))))
        return validate(ds, PHASE_SYMBOL_STREAM)
