"""combchip: frequency-comb chips and QKD transmitter chips from first principles.

Every ``cc.*`` name is imported on first use (PEP 562), so ``import combchip`` loads neither the LLE solver's
numba kernels and FFTW nor xarray, scipy's sparse mode solver or gdsfactory until a model needs them.
"""

import sys
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from ._version import __version__

_LAZY = {
    "AuxLaser": "comb.thermal",
    "ClientLaser": "tx.injection_lock",
    "CombLine": "schema",
    "DepletionPhaseShifter": "tx.phase_shifters",
    "DetuningSchedule": "comb.detuning",
    "Drive": "tx.drive",
    "ElectroOpticPhaseShifter": "tx.phase_shifters",
    "GratingCoupler1D": "tx.grating_couplers",
    "GratingCoupler2D": "tx.grating_couplers",
    "InPClientChip": "tx.chips",
    "Laser": "comb.lasers",
    "MZI": "tx.modulators",
    "Normalization": "comb.normalization",
    "PumpFrequencyNoise": "comb.line_noise",
    "PumpModulation": "comb.pump_modulation",
    "RCResponse": "tx.rf",
    "Ramp": "comb.detuning",
    "Ring": "comb.resonator",
    "SelfInjection": "comb.sil",
    "SemiconductorLaser": "comb.sil",
    "SiPolarizationChip": "tx.chips",
    "Thermal": "comb.thermal",
    "ThermalDiffusion": "comb.thermorefractive",
    "ThermalFrequencyNoise": "comb.line_noise",
    "ThermoOpticPhaseShifter": "tx.phase_shifters",
    "TimeBinEncoder": "tx.chips",
    "TravelingWaveResponse": "tx.rf",
    "analyse_steps": "comb.steps",
    "coherence_visibility": "link.visibility",
    "comb_lines": "comb.lines",
    "count_solitons": "comb.steps",
    "doublet_splitting": "comb.backscatter",
    "doublet_transmission": "comb.backscatter",
    "injection_lock": "tx.injection_lock",
    "inputs_from": "comb.simulate",
    "line_coherence": "comb.coherence",
    "line_frequency_noise": "comb.line_noise",
    "load": "io",
    "network_key_rates": "link.network",
    "normalize": "comb.normalization",
    "noisy_detuning": "comb.pump_noise",
    "pump_frequency_trace": "comb.pump_noise",
    "save": "io",
    "self_heterodyne": "comb.self_heterodyne",
    "simulate_comb": "comb.simulate",
    "sil_locking": "comb.sil",
    "backscatter_for_stabilization": "comb.sil",
    "sil_tuning_curve": "comb.sil",
    "soliton_lock_detuning": "comb.turnkey",
    "single_soliton": "comb.steps",
    "soliton_statistics": "comb.soliton_statistics",
    "state_map": "comb.state_map",
    "sweep": "sweep",
    "turnkey_start": "comb.turnkey",
}
"""Each public name and the module (relative to combchip) it is imported from on first use."""

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and find_spec(f"{__name__}.{name}") is not None:  # cc.solvers, cc.plotting, ...
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """combchip's module type: importing a submodule named like a public function (``combchip.sweep``) leaves
    ``cc.sweep`` the function, as an eager ``from .sweep import sweep`` would."""

    def __setattr__(self, name, value):
        if not (isinstance(value, ModuleType) and _LAZY.get(name) == name):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
