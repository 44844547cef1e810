"""Just Earth News: sports stories outside any cluster (the Mohali Test cluster is in wire.py)."""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras, ts_src

STORIES = (
    jen(
        "Shane Warne, one of cricket's greatest spinners, dies at 52",
        "sports",
        "2022-03-04T22:10:00+05:30",
        paras("""
Melbourne (JEN): Australian leg-spin great Shane Warne, one of the finest bowlers the game has seen,
died of a suspected heart attack in Thailand on Friday. He was 52.

Warne was found unresponsive in his villa on the island of Koh Samui, his management company said in
a brief statement, adding that medical staff had been unable to revive him.

"It is with great sadness we advise that Shane Keith Warne passed away of a suspected heart attack.
The family requests privacy at this time and will provide further details in due course," the
statement said.

Warne took 708 wickets in 145 Tests between 1992 and 2007, the second-highest tally in Test history
at the time of his retirement, and 293 in one-day internationals. He was a member of Australia's
1999 World Cup-winning team.

His first ball in an Ashes Test, which spun sharply from outside leg stump to hit the top of Mike
Gatting's off stump at Old Trafford in 1993, became known as the "ball of the century".

In India, he is fondly remembered for leading an unfancied Rajasthan Royals side to the title in the
inaugural Indian Premier League in 2008, and for his rivalry with Sachin Tendulkar.

"Shocked, stunned and miserable. Will miss you Warnie. There was never a dull moment with you
around, on or off the field," Tendulkar wrote on Twitter.

Warne's death came hours after that of another Australian great, wicketkeeper Rod Marsh, who died at
74 following a heart attack last week.

Players of Australia and Pakistan will wear black armbands on the second day of the first Test in
Rawalpindi on Saturday.
"""),
        images=(
            Image(
                src=ts_src("sports", "shane-warne", "2022-03-04T22:10:00+05:30"),
                alt="Shane Warne",
                caption="Image: Twitter/@ShaneWarne",
                credit="Twitter/@ShaneWarne",
                alt_as_text=True,
                caption_twice=True,
                leak_filename=True,
            ),
            Image(
                src=md5_src("news_pic", "warne-rajasthan-royals-2008"),
                alt="Photo courtesy: Twitter/@rajasthanroyals",
                caption="Photo courtesy: Twitter/@rajasthanroyals",
                credit="Twitter/@rajasthanroyals",
                after_paragraph=5,
            ),
        ),
        dateline="Melbourne",
        article_id=6194,
    ),
    jen(
        "IPL 2022: MS Dhoni hands over Chennai Super Kings captaincy to Ravindra Jadeja",
        "sports",
        "2022-03-24T16:30:00+05:30",
        paras("""
Mahendra Singh Dhoni has stepped down as captain of Chennai Super Kings and handed over the
leadership to all-rounder Ravindra Jadeja, the four-time Indian Premier League champions announced
on Thursday, two days before the start of the 2022 season.

"MS Dhoni has decided to hand over the captaincy of Chennai Super Kings to Ravindra Jadeja. Jadeja
has been a part of CSK since 2012 and will be only the third player to lead CSK," the franchise said
in a statement, adding that Dhoni would continue to represent the team.

Dhoni, 40, had led the side since the first edition in 2008, winning the title in 2010, 2011, 2018
and 2021.

Chennai Super Kings open their campaign against Kolkata Knight Riders at the Wankhede Stadium in
Mumbai on Saturday.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "dhoni-jadeja-csk"),
                alt="IPL 2022: MS Dhoni hands over Chennai Super Kings captaincy to Ravindra Jadeja",
                caption="Image: Twitter/@ChennaiIPL",
                credit="Twitter/@ChennaiIPL",
            ),
        ),
        new=True,
    ),
    jen(
        "ISL: Hyderabad FC beat Kerala Blasters on penalties to win maiden title",
        "sports",
        "2022-03-20T23:10:00+05:30",
        paras("""
Margao (JEN): Hyderabad FC won their first Indian Super League title on Sunday, beating Kerala
Blasters 3-1 in a penalty shootout after the final at the Fatorda Stadium ended 1-1 after extra
time.

Goalkeeper Laxmikant Kattimani was the hero for Hyderabad, saving three of Kerala's four spot-kicks
in the shootout.

Rahul KP had given Kerala Blasters the lead in the 68th minute with a fierce strike from outside the
box, but Sahil Tavora equalised two minutes from the end of normal time with a long-range effort of
his own.

The final was played in front of spectators for the first time in two seasons, with a large
contingent of yellow-shirted Kerala fans travelling to Goa.

It was a third defeat in the final for Kerala Blasters, who had also lost the title matches in 2014
and 2016.

Hyderabad, who finished bottom of the league in their debut season in 2019-20, were coached to the
title by Spaniard Manolo Marquez.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "hyderabad-fc-isl-trophy"),
                alt="Hyderabad FC",
                caption="Photo courtesy: Twitter/@IndSuperLeague",
                credit="Twitter/@IndSuperLeague",
                alt_as_text=True,
            ),
            Image(
                src=md5_src("news_pic", "kattimani-penalty-save"),
                alt="Photo courtesy: Twitter/@IndSuperLeague",
                caption="Photo courtesy: Twitter/@IndSuperLeague",
                credit="Twitter/@IndSuperLeague",
                after_paragraph=2,
                caption_twice=True,
            ),
        ),
        dateline="Margao",
        article_id=6298,
    ),
    jen(
        "Women's World Cup: Vastrakar, Rana and Gayakwad help India beat Pakistan by 107 runs",
        "sports",
        "2022-03-06T13:25:00+05:30",
        paras("""
Mount Maunganui (JEN): Half-centuries from Pooja Vastrakar and Sneh Rana rescued India from a
top-order collapse, and left-arm spinner Rajeshwari Gayakwad took four wickets as Mithali Raj's side
beat Pakistan by 107 runs in their opening match of the ICC Women's World Cup on Sunday.

Put in to bat at the Bay Oval, India slipped from 96 for two to 114 for six as Nashra Sandhu and
Nida Dar struck in quick succession.

Vastrakar (67) and Rana (53 not out) then added 122 for the seventh wicket, a record for India in
women's one-day internationals, to lift the total to 244 for seven.

Pakistan were never in the chase. Gayakwad finished with four for 31 and Pakistan were bowled out
for 137 in 43 overs, with opener Sidra Ameen top-scoring with 30.

Mithali became the first woman to play in six World Cups, while Jhulan Goswami equalled the record
for the most wickets in women's World Cup matches.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "india-women-world-cup-pakistan"),
                alt="Women's World Cup",
                caption="Image: Twitter/@BCCIWomen",
                credit="Twitter/@BCCIWomen",
                caption_twice=True,
            ),
        ),
        dateline="Mount Maunganui",
        article_id=6212,
    ),
)
