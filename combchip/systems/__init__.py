"""The published systems A, B and C as device objects, and system A's soliton-step experiment
(:mod:`.soliton_steps`, a module: its function of the same name is not re-exported here, so the name never
changes meaning when the module is imported).

Published numbers live once in :mod:`combchip.systems.published`; each ``system_*`` module builds its
system's devices from them and states what it assumes. Names load on first use, so that the data in
``published`` can be read from every layer without importing the models.
"""

from importlib import import_module

_NAMES = {
    "system_a_ring": "system_a", "system_a_pump": "system_a", "system_a_encoder": "system_a",
    "system_b_ring": "system_b", "system_b_transmitter": "system_b", "system_b_lock": "system_b",
    "system_b_lock_figures": "system_b",
    "system_b_key_rate": "system_b_link", "system_b_line": "system_b_link",
    "system_c_ring": "system_c", "system_c_client": "system_c", "system_c_channel": "system_c",
    "system_c_client_lock": "system_c_clients",
    "system_a_pumped_ring": "system_a", "system_a_aux": "system_a",
    "dual_drive_scan": "dual_drive", "backward_scan": "dual_drive",
    "SYSTEM_A": "published", "SYSTEM_B": "published", "SYSTEM_C": "published",
}

__all__ = sorted(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        return getattr(import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
