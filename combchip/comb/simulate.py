"""simulate_comb: a ring and a pump in SI units → LLE → an xarray.Dataset in W, Hz and s."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from combchip.solvers import LLESolver, soliton_guess
from combchip.solvers.lle import mode_numbers

from .._version import __version__
from .detuning import DetuningSchedule
from .lasers import Laser
from .normalization import Normalization, normalize
from .pump_modulation import PumpModulation
from .resonator import Ring
from .sil import SelfInjection, add_sil_traces
from .thermal import AuxLaser, Thermal
from ..units import ratio_to_db
from ..validation import check_choice, check_int, check_positive, check_range

InitialState = Literal["soliton"]
"""Named starting fields of :func:`simulate_comb`: a sech soliton on the CW background."""

_MAX_STEP_PHASE = 0.25
MAX_DISPERSION_PHASE = 2.0
"""Largest dispersion phase max|d_int|·h per step [rad] of the default step.

Strang splitting turns the CW background unstable, at a rate ≈ ⟨|ψ|²⟩ − 1, in modes whose linear phase per
step is near mπ (Weideman & Herbst, SIAM J. Numer. Anal. 23, 485 (1986)); the first band opens at
≈ π − |ζ|h/2 ≥ 2.9 rad for Kerr phases up to 0.25 rad. A multi-soliton state with ⟨|ψ|²⟩ > 1 then feeds
spurious lines at those modes and loses its solitons. 2 rad keeps every simulated mode below the band.
"""


def _schedules(detuning) -> list[DetuningSchedule]:
    items = detuning if isinstance(detuning, Sequence) and not isinstance(detuning, str) else [detuning]
    out = []
    for item in items:
        if isinstance(item, DetuningSchedule):
            out.append(item)
        elif isinstance(item, (int, float, np.integer, np.floating)) and np.isfinite(item):
            out.append(DetuningSchedule.constant(float(item)))
        else:
            raise ValueError(f"detuning must be a number of Hz, a DetuningSchedule or a sequence of them, got {item!r}")
    if not out:
        raise ValueError("detuning must not be empty")
    return out


def _seeds(seed) -> tuple[list[int], bool]:
    batched = isinstance(seed, Sequence) or isinstance(seed, np.ndarray)
    seeds = list(np.atleast_1d(seed))
    if not seeds or not all(isinstance(s, (int, np.integer)) and s >= 0 for s in seeds):
        raise ValueError(f"seed must be a non-negative integer or a sequence of them, got {seed!r}")
    return [int(s) for s in seeds], batched


def default_dt(norm: Normalization, zeta_peak: float, d_int: ArrayLike = 0.0) -> float:
    """Normalized step: Kerr phase per step near 0.25 rad at the expected peak |ψ|², and dispersion phase
    max|d_int|·h ≤ :data:`MAX_DISPERSION_PHASE` over the simulated modes ``d_int`` (2D_int/κ)."""
    expected_peak = max(1.0, 2 * abs(zeta_peak), norm.f2)
    dispersion = float(np.max(np.abs(d_int)))
    kerr = min(5e-3, _MAX_STEP_PHASE / expected_peak)
    return min(kerr, MAX_DISPERSION_PHASE / dispersion) if dispersion > 0 else kerr


def simulate_comb(
    ring: Ring,
    pump: Laser,
    detuning: float | DetuningSchedule | Sequence[float | DetuningSchedule],
    *,
    modes: int = 512,
    duration: float | None = None,
    seed: int | Sequence[int] = 0,
    initial: InitialState | ArrayLike | None = None,
    dt: float | None = None,
    snapshots: int | Sequence[float] = 20,
    trace_points: int = 4000,
    noise: bool = True,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 200_000,
    progress: bool = True,
    thermal: Thermal | None = None,
    aux: AuxLaser | None = None,
    initial_temperature: float | None = None,
    initial_aux_field: complex | None = None,
    sil: SelfInjection | None = None,
    modulation: PumpModulation | None = None,
) -> xr.Dataset:
    """Simulate Kerr comb generation in ``ring`` pumped by ``pump``.

    Integrates the normalized LLE (see :mod:`combchip.comb.normalization`) with the split-step
    solver and returns physical quantities.

    Parameters
    ----------
    ring, pump : Ring, Laser
    detuning : float, DetuningSchedule, or sequence of them
        Pump detuning Δν = (ω₀ − ω_p)/2π [Hz], positive on the red side. A sequence runs a batch.
    modes : int
        Number of modes N (≥ 8; powers of two are fastest).
    duration : float, optional
        Simulated time [s]; defaults to the longest schedule.
    seed : int or sequence of int
        Noise seed; a sequence runs one batch row per seed (dimension ``run``).
    initial : None, "soliton" or array_like
        Starting field: empty cavity, a sech soliton on the CW background at the first
        detuning, or a field in √W (as the ``field`` variable of an earlier run).
    dt : float, optional
        Normalized step; by default the Kerr phase per step stays near 0.25 rad and the dispersion
        phase of every mode below 2 rad (see :func:`default_dt`).
    snapshots : int or sequence of float
        Number of evenly spaced snapshots (the last at the end), or their times [s].
    trace_points : int
        Approximate number of samples of the scalar traces.
    noise : bool
        Vacuum-noise seeding (half a photon per mode, plus its Langevin refresh).
    checkpoint : str or path, optional
        An .npz file that saves the state every ``checkpoint_every`` steps; rerunning the same call after an
        interruption resumes from it and gives the uninterrupted result bit for bit.
    progress : bool
        Show a progress bar.
    thermal : Thermal, optional
        Heating of the ring (starts at ambient); adds ``temperature`` [K] and ``thermal_shift`` [Hz].
    aux : AuxLaser, optional
        Counter-propagating auxiliary pump; adds ``aux_intracavity_power`` [W] and ``aux_detuning`` [Hz].
    initial_temperature : float, optional
        Starting temperature rise [K] (needs ``thermal``; shared by the poles as at equilibrium), e.g. a steady state.
    initial_aux_field : complex, optional
        Starting aux intracavity field [√W] (needs ``aux``; |field|² is its circulating power).
    sil : SelfInjection, optional
        Drive the ring with a self-injection-locked semiconductor laser (``pump`` must be ``sil.pump()``);
        ``detuning`` is then that of the free-running laser. Starts from the free-running laser and an empty
        ring; adds ``laser_frequency_offset``, ``laser_detuning`` [Hz], ``laser_power`` [W], ``carrier_excess``
        and ``backward_power`` [W]. Not combined with ``aux``; with ``thermal`` the backward mode heats the ring as
        the forward one does, and ``laser_detuning`` stays relative to the cold resonance.
    modulation : PumpModulation, optional
        Modulate the pump at a harmonic of the FSR: its sidebands drive the modes μ = n·harmonic (a stationary
        drive profile). ``spectrum`` then holds each driven line's transmitted sideband and ``comb_power`` only
        the power coupled out of the ring (not the transmitted sidebands). Not combined with ``sil``.

    Returns
    -------
    xarray.Dataset
        ``detuning`` [Hz], ``intracavity_power``, ``peak_intracavity_power``, ``comb_power`` [W] and
        ``pump_transmission`` on ``time``; ``spectrum`` [W] on (``snapshot``, ``mu``) with the absolute
        ``frequency`` [Hz] of each mode, ``field`` [√W] on (``snapshot``, ``theta``); inputs in ``attrs``.
    """
    modes = check_int("modes", modes, 8)
    trace_points = check_int("trace_points", trace_points, 2)
    norm = normalize(ring, pump)
    schedules = _schedules(detuning)
    seeds, batched = _seeds(seed)
    rows = max(len(schedules), len(seeds))
    for name, size in (("detuning", len(schedules)), ("seed", len(seeds))):
        if size not in (1, rows):
            raise ValueError(f"{name} has {size} entries, expected 1 or {rows}")
    if len(seeds) == 1 and rows > 1:
        seeds = [seeds[0] + k for k in range(rows)]
    schedules = schedules * rows if len(schedules) == 1 else schedules
    batched = batched or rows > 1
    if duration is None:
        duration = max(s.duration for s in schedules)
    duration = check_positive("duration", duration, "s")
    zeta_schedules = [s.normalized(norm) for s in schedules]
    zeta_peak = max(max(abs(z) for z in s.zeta) for s in zeta_schedules)
    mu_fft = mode_numbers(modes)
    dt = default_dt(norm, zeta_peak, norm.d_int(mu_fft)) if dt is None else check_positive("dt", dt)

    if thermal is not None and not isinstance(thermal, Thermal):
        raise ValueError(f"thermal must be a combchip.Thermal or None, got {type(thermal).__name__}")
    if aux is not None:
        if not isinstance(aux, AuxLaser):
            raise ValueError(f"aux must be a combchip.AuxLaser or None, got {type(aux).__name__}")
        if not -modes // 2 <= aux.mode < modes // 2:
            raise ValueError(f"aux.mode = {aux.mode} lies outside the simulated modes [{-modes // 2}, {modes // 2 - 1}]")
    if sil is not None:
        if not isinstance(sil, SelfInjection):
            raise ValueError(f"sil must be a combchip.SelfInjection or None, got {type(sil).__name__}")
        if pump != sil.pump():
            raise ValueError(f"pump must be sil.pump() = {sil.pump()!r} (the free-running laser on the bus), got {pump!r}")
        if aux is not None:
            raise ValueError("sil cannot be combined with aux")
    if modulation is not None:
        if not isinstance(modulation, PumpModulation):
            raise ValueError(f"modulation must be a combchip.PumpModulation or None, got {type(modulation).__name__}")
        if sil is not None:
            raise ValueError("modulation cannot be combined with sil (the SIL laser is the pump)")
    solver = LLESolver(norm.d_int(mu_fft), dt=dt)
    tau_total = float(norm.tau(duration))
    if np.isscalar(snapshots):
        count = check_int("snapshots", snapshots, 1)
        snapshot_tau = tau_total * np.arange(1, count + 1) / count
    else:
        times = np.asarray(snapshots, dtype=float)
        if times.ndim != 1 or times.size == 0 or np.any(times < 0) or np.any(times > duration):
            raise ValueError(f"snapshots must be times within [0, duration = {duration:g}] s")
        snapshot_tau = norm.tau(times)

    psi0 = _initial_field(initial, norm, zeta_schedules[0](0.0), modes)
    weight = ring.resonance_frequencies(mu_fft) / ring.frequency
    steps = max(1, int(round(tau_total / dt)))
    result = solver.run(
        norm.f,
        zeta_schedules,
        tau_total,
        initial=psi0,
        noise=norm.vacuum_variance() if noise else 0.0,
        seeds=seeds,
        snapshot_tau=snapshot_tau,
        trace_every=max(1, steps // trace_points),
        output_weight=weight,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        progress=progress,
        thermal=None if thermal is None else _heat(thermal.poles(norm, aux), sil),
        aux=None if aux is None else aux.normalized(norm),
        **_initial_slow(norm, thermal, aux, initial_temperature, initial_aux_field),
        **({} if sil is None else {"sil": sil.normalized(norm)}),
        **({} if modulation is None else {"pump_profile": modulation.drive_profile(mu_fft)}),
    )
    ds = _to_dataset(result, norm, ring, pump, mu_fft, weight)
    if modulation is not None:
        ds = _add_sidebands(ds, result, norm, modulation)
        ds.attrs["modulation_frequency"] = modulation.harmonic * ring.fsr
    ds = _add_slow(ds, result, norm, thermal, aux)
    if sil is not None:
        ds = add_sil_traces(ds, result, norm, sil)
    ds.attrs.update(
        _attrs(norm, ring, pump, schedules, seeds, modes=modes, dt=dt, duration=duration, noise=noise, initial=initial,
               snapshots=snapshots if np.isscalar(snapshots) else [float(t) for t in snapshots],
               trace_points=trace_points, thermal=thermal, aux=aux, initial_temperature=initial_temperature,
               initial_aux_field=None if initial_aux_field is None else [complex(initial_aux_field).real,
                                                                         complex(initial_aux_field).imag],
               sil=sil, modulation=modulation)
    )
    _warn_if_aliased(ds)
    return ds if batched else ds.isel(run=0, drop=True)


ALIASING_LIMIT_DB = -30.0
"""Edge level of the final spectrum, relative to its strongest sideband, above which a run warns."""


def _warn_if_aliased(ds) -> None:
    """Warn when the last spectrum is within 30 dB of its peak at the edge of the mode window.

    A comb that wide folds back (the Kerr product reaches 3× the window) and its lines lose coherence
    to the numerics; more ``modes`` fix it.
    """
    spectrum = ds.spectrum.isel(snapshot=-1).values
    spectrum = spectrum[None] if spectrum.ndim == 1 else spectrum
    sidebands = np.where(ds.mu.values != 0, spectrum, 0.0)
    peak = sidebands.max(axis=-1)
    vacuum = ds.attrs["output_power_per_unit"] * ds.attrs["g0"] / ds.attrs["kappa"]  # half a photon per line
    comb = peak > 1e4 * vacuum  # below threshold the lines hold only vacuum noise
    edge = np.maximum(sidebands[..., :4].max(axis=-1), sidebands[..., -4:].max(axis=-1))
    level = ratio_to_db(np.max(np.where(comb, edge / np.maximum(peak, 1e-300), 0.0)))
    if level > ALIASING_LIMIT_DB:
        warnings.warn(f"the spectrum at the edge of the {ds.sizes['mu']}-mode window is only {-level:.0f} dB below "
                      f"its peak: the comb is aliased; increase modes", RuntimeWarning, stacklevel=3)


def _heat(poles, sil):
    """The solver's heat poles; with ``sil`` the backward mode's power |b|² heats with weight 1, like ⟨|ψ|²⟩."""
    return poles if sil is None else replace(poles, aux_weight=1.0)


def _initial_slow(norm, thermal, aux, temperature, aux_field) -> dict:
    """Solver arguments for a starting temperature [K] (poles split as their gains) and aux field [√W]."""
    out = {}
    if temperature is not None:
        if thermal is None:
            raise ValueError("initial_temperature needs thermal")
        temperature = check_range("initial_temperature", temperature, unit="K")
        poles = thermal.poles(norm, aux)
        total = 4 * np.pi * thermal.dfdT * temperature / norm.kappa
        out["initial_poles"] = [total * g / sum(poles.gains) for g in poles.gains] if sum(poles.gains) else [0.0] * len(poles.gains)
    if aux_field is not None:
        if aux is None:
            raise ValueError("initial_aux_field needs aux")
        if not np.isfinite(complex(aux_field)):
            raise ValueError(f"initial_aux_field must be finite, got {aux_field!r}")
        out["initial_aux"] = complex(aux_field) / np.sqrt(aux.power_per_unit(norm))
    return out


def _initial_field(initial, norm, zeta0, modes):
    if initial is None:
        return None
    if isinstance(initial, str):
        check_choice("initial", initial, InitialState)
        return soliton_guess(norm.f, zeta0, norm.d2, modes)
    field = np.asarray(initial, dtype=complex)
    if field.shape[-1] != modes:
        raise ValueError(f"initial must have {modes} points on its last axis, got shape {field.shape}")
    return field / np.sqrt(norm.circulating_power_per_unit)


def _to_dataset(result, norm, ring, pump, mu_fft, weight) -> xr.Dataset:
    order = np.argsort(mu_fft)
    mu = mu_fft[order]
    theta = 2 * np.pi * np.arange(mu.size) / mu.size  # sample j of the field sits at 2πj/N (the FFT grid)
    time = norm.time_s(result.trace_tau)
    power_coeff = np.abs(result.snapshots) ** 2
    spectrum = norm.output_power_per_unit * weight * power_coeff
    spectrum[..., 0] = norm.pump_power * norm.pump_transmission(result.snapshots[..., 0])
    field = result.fields() * np.sqrt(norm.circulating_power_per_unit)
    snapshot_time = norm.time_s(result.snapshot_tau)
    snapshot_detuning = np.array([norm.detuning_hz(np.interp(result.snapshot_tau, result.trace_tau, z)) for z in result.zeta])

    def var(dims, data, units, long_name):
        return xr.Variable(dims, data, {"units": units, "long_name": long_name})

    return xr.Dataset(
        {
            "detuning": var(("run", "time"), norm.detuning_hz(result.zeta), "Hz", "pump detuning (ω₀ − ω_p)/2π"),
            "intracavity_power": var(("run", "time"), norm.circulating_power_per_unit * result.mean_power, "W",
                                     "mean intracavity circulating power"),
            "peak_intracavity_power": var(("run", "time"), norm.circulating_power_per_unit * result.peak_power, "W",
                                          "peak intracavity circulating power"),
            "comb_power": var(("run", "time"), norm.output_power_per_unit * result.sideband_power, "W",
                              "bus output power in all lines except the pump"),
            "pump_transmission": var(("run", "time"), norm.pump_transmission(result.pump_mode), "1",
                                     "bus transmission of the pump line"),
            "spectrum": var(("run", "snapshot", "mu"), spectrum[..., order], "W", "bus output power per line"),
            "field": var(("run", "snapshot", "theta"), field, "W^0.5", "intracavity field (|field|² = circulating power)"),
            "snapshot_detuning": var(("run", "snapshot"), snapshot_detuning, "Hz", "detuning at the snapshot"),
        },
        coords={
            "run": ("run", np.arange(result.final.shape[0])),
            "seed": ("run", np.asarray(result.meta["seeds"]), {"long_name": "noise seed"}),
            "time": ("time", time, {"units": "s", "long_name": "time"}),
            "mu": ("mu", mu, {"units": "1", "long_name": "relative mode number"}),
            "frequency": ("mu", ring.frequency + ring.fsr * mu, {"units": "Hz", "long_name": "mode frequency ν₀ + μ·FSR"}),
            "theta": ("theta", theta, {"units": "rad", "long_name": "azimuthal angle"}),
            "snapshot": ("snapshot", np.arange(snapshot_time.size)),
            "snapshot_time": ("snapshot", snapshot_time, {"units": "s", "long_name": "snapshot time"}),
        },
    )


def _add_sidebands(ds, result, norm, modulation) -> xr.Dataset:
    """Bus power of the driven lines, P·|c_μ − 2ηψ_μ/f|² (the transmitted sideband and the ring's output), and the
    pump line's transmission |c₀ − 2ηψ₀/f|²."""
    mu = ds.mu.values
    c = modulation.coefficients(mu)
    driven = np.flatnonzero(c)
    coeffs = result.snapshots[..., np.argsort(mode_numbers(mu.size))][..., driven]
    spectrum = ds.spectrum.values.copy()
    spectrum[..., driven] = norm.pump_power * np.abs(c[driven] - 2 * norm.eta * coeffs / max(norm.f, 1e-300)) ** 2
    ds["spectrum"] = ds.spectrum.copy(data=spectrum)
    carrier = complex(modulation.coefficients(0))
    ds["pump_transmission"] = ds.pump_transmission.copy(
        data=np.abs(carrier - 2 * norm.eta * result.pump_mode / max(norm.f, 1e-300)) ** 2)
    ds.pump_transmission.attrs["long_name"] = "bus output of the pump line over the unmodulated pump power"
    ds.comb_power.attrs["long_name"] = "power coupled out of the ring in all lines except the pump (no sidebands)"
    return ds


def _add_slow(ds, result, norm, thermal, aux) -> xr.Dataset:
    """Thermal and auxiliary-pump traces in SI units."""
    def var(data, units, long_name):
        return xr.Variable(("run", "time"), data, {"units": units, "long_name": long_name})

    if thermal is not None:
        ds["temperature"] = var(thermal.temperature(result.thermal_shift, norm), "K", "ring temperature rise")
        ds["thermal_shift"] = var(norm.detuning_hz(result.thermal_shift), "Hz",
                                  "thermal resonance shift (dν/dT)·T")
    if aux is not None:
        ds["aux_intracavity_power"] = var(aux.power_per_unit(norm) * result.aux_power, "W",
                                          "auxiliary (counter-propagating) circulating power")
        ds["aux_detuning"] = var(norm.detuning_hz(result.aux_zeta), "Hz", "auxiliary laser detuning (ω_aux,0 − ω_aux)/2π")
    return ds


def _attrs(norm, ring, pump, schedules, seeds, **settings) -> dict:
    initial = settings.pop("initial")
    inputs = {
        "ring": ring.to_dict(),
        "pump": pump.to_dict(),
        "detuning": [s.to_dict() for s in schedules],
        "seed": seeds,
        "initial": initial if initial is None or isinstance(initial, str) else "array",
        **settings,
    }
    inputs["thermal"] = None if inputs["thermal"] is None else inputs["thermal"].to_dict()
    inputs["aux"] = None if inputs["aux"] is None else inputs["aux"].to_dict()
    inputs["sil"] = None if inputs["sil"] is None else inputs["sil"].to_dict()
    inputs["modulation"] = None if inputs["modulation"] is None else inputs["modulation"].to_dict()
    return {
        "title": "combchip Lugiato–Lefever comb simulation",
        "combchip_version": __version__,
        "combchip_inputs": json.dumps(inputs),
        "f2": norm.f2,
        "kappa": norm.kappa,
        "g0": norm.g0,
        "zeta_max": norm.zeta_max,
        "circulating_power_per_unit": norm.circulating_power_per_unit,
        "output_power_per_unit": norm.output_power_per_unit,
        "pump_power": pump.power,
        "pump_wavelength": pump.wavelength,
        "pump_linewidth": pump.linewidth,
        "ring_wavelength": ring.wavelength,
        "ring_fsr": ring.fsr,
        "ring_kappa0": ring.kappa0,
        "ring_kappa_ex": ring.kappa_ex,
        "ring_d2": ring.d2,
        "ring_d3": ring.d3,
        "modes": settings["modes"],
        "dt_normalized": settings["dt"],
        "dt": float(norm.time_s(settings["dt"])),
    }


def inputs_from(ds: xr.Dataset) -> dict[str, object]:
    """Rebuild ``ring``, ``pump`` and the keyword arguments of the run that made ``ds``.

    ``simulate_comb(**inputs_from(ds))`` repeats a run from its saved file (runs with an
    array ``initial`` need it passed again).
    """
    try:
        inputs = json.loads(ds.attrs["combchip_inputs"])
    except KeyError:
        raise ValueError("ds has no 'combchip_inputs' attribute: not a simulate_comb result") from None
    ring = inputs.pop("ring")
    schedules = [DetuningSchedule(tuple(d["time"]), tuple(d["detuning"])) for d in inputs.pop("detuning")]
    seeds = inputs.pop("seed")
    thermal = inputs.pop("thermal", None)
    aux = inputs.pop("aux", None)
    sil = inputs.pop("sil", None)
    modulation = inputs.pop("modulation", None)
    batched = "run" in ds.dims
    if inputs.get("initial") == "array":
        raise ValueError("the run started from an array; pass initial= yourself")
    if inputs.get("initial_aux_field") is not None:
        inputs["initial_aux_field"] = complex(*inputs["initial_aux_field"])
    return dict(
        ring=Ring(**ring),
        pump=Laser(**inputs.pop("pump")),
        detuning=schedules if batched else schedules[0],
        seed=seeds if batched else seeds[0],
        thermal=None if thermal is None else Thermal(**thermal),
        aux=None if aux is None else AuxLaser.from_dict(aux),
        sil=None if sil is None else SelfInjection.from_dict(sil),
        modulation=None if modulation is None else PumpModulation(**modulation),
        **inputs,
    )
