"""The generator's causal record (docs/demo-data.md) and incrementality measured against it."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.incrementality_truth import measure
from data import generate as gen


@pytest.fixture(scope="module")
def tiny() -> dict[str, pd.DataFrame]:
    return gen.generate("XS", seed=3, causal=True)


def test_the_causal_record_leaves_the_four_files_unchanged(tiny):
    plain = gen.generate("XS", seed=3)
    assert list(plain) == list(gen.FILES)
    for name in gen.FILES:
        pd.testing.assert_frame_equal(tiny[name], plain[name])
    assert list(tiny["causal"].columns) == gen.CAUSAL_COLUMNS


def test_coded_revenue_is_every_conversion_through_an_influencer(tiny):
    tracking, causal = tiny["tracking"], tiny["causal"]
    conversions = tracking[tracking["influencer_id"].notna() & (tracking["orders"] > 0)]
    expected = conversions.groupby(["influencer_id", "campaign"])["revenue"].sum()
    recorded = causal.set_index(["influencer_id", "campaign"])["coded_revenue"]
    assert recorded[recorded > 0].sort_index().to_dict() == pytest.approx(expected.sort_index().to_dict())


def test_incremental_revenue_is_coded_plus_halo_minus_pulled_forward(tiny):
    causal = tiny["causal"]
    assert causal["incremental_revenue"].to_numpy() == pytest.approx(
        (causal["coded_revenue"] + causal["halo_revenue"] - causal["pulled_forward_revenue"]).to_numpy()
    )
    assert (causal[["halo_revenue", "pulled_forward_revenue"]] >= 0).all().all()
    # Protein Week plants no halo (a sale: nothing new follows), only replaced purchases.
    protein = causal[causal["campaign"] == "Protein Week"]
    assert len(protein) and (protein["halo_revenue"] == 0).all()
    assert protein["pulled_forward_revenue"].sum() > 0
    assert set(causal["influencer_id"]) <= set(tiny["influencers"]["influencer_id"])
    assert not causal.duplicated(["influencer_id", "campaign"]).any()


def test_a_replaced_purchase_is_worth_an_organic_orders_expected_value():
    rng = np.random.default_rng(0)
    n = 400_000
    product = gen._choice_by_row(rng, gen._shop_product_share()[None, :], np.zeros(n, dtype=np.int64))
    drawn = gen._purchases(
        rng, day=np.zeros(n), user=np.zeros(n), product=product, source=1, campaign=np.full(n, -1)
    )
    # The mean of 400k orders has a standard error near 0.3 %.
    assert gen._expected_organic_order_value() == pytest.approx(drawn["revenue"].mean(), rel=0.01)


def test_the_command_line_writes_causal_csv_beside_the_same_four_files(tmp_path):
    assert gen.main(["--size", "XS", "--seed", "2", "--out", str(tmp_path / "plain")]) == 0
    assert gen.main(["--size", "XS", "--seed", "2", "--out", str(tmp_path / "with"), "--causal"]) == 0
    assert not (tmp_path / "plain" / "causal.csv").exists()
    for name in gen.FILES:
        assert (tmp_path / "with" / f"{name}.csv").read_bytes() == (
            tmp_path / "plain" / f"{name}.csv"
        ).read_bytes()
    causal = pd.read_csv(tmp_path / "with" / "causal.csv")
    assert list(causal.columns) == gen.CAUSAL_COLUMNS


@pytest.mark.parametrize("seed", [7, 2])
def test_incremental_revenue_is_close_to_the_planted_truth(seed):
    """
    Overall incremental revenue stays within -15 % .. +5 % of the generator's planted truth (size S).

    Measured with ``python -m benchmarks.incrementality_truth --size S --seeds 1 .. 12``: the error
    spans -11.7 % to +1.6 % (seed 7, the bundled demo: -7.0 %; seed 2: +1.6 %). It leans low because the
    14-day window misses the halo's tail (a fifth of halo purchases come 14-28 days after the exposure).
    The earlier pair rule measured +18.6 % to +28.7 % at seeds 7, 1, 2 and 3, outside the band. At least 3 of
    the 6 campaign intervals cover the true iROAS (3 to 6 at the seeds measured; the pair rule: 1 to 3):
    the interval covers sampling noise only, not the window's bias.
    """
    result = measure("S", seed)
    assert -0.15 <= result.total_error <= 0.05
    assert result.covered >= 3
