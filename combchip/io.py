"""Save and load result Datasets as NetCDF, complex variables included."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

_COMPLEX_FLAG = "combchip_complex"


def save(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to NetCDF4; complex variables are stored as ``<name>_real``/``<name>_imag`` pairs."""
    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"ds must be an xarray.Dataset, got {type(ds).__name__}")
    path = Path(path)
    if path.suffix != ".nc":
        raise ValueError(f"path must end in .nc, got {str(path)!r}")
    out = ds.copy()
    for name in [n for n, v in ds.data_vars.items() if np.iscomplexobj(v)]:
        variable = out[name]
        out[f"{name}_real"] = variable.real.assign_attrs({**variable.attrs, _COMPLEX_FLAG: name})
        out[f"{name}_imag"] = variable.imag.assign_attrs({**variable.attrs, _COMPLEX_FLAG: name})
        out = out.drop_vars(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_netcdf(path, engine="netcdf4")
    return path


def load(path: str | os.PathLike) -> xr.Dataset:
    """Read a Dataset written by :func:`save`, recombining complex variables."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} does not exist")
    with xr.open_dataset(path, engine="netcdf4") as stored:
        ds = stored.load()
    for name in [n for n in ds.data_vars if n.endswith("_real") and _COMPLEX_FLAG in ds[n].attrs]:
        base = ds[name].attrs[_COMPLEX_FLAG]
        attrs = {k: v for k, v in ds[name].attrs.items() if k != _COMPLEX_FLAG}
        ds[base] = (ds[name] + 1j * ds[f"{base}_imag"]).assign_attrs(attrs)
        ds = ds.drop_vars([name, f"{base}_imag"])
    return ds
