"""Planning a fully connected N-user MDI-QKD network: wavelengths, Bell-state modules, encoders, time slots.

Two architectures of system A (Yan et al., arXiv:2502.11860, npj Quantum Inf. 2025):

- **WDM, fully connected.** Every pair of users has its own comb line and its own Bell-state-measurement
  (BSM) module, all running at once. Users sharing a line must be disjoint pairs, so the wavelength
  assignment is a proper edge colouring of the complete graph K_n (:func:`edge_colouring`,
  :func:`wavelength_plan`, :func:`resources`).
- **Time division.** A pool of 2^⌈log₂ n⌉ − 1 BSM modules, each measuring one pair per time slot,
  is shared over the slots of a schedule (:func:`tdm_resources`, :func:`tdm_schedule`, :func:`tdm_encoder`).
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from ..schema import COMB_LINES, validate
from ..validation import check_int, check_nonnegative, check_positive, check_range

_BLOCK_PAIRS = ((0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2))
MAX_USERS = 4096
"""Largest network planned or rated. Its (n, n) int64/float64 matrices take 8n² bytes, 134 MB at n = 4096;
:func:`combchip.link.network.network_key_rates` holds about a dozen of them (< 2 GB), and the n(n − 1)/2 pair
lists are of the same order."""


def _users(n, name="n") -> int:
    n = check_int(name, n, 2)
    if n > MAX_USERS:
        raise ValueError(f"{name} = {n} users exceeds MAX_USERS = {MAX_USERS}: the (n, n) matrices would take "
                         f"{8 * n * n / 1e9:.1f} GB each")
    return n


def edge_colouring(n) -> np.ndarray:
    """Proper edge colouring of the complete graph K_n with the fewest colours.

    Odd n (n colours), the round-robin (Walecki) construction::

        c(i, j) = (i + j) mod n,           i ≠ j;

    vertex i misses exactly colour 2i mod n. Even n (n − 1 colours) colours K_{n−1} this way
    and joins the extra vertex n − 1 to each i < n − 1 with the colour that i misses::

        c(i, j) = (i + j) mod (n − 1),     i ≠ j < n − 1,
        c(i, n − 1) = 2i mod (n − 1).

    Every colour class is a matching. A matching of K_n holds at most ⌊n/2⌋ of its n(n − 1)/2 edges,
    so at least ⌈n(n − 1)/(2⌊n/2⌋)⌉ = n − 1 (n even) or n (n odd) colours are needed: the
    colouring is optimal (the chromatic index of K_n).

    Parameters
    ----------
    n : int
        Number of users (vertices), n ≥ 2.

    Returns
    -------
    numpy.ndarray of int, shape (n, n)
        Symmetric colour matrix, −1 on the diagonal.

    References
    ----------
    A. Soifer, *The Mathematical Coloring Book*, Springer (2009): round-robin tournaments
    (Lucas–Walecki) and the chromatic index of K_n.
    """
    n = _users(n)
    odd = n if n % 2 else n - 1
    i = np.arange(n)
    colour = (i[:, None] + i[None, :]) % odd
    if n % 2 == 0:
        colour[:, n - 1] = colour[n - 1, :] = (2 * i) % odd
    np.fill_diagonal(colour, -1)
    return colour


def resources(n) -> dict:
    """Hardware of the fully connected WDM network of n users.

    One comb line per colour of K_n, one BSM module per pair, one encoder per partner::

        wavelengths = n − 1 (n even) or n (n odd),
        bell_state_modules = pairs = n(n − 1)/2,
        encoders_per_user = n − 1.

    All pairs run at once. An encoder is one transmitter (for system A an intensity modulator for the
    pulses, one for the decoy level and a phase modulator) that prepares one qubit stream for one partner.

    Parameters
    ----------
    n : int
        Number of users, n ≥ 2.

    Returns
    -------
    dict
        ``users``, ``pairs``, ``wavelengths``, ``bell_state_modules``, ``encoders_per_user``.

    References
    ----------
    Yan et al., "A measurement-device-independent quantum key distribution network using optical
    frequency comb", npj Quantum Inf. (2025), arXiv:2502.11860.
    """
    n = _users(n)
    pairs = n * (n - 1) // 2
    return {
        "users": n,
        "pairs": pairs,
        "wavelengths": n - 1 if n % 2 == 0 else n,
        "bell_state_modules": pairs,
        "encoders_per_user": n - 1,
    }


def usable_lines(lines, min_power=0.0, min_osnr_db=20.0, max_linewidth=1e6, exclude_pump=True) -> xr.DataArray:
    """Boolean mask on ``mu`` of the comb lines fit to carry qubits.

    A line is usable when P ≥ ``min_power``, OSNR ≥ ``min_osnr_db`` and Δν ≤ ``max_linewidth``
    (a NaN fails every test), and, with ``exclude_pump``, μ ≠ 0: the pump line carries the residual
    pump. The 1 MHz default linewidth separates soliton lines (≈ 0.11 MHz) from chaotic ones (≈ 1.4 MHz).

    Parameters
    ----------
    lines : xarray.Dataset
        A :data:`combchip.schema.COMB_LINES` table (:func:`~combchip.comb_lines`).
    min_power : float
        Minimum line power [W], ≥ 0.
    min_osnr_db : float
        Minimum OSNR [dB]; any finite value (a negative dB threshold is meaningful).
    max_linewidth : float or None
        Maximum linewidth [Hz], > 0; None sets no limit.
    exclude_pump : bool
        Drop the pump line μ = 0.

    Returns
    -------
    xarray.DataArray of bool on ``mu``

    References
    ----------
    Yan et al., npj Quantum Inf. (2025), arXiv:2502.11860 (soliton 0.11 MHz, chaotic 1.4 MHz lines).
    """
    lines = validate(lines, COMB_LINES)
    min_power = check_nonnegative("min_power", min_power, "W")
    min_osnr_db = check_range("min_osnr_db", min_osnr_db, unit="dB")
    keep = (lines.power >= min_power) & (lines.osnr >= min_osnr_db)
    if max_linewidth is not None:
        keep = keep & (lines.linewidth <= check_positive("max_linewidth", max_linewidth, "Hz"))
    if exclude_pump:
        keep = keep & (lines.mu != 0)
    return keep.rename("usable")


def wavelength_plan(n, lines=None, min_power=0.0, min_osnr_db=20.0, max_linewidth=1e6, order="pump",
                    exclude_pump=True) -> xr.Dataset:
    """Assign the colours of :func:`edge_colouring` to comb lines.

    Pair (a, b) uses wavelength c(a, b); colour c goes to the c-th usable line, counted outward
    from the pump (|μ| ascending, the red side μ < 0 first on ties) with ``order="pump"``, or by
    ascending ITU channel (then frequency) with ``order="itu"``. Usable lines are those of
    :func:`usable_lines`. With ``lines=None`` only the colours are planned.

    Parameters
    ----------
    n : int
        Number of users, n ≥ 2.
    lines : xarray.Dataset or None
        A :data:`combchip.schema.COMB_LINES` table (:func:`~combchip.comb_lines`).
    min_power, min_osnr_db, max_linewidth, exclude_pump
        Line selection, as in :func:`usable_lines`.
    order : {"pump", "itu"}
        Which usable lines get the colours.

    Returns
    -------
    xarray.Dataset
        On (``user_a``, ``user_b``): ``colour`` (−1 on the diagonal) and, with ``lines``, ``line_mu``,
        ``line_frequency`` [Hz] and ``itu_channel`` (NaN on the diagonal). On ``wavelength`` (the colour
        index): ``wavelength_mu``, ``wavelength_frequency``, ``wavelength_itu_channel``,
        ``wavelength_power``, ``wavelength_osnr``, ``wavelength_linewidth``.

    Raises
    ------
    ValueError
        If ``lines`` has fewer usable lines than the n − 1 (even n) or n (odd n) colours.

    References
    ----------
    Yan et al., npj Quantum Inf. (2025), arXiv:2502.11860: three comb lines (CH35, CH43, CH59) serve four users.
    """
    n = _users(n)
    if order not in ("pump", "itu"):
        raise ValueError(f"order must be 'pump' or 'itu', got {order!r}")
    min_power = check_nonnegative("min_power", min_power, "W")
    min_osnr_db = check_range("min_osnr_db", min_osnr_db, unit="dB")
    if max_linewidth is not None:
        max_linewidth = check_positive("max_linewidth", max_linewidth, "Hz")
    colour = edge_colouring(n)
    count = resources(n)["wavelengths"]
    users = np.arange(n)
    ds = xr.Dataset(
        {"colour": (("user_a", "user_b"), colour, {"units": "1", "long_name": "wavelength index (edge colour of K_n)"})},
        coords={
            "user_a": ("user_a", users, {"units": "1", "long_name": "user"}),
            "user_b": ("user_b", users, {"units": "1", "long_name": "partner"}),
            "wavelength": ("wavelength", np.arange(count), {"units": "1", "long_name": "wavelength index"}),
        },
        attrs={"n_users": n, "n_wavelengths": count, "order": order, "min_power": min_power,
               "min_osnr_db": min_osnr_db, "exclude_pump": int(bool(exclude_pump))},
    )
    if max_linewidth is not None:
        ds.attrs["max_linewidth"] = max_linewidth
    if lines is None:
        return ds

    keep = usable_lines(lines, min_power, min_osnr_db, max_linewidth, exclude_pump)
    chosen = lines.isel(mu=np.flatnonzero(keep.values))
    if chosen.sizes["mu"] < count:
        raise ValueError(
            f"lines has {chosen.sizes['mu']} usable comb lines (power ≥ {min_power} W, OSNR ≥ {min_osnr_db} dB, "
            f"linewidth ≤ {max_linewidth} Hz) but n = {n} users need {count} wavelengths")
    mu = chosen.mu.values
    if order == "pump":
        rank = np.lexsort((mu, np.abs(mu)))
    else:
        rank = np.lexsort((chosen.line_frequency.values, chosen.itu_channel.values))
    chosen = chosen.isel(mu=rank[:count])

    def per_wavelength(name, units, long_name, values):
        ds[name] = ("wavelength", np.asarray(values), {"units": units, "long_name": long_name})

    per_wavelength("wavelength_mu", "1", "comb line mode number μ", chosen.mu.values)
    per_wavelength("wavelength_frequency", "Hz", "comb line frequency", chosen.line_frequency.values)
    per_wavelength("wavelength_itu_channel", "1", "ITU 100 GHz channel number", chosen.itu_channel.values)
    per_wavelength("wavelength_power", "W", "comb line power", chosen.power.values)
    per_wavelength("wavelength_osnr", "dB", "comb line OSNR", chosen.osnr.values)
    per_wavelength("wavelength_linewidth", "Hz", "comb line linewidth", chosen.linewidth.values)
    off = colour < 0
    safe = np.where(off, 0, colour)

    def per_pair(name, units, long_name, table):
        values = np.where(off, np.nan, np.asarray(table, dtype=float)[safe])
        ds[name] = (("user_a", "user_b"), values, {"units": units, "long_name": long_name})

    per_pair("line_mu", "1", "comb line mode number μ of the pair", chosen.mu.values)
    per_pair("line_frequency", "Hz", "comb line frequency of the pair", chosen.line_frequency.values)
    per_pair("itu_channel", "1", "ITU 100 GHz channel of the pair", chosen.itu_channel.values)
    ds.attrs["usable_lines"] = int(keep.sum())
    return ds


# --- time division -----------------------------------------------------------------------------


def _radix(radix) -> int:
    if isinstance(radix, bool) or radix not in (2, 4):
        raise ValueError(f"radix must be 2 or 4, got {radix!r}")
    return int(radix)


def _bits(n: int) -> int:
    return int(n - 1).bit_length()


def _levels(k: int, radix: int) -> list[tuple[int, int]]:
    """(base, shift) of each digit of a user index, most significant first."""
    if radix == 2:
        return [(2, s) for s in range(k - 1, -1, -1)]
    top = [(2, k - 1)] if k % 2 else []
    return top + [(4, s) for s in range(k - 2 - len(top), -1, -2)]


def tdm_resources(n, radix=4) -> dict:
    """Hardware of the time-division network of n users, padded to 2^k users, k = ⌈log₂ n⌉.

    ::

        bell_state_modules = 2^k − 1,
        time_slots = 2^(k−1) for n = 2^k, else those of :func:`tdm_schedule` (``min_time_slots``: the
                     bound of :func:`tdm_slot_bound`, which it meets),
        encoders_per_user = 3k/2 (k even), 3k/2 − 1/2 (k odd)   [radix 4, published],
                          = k                                   [radix 2].

    The modules measure one pair per slot, so 2^(k−1)(2^k − 1) = 2^k(2^k − 1)/2 pair-slots hold every
    pair of 2^k users exactly once: 2^(k−1) slots is the fewest possible with 2^k − 1 modules.
    The encoders are those of the hierarchy behind :func:`tdm_schedule`.

    Parameters
    ----------
    n : int
        Number of users, n ≥ 2.
    radix : {4, 2}
        4: groups of four users (the published count); 2: groups of two.

    Returns
    -------
    dict
        ``users``, ``padded_users``, ``pairs``, ``bell_state_modules``, ``time_slots``, ``min_time_slots``,
        ``encoders_per_user``.

    References
    ----------
    Yan et al., npj Quantum Inf. (2025), arXiv:2502.11860.
    """
    n = _users(n)
    radix = _radix(radix)
    k = _bits(n)
    encoders = k if radix == 2 else 3 * (k // 2) + k % 2
    return {
        "users": n,
        "padded_users": 2**k,
        "pairs": n * (n - 1) // 2,
        "bell_state_modules": 2**k - 1,
        "time_slots": len(tdm_schedule(n, radix)),
        "min_time_slots": tdm_slot_bound(n, radix),
        "encoders_per_user": encoders,
    }


def tdm_encoder(n, user, partner, radix=4) -> int:
    """Index of the encoder, in 0 … encoders_per_user − 1, that ``user`` uses to talk to ``partner``.

    User indices are split into digits, most significant first: with radix 4 one binary digit
    (when k = ⌈log₂ n⌉ is odd) then base-4 digits; with radix 2 all binary. A pair belongs to the first
    digit level L where the two indices differ; at that level the user owns base_L − 1 encoders, one
    per sibling group, and this pair uses number ``offset_L + (d_user XOR d_partner) − 1``, where
    offset_L counts the encoders of the levels above. Encoders per user: Σ_L (base_L − 1).

    Parameters
    ----------
    n : int
        Number of users, n ≥ 2.
    user, partner : int
        Distinct users in 0 … n − 1.
    radix : {4, 2}
        Digit base of the hierarchy.

    Returns
    -------
    int

    References
    ----------
    Yan et al., npj Quantum Inf. (2025), arXiv:2502.11860 (encoder count per user).
    """
    n = _users(n)
    radix = _radix(radix)
    user = check_int("user", user, 0)
    partner = check_int("partner", partner, 0)
    if user >= n:
        raise ValueError(f"user must lie in [0, {n - 1}], got {user}")
    if partner >= n or partner == user:
        raise ValueError(f"partner must lie in [0, {n - 1}] and differ from user {user}, got {partner}")
    offset = 0
    for base, shift in _levels(_bits(n), radix):
        a, b = (user >> shift) & (base - 1), (partner >> shift) & (base - 1)
        if a != b:
            return offset + (a ^ b) - 1
        offset += base - 1
    raise AssertionError("distinct users differ in some digit")


def _schedule(first: int, levels: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Slots of the block of users first … first + 2^k − 1 whose digits are ``levels``."""
    if not levels:
        return []
    base, shift = levels[0]
    m = 1 << shift
    blocks = [first + j * m for j in range(base)]
    if base == 2:
        slots = [[(blocks[0] + i, blocks[1] + (i ^ t)) for i in range(m)] for t in range(m)]
    else:
        slots = [[] for _ in range(2 * m)]
        for item in range(6 * m):
            p, q = _BLOCK_PAIRS[item % 6]
            s = item // 6
            slots[item // 3] += [(blocks[p] + i, blocks[q] + (i ^ s)) for i in range(m)]
    inner = [_schedule(start, levels[1:]) for start in blocks]
    for t, slot in enumerate(slot for block in inner for slot in block):
        slots[t] += slot
    return slots


def _sub_blocks(n: int, first: int, levels) -> list[tuple[list[int], list[int]]]:
    """Complete bipartite groups (X_p, X_q) of the encoder wiring: the pairs between sub-blocks X_p, X_q of one
    block (users < n only) all use, at each end, the encoder (d_p XOR d_q) of their level (:func:`tdm_encoder`)."""
    if not levels or first >= n:
        return []
    base, shift = levels[0]
    m = 1 << shift
    blocks = [[u for u in range(first + j * m, first + (j + 1) * m) if u < n] for j in range(base)]
    groups = [(blocks[p], blocks[q]) for p, q in itertools.combinations(range(base), 2) if blocks[p] and blocks[q]]
    return groups + [g for j in range(base) for g in _sub_blocks(n, first + j * m, levels[1:])]


def tdm_slot_bound(n, radix=4) -> int:
    """Fewest time slots of any schedule of n users on the wiring of :func:`tdm_encoder` with 2^k − 1 modules.

    An encoder serves one partner per slot, so a user's partners on one encoder need as many slots:
    Δ = max over the wiring's groups X_p × X_q of max(|X_p|, |X_q|). The modules hold 2^k − 1 pairs per slot.
    Hence slots ≥ max(Δ, ⌈n(n − 1)/2 / (2^k − 1)⌉). :func:`tdm_schedule` meets this bound.
    """
    n = _users(n)
    k = _bits(n)
    delta = max(max(len(a), len(b)) for a, b in _sub_blocks(n, 0, _levels(k, _radix(radix))))
    return max(delta, -(-(n * (n - 1) // 2) // (2**k - 1)))


def _colour_groups(n: int, radix: int, slots: int) -> list[list[tuple[int, int]]] | None:
    """Slots from colouring each group X_p × X_q by (i + j + offset) mod ``slots`` (proper for ``slots`` ≥ Δ),
    the offsets chosen greedily, largest group first, to level the modules' load; None if a slot overflows."""
    k = _bits(n)
    load = np.zeros(slots, dtype=int)
    out = [[] for _ in range(slots)]
    for a, b in sorted(_sub_blocks(n, 0, _levels(k, radix)), key=lambda g: -len(g[0]) * len(g[1])):
        i, j = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
        base = np.bincount(((i + j) % slots).ravel(), minlength=slots)
        offset = min(range(slots), key=lambda o: (np.max(load + np.roll(base, o)), o))
        load += np.roll(base, offset)
        for x, y in zip(i.ravel(), j.ravel()):
            out[(x + y + offset) % slots].append((a[x], b[y]))
    return out if load.max() <= 2**k - 1 else None


def tdm_schedule(n, radix=4) -> list[list[tuple[int, int]]]:
    """Time slots in which 2^k − 1 BSM modules (k = ⌈log₂ n⌉) serve every pair of n users once, in the
    fewest slots the encoder wiring allows (:func:`tdm_slot_bound`).

    Users are padded to 2^k and their indices split into digits (:func:`tdm_encoder`). A block of
    N = base·m users (sub-blocks X_0 … X_{base−1} of m users) is scheduled in N/2 slots of N − 1 pairs:

    - radix-2 level (N = 2m): slot t pairs X_0[i] with X_1[i ⊕ t], i < m (m pairs); the m/2-slot
      schedules of X_0 and of X_1 fill the remaining m − 1 modules of slots 0 … m/2 − 1 and m/2 … m − 1;
    - radix-4 level (N = 4m): the 6m bipartite matchings X_p[i] ↔ X_q[i ⊕ s] (6 block pairs, s < m)
      are listed block pair fastest in the order 01, 23, 02, 13, 03, 12 and laid three to a slot
      (3m pairs); the sub-block schedules fill the other m − 1 modules of slots b·m/2 … (b + 1)·m/2 − 1.

    So every slot holds N − 1 pairs (m + m − 1 or 3m + m − 1) and every pair of 2^k users appears
    once: 2^(k−1) slots, the fewest possible with 2^k − 1 modules. Within a slot a user meets at most
    one partner per sibling group, i.e. uses each encoder of :func:`tdm_encoder` at most once; the
    three block pairs of a slot are distinct and the matchings of one block pair lie 2 slots apart.
    This is the schedule for n = 2^k. For other n the slots come from colouring each group of the wiring
    (:func:`_sub_blocks`), X_p[i] × X_q[j] in slot (i + j + offset) mod S, with S = :func:`tdm_slot_bound`
    and the offsets chosen to keep every slot within the 2^k − 1 modules (S + 1, … if that fails; the tests
    find S for every n ≤ 64). E.g. n = 12 needs 5 slots, not 8 (Δ = 4, ⌈66 pairs / 15 modules⌉ = 5), and
    n = 5, where one user meets the other four on one encoder, needs 4.

    Unlike the XOR (hypercube) 1-factorization, where slot d pairs i with i ⊕ d (2^k − 1 slots of
    2^(k−1) pairs, every user using one encoder), a slot here is not a matching: a user works with
    several partners at once, one per encoder. With radix 4 the encoder count is the published
    3⌈log₂ n⌉/2 (− 1/2 for odd ⌈log₂ n⌉): three encoders per base-4 level, as in the four-user
    fully connected module, and one for a leftover binary level. For n = 8 this gives four slots.

    Parameters
    ----------
    n : int
        Number of users, n ≥ 2.
    radix : {4, 2}
        Digit base of the hierarchy; 2 needs only ⌈log₂ n⌉ encoders per user with the same slots.

    Returns
    -------
    list of list of (int, int)
        Slot t is the list of pairs (a, b), a < b, measured at once; its position is the BSM module.

    References
    ----------
    Yan et al., npj Quantum Inf. (2025), arXiv:2502.11860 (the 8-user, four-slot example).
    """
    n = _users(n)
    radix = _radix(radix)
    if n == 2 ** _bits(n):
        slots = _schedule(0, _levels(_bits(n), radix))
    else:
        count, slots = tdm_slot_bound(n, radix), None
        while slots is None:
            slots, count = _colour_groups(n, radix, count), count + 1
    return [sorted((min(a, b), max(a, b)) for a, b in slot) for slot in slots if slot]
