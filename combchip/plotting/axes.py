"""The figure helper every plotting module shares."""

from __future__ import annotations


def new_axes(ax, **kwargs):
    """(figure, axes): ``ax`` and its figure, or a new figure made with ``plt.subplots(**kwargs)``."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(**kwargs)
        return fig, ax
    return ax.figure, ax
