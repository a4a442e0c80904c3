"""SNS-TF-QKD rate-vs-distance Dataset: same numbers as sns_key_rate, units, round trip, plot, bad inputs."""

import numpy as np
import pytest
import xarray as xr

from combchip.plotting import plot_rate_vs_distance
from combchip.link.qkd import plob, transmittance
from combchip.link.qkd.sns import SNSProtocol, sns_key_rate
from combchip.link.qkd.sns_distance import sns_rate_vs_distance
from combchip.systems import system_c_channel


def test_fixed_settings_give_sns_key_rate_at_each_distance(tmp_path):
    channel, protocol = system_c_channel(), SNSProtocol(epsilon=0.1)
    ds = sns_rate_vs_distance([204e3, 370e3], 1e12, channel, aopp=True, optimize=False, protocol=protocol,
                              progress=False)
    for d, rate in zip((204e3, 370e3), ds.key_rate_per_pulse.values):
        assert rate == sns_key_rate(d, 1e12, protocol, channel, aopp=True).key_rate_per_pulse
    np.testing.assert_allclose(ds.plob.values, plob(transmittance(ds.distance.values, 0.16)), rtol=1e-12)
    assert ds.distance.attrs["units"] == "m" and ds.key_rate_per_pulse.attrs["units"] == "bit/pulse"
    assert np.all(ds.epsilon.values == 0.1)
    ds.to_netcdf(tmp_path / "c.nc")
    assert xr.load_dataset(tmp_path / "c.nc").identical(ds)
    ax = plot_rate_vs_distance(ds).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [204, 370])
    assert "km" in ax.get_xlabel() and "AOPP" in ax.lines[0].get_label()


@pytest.mark.slow  # an SNS optimization at 370 km (≈ 5 s; the direct one is shared with test_qkd_sns)
def test_optimized_curve_matches_optimize_sns(system_c_optimum):
    ds = sns_rate_vs_distance([370e3], 1e12, system_c_channel(), progress=False)
    direct = system_c_optimum(370e3)
    assert ds.key_rate_per_pulse.item() == pytest.approx(direct.key_rate_per_pulse, rel=1e-9)


@pytest.mark.parametrize("distance", [[], [[100e3]], [-5.0]])
def test_bad_distances_raise(distance):
    with pytest.raises(ValueError, match="distance"):
        sns_rate_vs_distance(distance, 1e12, progress=False)
