"""Just Earth News: business stories outside any cluster."""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras, ts_src

STORIES = (
    jen(
        "RBI keeps repo rate unchanged at 4 pc, retains accommodative stance",
        "business",
        "2022-02-10T12:30:00+05:30",
        paras("""
Mumbai (JEN): The Reserve Bank of India (RBI) on Thursday kept its key lending rate unchanged at a
record low of 4 per cent for the tenth consecutive time, and said it would keep its policy stance
accommodative for as long as necessary to sustain the recovery.

The reverse repo rate, the rate at which the central bank absorbs surplus liquidity from banks, was
also kept unchanged at 3.35 per cent, defying market expectations of a hike.

"The overall assessment is that the recovery is still incomplete and needs continued policy
support," RBI Governor Shaktikanta Das said while announcing the decision of the six-member Monetary
Policy Committee (MPC).

The committee voted unanimously to keep the repo rate unchanged, while one member, Jayanth R Varma,
voted against the accommodative stance.

The RBI projected that the economy would grow by 7.8 per cent in 2022-23, lower than the 8 to 8.5
per cent forecast in the Economic Survey, and that retail inflation would ease to 4.5 per cent next
year from 5.3 per cent in the current fiscal.

Das said inflation was likely to peak in the current quarter and then moderate, although crude oil
prices remained a key risk.

Bond yields fell sharply after the announcement, with the benchmark 10-year yield dropping about 10
basis points, while the Sensex closed 460 points higher.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "rbi-shaktikanta-das-feb"),
                alt="RBI Governor Shaktikanta Das",
                caption="Image: Twitter/@RBI",
                credit="Twitter/@RBI",
                alt_as_text=True,
                caption_twice=True,
            ),
        ),
        dateline="Mumbai",
        credits=("UNI",),
        article_id=6040,
    ),
    jen(
        "Sensex crashes 2,702 points as Russia launches military operation in Ukraine",
        "business",
        "2022-02-24T16:20:00+05:30",
        paras("""
Mumbai (JEN): Indian equity markets suffered their worst fall in nearly two years on Thursday, with
the BSE Sensex crashing 2,702 points, as investors rushed to sell risky assets after Russia launched
a military operation in Ukraine.

The 30-share Sensex closed at 54,529.91, down 4.72 per cent, while the broader NSE Nifty fell 815.30
points, or 4.78 per cent, to end at 16,247.95.

All 30 Sensex stocks ended in the red, with IndusInd Bank, Tata Motors, Tata Steel, Maruti Suzuki
and Axis Bank among the biggest losers. Investors lost about Rs 13.4 lakh crore in market value in a
single session.

Brent crude jumped above USD 105 a barrel for the first time since 2014, while the rupee fell by 99
paise to 75.60 against the US dollar, its biggest one-day fall in more than two years.

"Markets are pricing in a prolonged conflict and the risk of higher energy prices feeding into
inflation, which is a bigger worry for an oil importer like India," a Mumbai-based fund manager
said.

The India VIX, a measure of expected volatility, surged nearly 31 per cent.
"""),
        images=(
            Image(
                src=ts_src("business", "sensex-crash-bse", "2022-02-24T16:20:00+05:30"),
                alt="BSE",
                caption="Image: UNI",
                credit="UNI",
                leak_filename=True,
                caption_twice=True,
            ),
        ),
        dateline="Mumbai",
        article_id=6112,
    ),
    jen(
        "LIC files draft papers for India's biggest IPO, government to sell 5 pc stake",
        "business",
        "2022-02-13T21:05:00+05:30",
        paras("""
New Delhi (JEN): Life Insurance Corporation of India (LIC) on Sunday filed its draft red herring
prospectus with the Securities and Exchange Board of India (SEBI) for an initial public offering,
through which the government will sell a five per cent stake in the country's largest insurer.

The government will offload over 31.6 crore shares through an offer for sale, Department of
Investment and Public Asset Management (DIPAM) Secretary Tuhin Kanta Pandey said in a tweet. No
fresh shares will be issued.

According to the draft papers, the embedded value of LIC, a measure of the consolidated
shareholders' value in an insurance company, was about Rs 5.4 lakh crore as of September 30, 2021.

Up to 10 per cent of the issue will be reserved for the insurer's policyholders, and a portion for
its employees.

The IPO, expected in March, is likely to be the biggest in the history of the Indian stock market
and is crucial for the government to meet its disinvestment target for the current financial year.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "lic-building-mumbai"),
                alt="Photo courtesy: Wikimedia Commons",
                caption="Photo courtesy: Wikimedia Commons",
                credit="Wikimedia Commons",
                caption_twice=True,
            ),
        ),
        dateline="New Delhi",
        new=True,
    ),
    jen(
        "Brent crude surges past USD 139 a barrel, highest since 2008, on fears of Russian oil ban",
        "business",
        "2022-03-07T13:55:00+05:30",
        paras("""
Oil prices soared to their highest levels since 2008 on Monday, with Brent crude briefly touching
USD 139.13 a barrel, after the United States said it was discussing a ban on Russian oil imports
with its European allies.

US Secretary of State Antony Blinken said on Sunday that Washington was in "very active discussions"
with European countries about banning imports of Russian oil, while delays to talks on reviving the
Iran nuclear deal removed the prospect of a quick return of Iranian barrels to the market.

Russia is the world's largest exporter of crude and oil products combined, shipping about 7 million
barrels per day.

The surge sent shockwaves through Asian markets. In India, the Sensex fell over 1,400 points and the
rupee touched a record low of 77 against the dollar, as analysts warned that high crude prices would
widen the current account deficit and push up inflation.

State-owned fuel retailers have kept petrol and diesel prices unchanged since early November, but
analysts expect increases after the results of the assembly elections are declared on March 10.

"If crude stays at these levels for a quarter, every assumption in the budget on subsidies and
inflation will need to be revisited," an economist with a brokerage said.

US crude futures also jumped, hitting USD 130.50 a barrel.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "oil-rig-unsplash"),
                alt="Crude oil",
                caption="Image: Unsplash/Zbynek Burival",
                credit="Unsplash/Zbynek Burival",
                alt_as_text=True,
            ),
            Image(
                src=md5_src("news_pic", "petrol-pump-kolkata"),
                alt="",
                caption="Image: UNI",
                credit="UNI",
                after_paragraph=4,
                caption_twice=True,
            ),
        ),
        article_id=6229,
    ),
)
