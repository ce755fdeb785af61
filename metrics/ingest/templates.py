"""Templates of the four input files: a header and two example rows each."""

from __future__ import annotations

from metrics.dataset import FILES

TEMPLATES = {
    "influencers": (
        "influencer_id,name,category,gender,follower_count,platform\n"
        "INF001,Asha Rao,Fitness,Female,125000,Instagram\n"
        "INF002,Vikram Shah,Tech,Male,48000,YouTube\n"
    ),
    "posts": (
        "post_id,influencer_id,platform,date,url,caption,reach,likes,comments,campaign\n"
        'P001,INF001,Instagram,2025-01-05,https://www.instagram.com/p/abc123,"New year, new goals #ad",'
        "40000,2100,85,New Year\n"
        "P002,INF002,YouTube,2025-01-07,https://www.youtube.com/watch?v=xyz789,Unboxing the Pro headphones,"
        "15000,900,120,New Year\n"
    ),
    "tracking": (
        "source,campaign,influencer_id,user_id,product,date,orders,revenue,order_id\n"
        "influencer,New Year,INF001,U1001,Whey Protein,2025-01-06,1,1299.00,ORD-1\n"
        "organic,,,U1002,Whey Protein,2025-01-06,1,1299.00,ORD-2\n"
    ),
    "payouts": ("influencer_id,basis,total_payout,rate\nINF001,post,15000,15000\nINF002,order,2400,200\n"),
}


def template_csv(name: str) -> str:
    """
    Return a template for one input file: its header and two example rows.

    The four templates form a small valid dataset together (the same influencer ids).

    Examples
    --------
    >>> template_csv("payouts").splitlines()[0]
    'influencer_id,basis,total_payout,rate'
    """
    if name not in TEMPLATES:
        raise KeyError(f"unknown file {name!r}; expected one of {', '.join(FILES)}")
    return TEMPLATES[name]
