"""Checkpoints of a running LLE integration: save the state at a step (fields, generators, traces, heat
and aux state), resume it bit for bit."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike


FORMAT = 2
"""Checkpoint layout version, part of every fingerprint: 2 stores the aux field as Re b, Im b in trace columns
7–8 (1 stored |b|² and ζ_b), so a file of another layout is never resumed."""


def fingerprint(*arrays: ArrayLike) -> str:
    """SHA-256 of the run's defining inputs and :data:`FORMAT`, so a checkpoint is only resumed by the same run."""
    digest = hashlib.sha256(f"combchip-checkpoint-{FORMAT}|".encode())
    for item in arrays:
        digest.update(np.ascontiguousarray(np.asarray(item, dtype=np.complex128)).tobytes())
        digest.update(b"|")
    return digest.hexdigest()


def save(path: str | os.PathLike, key: str, done: int, generators: Sequence[np.random.Generator],
         arrays: Mapping[str, np.ndarray]) -> None:
    """Write the state after step ``done`` atomically (a temporary file, then a rename).

    ``arrays`` names every array of the state: the field and its next half step, the traces and
    snapshots so far and, for a run with slow couplings, the heat poles and the aux field.
    """
    path = Path(path)
    states = json.dumps([g.bit_generator.state for g in generators])
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        np.savez(handle, key=key, done=done, generators=states, **arrays)
    os.replace(partial, path)


def load(path: str | os.PathLike, key: str, generators: Sequence[np.random.Generator],
         arrays: Mapping[str, np.ndarray]) -> int | None:
    """Restore the generators and every array of ``arrays`` in place; return the step ``done``, or None if no file.

    Raises ``ValueError`` if the file belongs to a different run.
    """
    path = Path(path)
    if not path.is_file():
        return None
    with np.load(path) as stored:
        if str(stored["key"]) != key or set(arrays) - set(stored.files):
            raise ValueError(f"checkpoint {str(path)!r} belongs to a different run: delete it or change checkpoint")
        for generator, state in zip(generators, json.loads(str(stored["generators"]))):
            generator.bit_generator.state = state
        for name, array in arrays.items():
            array[...] = stored[name]
        return int(stored["done"])
