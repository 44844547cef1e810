"""Four more wire-story clusters, each an original with copies on other outlets, plus same-event negatives.

* "unhcr-refugees" — UNHCR counts a million refugees in a week; original on JEN (UNI).
* "gdp-q3" — India's October-December GDP print; original on JEN (PTI).
* "ind-sl-mohali" — India beat Sri Lanka in Mohali; original on the Herald (IANS).
* "ipcc-ar6" — the IPCC impacts report; original on WFTL (ABC News wire).

Copies are built with `rework` from the original's paragraphs so every kept sentence is shared word
for word unless a swap says otherwise; negatives are separately written stories on the same event.
"""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, outlet_story, paras, rework, ts_src

# --- unhcr-refugees ---------------------------------------------------------------------------------

REFUGEES = "unhcr-refugees"

REFUGEES_ORIGINAL = jen(
    "One million people flee Ukraine in a week, says UN refugee agency",
    "world",
    "2022-03-03T09:20:00+05:30",
    paras("""
Geneva (JEN): More than one million people have fled Ukraine in the seven days since Russia launched
its military offensive, the United Nations refugee agency (UNHCR) said on Thursday, calling it the
fastest exodus of refugees this century.

"In just seven days we have witnessed the exodus of one million refugees from Ukraine into
neighbouring countries," UN High Commissioner for Refugees Filippo Grandi said in a tweet.

According to UNHCR data, more than half of them, about 505,000 people, have crossed into Poland,
while Hungary has received over 116,000, Moldova nearly 80,000 and Slovakia around 67,000. Tens of
thousands have also travelled on to Romania and other European countries.

The agency said the number was equal to more than two per cent of Ukraine's population, and that at
the current pace the country could become the source of the biggest refugee crisis in Europe this
century.

Most of those crossing the borders are women and children, as Ukrainian men aged between 18 and 60
have been barred from leaving the country under martial law.

Long queues of cars and people on foot have formed at the border crossings, where many have waited
for days in freezing temperatures, aid workers said.

"For many more millions, inside Ukraine, it's time for guns to fall silent, so that life-saving
humanitarian assistance can be provided," Grandi said.

The UN and its partners on Tuesday launched emergency appeals for USD 1.7 billion to help people
inside Ukraine and refugees in the neighbouring countries.

Meanwhile, European Union ministers are set to approve temporary protection for those fleeing the
war, allowing them to live and work in the 27 member states for up to three years.
"""),
    images=(
        Image(
            src=md5_src("news_pic", "ukraine-refugees-poland-border"),
            alt="Ukraine refugees",
            caption="Image: UNI",
            credit="UNI",
            alt_as_text=True,
        ),
        Image(
            src=ts_src("world", "unhcr-grandi-tweet", "2022-03-03T09:20:00+05:30"),
            alt="",
            caption="Image: Twitter/@FilippoGrandi",
            credit="Twitter/@FilippoGrandi",
            after_paragraph=2,
            caption_twice=True,
            leak_filename=True,
        ),
    ),
    dateline="Geneva",
    credits=("UNI",),
    article_id=6176,
    cluster=REFUGEES,
)
_R = REFUGEES_ORIGINAL.paragraphs

REFUGEES_COPIES = (
    outlet_story(
        "wftl",
        "More than 1 million refugees have fled Ukraine in one week, UN says",
        "world",
        "2022-03-03T06:10:00-05:00",
        rework(
            _R,
            [
                "(LONDON) — More than 1 million refugees have fled Ukraine in the seven days since Russia "
                "invaded, according to the United Nations, which called it the fastest exodus of refugees "
                "this century.",
                1, 2, 3, 4, 5, 6, 7,
            ],
            swaps=[
                ("neighbouring", "neighboring"),
                ("about 505,000 people", "505,000 people"),
                ("two per cent", "2%"),
                ("aged between 18 and 60", "ages 18 to 60"),
                ("USD 1.7 billion", "$1.7 billion"),
                ("travelled", "traveled"),
            ],
        ),
        byline="ABC News",
        images=(
            Image(
                src="/wp-content/uploads/2022/03/GettyImages-1238764410.jpg",
                alt="",
                caption="Wojtek Radwanski/AFP via Getty Images",
                credit="Wojtek Radwanski/AFP via Getty Images",
            ),
        ),
        dateline="LONDON",
        credits=("ABC News",),
        cluster=REFUGEES,
    ),
    outlet_story(
        "herald",
        "Ukraine exodus passes one million as Poland takes half",
        "world",
        "2022-03-03T10:05:00+00:00",
        rework(
            _R,
            [
                "The number of people who have fled Ukraine since the Russian invasion passed one million on "
                "Thursday, the UN refugee agency said, the fastest movement of refugees in Europe since the "
                "Second World War.",
                1,
                (2, 3),
                4,
                6,
                "Volunteers in Poland and Romania have turned gyms, schools and railway stations into "
                "reception centres, and thousands of families have offered rooms in their homes.",
            ],
            swaps=[
                ("Filippo Grandi said in a tweet", "Filippo Grandi wrote on Twitter"),
                ("According to UNHCR data, more than half of them, about 505,000 people,",
                 "More than half, about 505,000 people,"),
                ("The agency said the number was equal to", "That is"),
                ("and that at the current pace the country could become the source of the biggest refugee "
                 "crisis in Europe this century.",
                 "and the agency warned that at the current pace it could become the biggest refugee crisis "
                 "in Europe this century."),
                ("have been barred from leaving the country under martial law",
                 "have been ordered to stay and fight under martial law"),
            ],
        ),
        byline="Herald Foreign Desk",
        images=(
            Image(
                src="/images/2022/03/medyka-crossing-queue.jpg",
                alt="Refugees at the Medyka border crossing",
                caption="Refugees arriving at the Medyka crossing in Poland. Photo: Anadolu Agency",
                credit="Anadolu Agency",
            ),
        ),
        credits=("Agencies",),
        cluster=REFUGEES,
    ),
    outlet_story(
        "monitor",
        "UNHCR: One million flee Ukraine in a week",
        "world",
        "2022-03-03T15:40:00+08:00",
        rework(_R, [0, 1, 2, 3, 4], swaps=[("Geneva (JEN): More than", "More than")]),
        byline="Asia Monitor Desk",
        images=(
            Image(
                src="/media/2022/03/ukraine-refugees.jpg",
                alt="Image: UNI",
                caption="Image: UNI",
                credit="UNI",
                caption_twice=True,
            ),
        ),
        credits=("Just Earth News", "UNI"),
        cluster=REFUGEES,
    ),
)

REFUGEES_NEGATIVES = (
    outlet_story(
        "herald",
        "At Medyka, the border crossing where a country's women and children arrive on foot",
        "world",
        "2022-03-03T17:30:00+00:00",
        paras("""
The queue starts somewhere in the dark on the Ukrainian side and ends at a row of white tents in a
Polish car park. In between are several kilometres of mothers pushing prams, grandmothers pulling
suitcases, and children carrying cats in shopping bags.

Medyka, a village of a few hundred people in south-east Poland, has become one of the main gateways
for what the UN now says is more than a million people who have left Ukraine in a week.

"We walked for eleven hours. My husband brought us to the line and went back to Lviv," said Oksana,
34, who had travelled from Kharkiv with her two daughters. She did not want to give her surname
because her husband is a reservist.

Volunteer firefighters hand out soup and nappies. A man from Krakow has driven down with a van full
of SIM cards. Polish police direct buses to Przemysl railway station, where trains leave for Warsaw,
Berlin and Prague.

Aid workers say the numbers are rising, not falling. "The first wave had cars and money and
relatives abroad," said a coordinator with a Polish charity. "Now we see people who had nothing to
leave with."
"""),
        byline="Elena Marsh in Medyka",
        images=(
            Image(
                src="/images/2022/03/medyka-tents.jpg",
                alt="Tents at Medyka",
                caption="Reception tents at Medyka. Photo: Herald",
                credit="Herald",
            ),
        ),
        resembles=REFUGEES,
    ),
    outlet_story(
        "monitor",
        "Moldova, Europe's poorest country, struggles with Ukrainian arrivals",
        "world",
        "2022-03-03T19:05:00+08:00",
        paras("""
Moldova, a country of 2.6 million people that borders Ukraine's Odesa region, has taken in close to
80,000 refugees in a week and is appealing for international help to cope, its government said on
Thursday.

Prime Minister Natalia Gavrilita said the country's reception centres were full and that families
across the country were hosting people in their homes.

Most arrivals travel on to Romania and the European Union, but officials said tens of thousands had
chosen to stay close to the border in the hope of returning soon.

The UN refugee agency, which says more than a million people have now fled Ukraine, has sent
emergency teams and supplies to the Palanca and Otaci crossings.
"""),
        byline="Asia Monitor Desk",
        credits=("AFP",),
        resembles=REFUGEES,
    ),
)

# --- gdp-q3 -----------------------------------------------------------------------------------------

GDP = "gdp-q3"

GDP_ORIGINAL = jen(
    "India's GDP growth slows to 5.4 pc in October-December quarter",
    "business",
    "2022-02-28T18:35:00+05:30",
    paras("""
New Delhi (JEN): India's gross domestic product (GDP) grew 5.4 per cent in the October-December
quarter of 2021-22, the slowest pace in a year, as the favourable base effect faded and consumer
demand remained weak, official data released on Monday showed.

The economy had grown by 8.5 per cent in the July-September quarter and by 20.3 per cent in
April-June, helped by a low base due to the pandemic-induced lockdown a year earlier.

The National Statistical Office (NSO) also lowered its estimate of growth for the full financial
year 2021-22 to 8.9 per cent from 9.2 per cent projected in its first advance estimate released in
January.

According to the data, gross value added (GVA) in manufacturing grew just 0.2 per cent in the third
quarter, while construction contracted 2.8 per cent. The farm sector grew 2.6 per cent.

Trade, hotels, transport and communication services grew 6.1 per cent, and the financial, real
estate and professional services segment expanded 4.6 per cent.

Private final consumption expenditure, which accounts for more than half of the economy, grew 7 per
cent, while gross fixed capital formation, a proxy for investment, rose 2 per cent.

In a separate release, data showed the output of eight core infrastructure sectors grew 3.7 per cent
in January, compared with 4.1 per cent in December.

Economists said the Omicron wave of infections in January was likely to weigh on growth in the
current quarter as well, although the impact was expected to be milder than in the earlier waves.

The Reserve Bank of India (RBI) has projected a growth of 7.8 per cent for the next financial year.
"""),
    images=(
        Image(
            src=md5_src("news_pic", "india-gdp-q3-2022"),
            alt="India's GDP growth slows to 5.4 pc in October-December quarter",
            caption="Image: Unsplash/Ravi Sharma",
            credit="Unsplash/Ravi Sharma",
            alt_as_text=True,
        ),
    ),
    dateline="New Delhi",
    credits=("PTI",),
    article_id=6140,
    cluster=GDP,
)
_G = GDP_ORIGINAL.paragraphs

GDP_COPIES = (
    outlet_story(
        "herald",
        "India's growth cools to 5.4% as base effect fades",
        "business",
        "2022-02-28T15:50:00+00:00",
        rework(
            _G,
            [
                "India's economy grew 5.4% in the three months to December, slowing sharply from the "
                "previous quarter as the boost from last year's low base faded and consumer demand stayed "
                "weak, government data showed on Monday.",
                1,
                2,
                (3, 4),
                5,
                "The figures put pressure on the Reserve Bank of India, which has kept interest rates at "
                "record lows to support the recovery even as inflation runs near the top of its target "
                "band.",
            ],
            swaps=[
                (" per cent", "%"),
                ("had grown by 8.5%", "grew by a revised 8.5%"),
                ("The National Statistical Office (NSO) also lowered", "The statistics office also cut"),
                ("released in January", "published last month"),
                ("According to the data, gross", "Gross"),
            ],
        ),
        byline="Herald Business Desk",
        images=(
            Image(
                src="/images/2022/02/mumbai-port-containers.jpg",
                alt="Containers at a port in Mumbai",
                caption="Containers at Jawaharlal Nehru Port near Mumbai. Photo: Bloomberg",
                credit="Bloomberg",
                caption_twice=True,
            ),
        ),
        credits=("PTI", "Reuters"),
        cluster=GDP,
    ),
    outlet_story(
        "monitor",
        "India Q3 GDP growth at 5.4 pc; FY22 estimate cut to 8.9 pc",
        "business",
        "2022-02-28T23:15:00+08:00",
        rework(
            _G,
            [0, 1, 2, 3],
            swaps=[
                ("New Delhi (JEN): India's", "India's"),
                ("5.4 per cent", "5.4 pc"),
                ("8.9 per cent", "8.9 pc"),
            ],
        ),
        byline="Asia Monitor Desk",
        credits=("PTI",),
        cluster=GDP,
    ),
)

GDP_NEGATIVES = (
    outlet_story(
        "herald",
        "Analysis: India's recovery loses steam just as oil turns against it",
        "business",
        "2022-03-01T07:30:00+00:00",
        paras("""
For most of last year India's economic numbers flattered it. Compared with the lockdown months of
2020, almost anything looked like a boom. Monday's figures for the final quarter of 2021 are the
first in a while without that cushion, and they are sobering.

A growth rate of 5.4% is respectable by global standards. But it hides a factory sector that barely
grew at all and a construction industry that shrank, while the services that employ most urban
Indians have only just climbed back above their pre-pandemic size.

The timing is awkward. Brent crude has jumped above $100 a barrel since Russia's invasion of
Ukraine, and India imports more than four-fifths of the oil it uses. Every ten-dollar rise adds, by
most estimates, several tenths of a percentage point to inflation.

Finance ministry officials argue that government capital spending, raised sharply in this month's
budget, will carry investment through the year. Private economists are less sure. Several trimmed
their forecasts for 2022-23 on Tuesday, citing fuel prices and weaker export demand from Europe.

The Reserve Bank meets in April. It has so far looked through rising prices; that will be harder
now.
"""),
        byline="Rohan Mehta, Business Editor",
        resembles=GDP,
    ),
)

# --- ind-sl-mohali ----------------------------------------------------------------------------------

MOHALI = "ind-sl-mohali"

MOHALI_ORIGINAL = outlet_story(
    "herald",
    "Jadeja stars as India crush Sri Lanka by an innings and 222 runs in Mohali",
    "sports",
    "2022-03-06T11:30:00+00:00",
    paras("""
Mohali, March 6 (IANS) Ravindra Jadeja followed up his career-best unbeaten 175 with a match haul of
nine wickets as India thrashed Sri Lanka by an innings and 222 runs inside three days in the first
Test at the PCA Stadium on Sunday.

Asked to follow on after being bowled out for 174 in their first innings, Sri Lanka were dismissed
for 178 in the second, with Jadeja taking 4/46 to add to his 5/41 in the first innings.

Ravichandran Ashwin took 4/47 in the second innings, and in the process went past Kapil Dev's tally
of 434 Test wickets to become India's second-highest wicket-taker in the format, behind Anil Kumble.

Niroshan Dickwella top-scored for the visitors with an unbeaten 51, while Angelo Mathews made 28
before falling to Jadeja.

The win was India's first under Rohit Sharma, who was leading the side in Tests for the first time,
and it came in Virat Kohli's 100th Test match.

India had declared their first innings at 574/8, with Jadeja's 175 not out coming off 228 balls with
17 fours and three sixes. Rishabh Pant made 96 and Ashwin 61.

Speaking at the presentation, Rohit called it a complete team performance and said the way Jadeja
had batted with the lower order had taken the game away from Sri Lanka.

Jadeja was named Player of the Match.

The second and final Test, a day-night game, will be played in Bengaluru from March 12.
"""),
    byline="IANS",
    images=(
        Image(
            src="/images/2022/03/jadeja-mohali-wicket.jpg",
            alt="Ravindra Jadeja celebrates a wicket",
            caption="Ravindra Jadeja celebrates a wicket on day three. Photo: BCCI",
            credit="BCCI",
        ),
    ),
    dateline="Mohali",
    credits=("IANS",),
    cluster=MOHALI,
)
_M = MOHALI_ORIGINAL.paragraphs

MOHALI_COPIES = (
    jen(
        "Mohali Test: Jadeja's all-round show helps India beat Sri Lanka by innings and 222 runs",
        "sports",
        "2022-03-06T18:40:00+05:30",
        rework(
            _M,
            [
                "Mohali (JEN): India thrashed Sri Lanka by an innings and 222 runs inside three days in the "
                "first Test at the PCA Stadium on Sunday, with Ravindra Jadeja following up his career-best "
                "unbeaten 175 with a match haul of nine wickets.",
                1,
                2,
                3,
                (4, 5),
                7,
                8,
            ],
            swaps=[
                ("Ravichandran Ashwin took", "R Ashwin took"),
                ("India had declared their first innings", "India had declared"),
            ],
        ),
        images=(
            Image(
                src=ts_src("sports", "jadeja-ashwin-mohali", "2022-03-06T18:40:00+05:30"),
                alt="Jadeja",
                caption="Photo courtesy: Twitter/@BCCI",
                credit="Twitter/@BCCI",
                alt_as_text=True,
                leak_filename=True,
            ),
            Image(
                src=md5_src("news_pic", "kohli-100th-test-mohali"),
                alt="Photo courtesy: Twitter/@BCCI",
                caption="Photo courtesy: Twitter/@BCCI",
                credit="Twitter/@BCCI",
                after_paragraph=5,
                caption_twice=True,
            ),
        ),
        dateline="Mohali",
        credits=("IANS",),
        article_id=6214,
        cluster=MOHALI,
    ),
    outlet_story(
        "monitor",
        "India beat Sri Lanka by an innings and 222 runs in Mohali Test",
        "sports",
        "2022-03-06T22:05:00+08:00",
        rework(
            _M,
            [0, 1, 2, 3, 4],
            swaps=[("Mohali, March 6 (IANS) Ravindra Jadeja", "Ravindra Jadeja")],
        ),
        byline="Asia Monitor Sports",
        credits=("IANS",),
        cluster=MOHALI,
    ),
)

MOHALI_NEGATIVES = (
    jen(
        "Jadeja's unbeaten 175 puts India in command against Sri Lanka in Mohali",
        "sports",
        "2022-03-05T17:55:00+05:30",
        paras("""
Mohali (JEN): Ravindra Jadeja struck his highest Test score, an unbeaten 175, as India piled up 574
for eight declared and then reduced Sri Lanka to 108 for four at stumps on the second day of the
first Test on Saturday.

The left-hander came in with India at 228 for five and took charge of the innings, adding 104 with
Rishabh Pant, 130 with R Ashwin and an unbroken 103 with Mohammed Shami for the ninth wicket.

Jadeja's knock surpassed Kapil Dev's 163 as the highest score by an Indian batter at number seven or
lower in Tests. Captain Rohit Sharma declared soon after tea with Jadeja still at the crease, a
decision that drew some debate on social media.

Sri Lanka's reply started poorly. Lahiru Thirimanne was trapped leg before by Ashwin, and Jadeja
struck in his first over to remove Dhananjaya de Silva.

Pathum Nissanka was unbeaten on 26 at the close, and the visitors still trail by 466 runs.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "jadeja-175-mohali"),
                alt="Jadeja's unbeaten 175 puts India in command against Sri Lanka in Mohali",
                caption="Image: Twitter/@BCCI",
                credit="Twitter/@BCCI",
            ),
        ),
        dateline="Mohali",
        credits=("UNI",),
        article_id=6209,
        resembles=MOHALI,
    ),
)

# --- ipcc-ar6 ---------------------------------------------------------------------------------------

IPCC = "ipcc-ar6"

IPCC_ORIGINAL = outlet_story(
    "wftl",
    "Climate change is already causing widespread, irreversible harm, UN report warns",
    "world",
    "2022-02-28T06:00:00-05:00",
    paras("""
(NEW YORK) — Climate change is causing dangerous and widespread disruption in nature and affecting
the lives of billions of people around the world, despite efforts to reduce the risks, according to
a major United Nations report released Monday.

The report by the Intergovernmental Panel on Climate Change (IPCC), the second installment of its
Sixth Assessment Report, found that between 3.3 billion and 3.6 billion people live in contexts that
are highly vulnerable to climate change.

The 270 authors from 67 countries warned that some impacts are already irreversible and that the
window to secure a livable future is closing rapidly.

"This report is a dire warning about the consequences of inaction," IPCC Chair Hoesung Lee said in a
statement. "It shows that climate change is a grave and mounting threat to our wellbeing and a
healthy planet."

The report found that increased heat waves, droughts and floods are already exceeding the tolerance
thresholds of plants and animals, driving mass die-offs in species such as trees and corals.

Even a temporary rise in global warming beyond 1.5 degrees Celsius would lead to additional severe
impacts, some of which will be irreversible, the authors said.

United Nations Secretary-General António Guterres called the report "an atlas of human suffering and
a damning indictment of failed climate leadership."

The findings arrive as much of the world's attention is focused on Russia's invasion of Ukraine,
which has sent energy prices soaring and raised fears that countries will delay their plans to move
away from fossil fuels.

The panel's next report, on ways to cut greenhouse gas emissions, is due in April.
"""),
    byline="ABC News",
    images=(
        Image(
            src="/wp-content/uploads/2022/02/GettyImages-1237790182.jpg",
            alt="",
            caption="Sanjit Das/Bloomberg via Getty Images",
            credit="Sanjit Das/Bloomberg via Getty Images",
        ),
    ),
    dateline="NEW YORK",
    credits=("ABC News",),
    cluster=IPCC,
)
_I = IPCC_ORIGINAL.paragraphs

IPCC_COPIES = (
    jen(
        "UN climate report warns of irreversible damage, says billions highly vulnerable",
        "environment",
        "2022-02-28T18:10:00+05:30",
        rework(
            _I,
            [
                "New Delhi (JEN): Climate change is causing dangerous and widespread disruption in nature "
                "and affecting the lives of billions of people around the world, a major United Nations "
                "report released on Monday said.",
                1, 2, 3, 4, 5, 6, 8,
                "The report also flagged South Asia as one of the regions most exposed to extreme heat and "
                "flooding, and said several Indian cities, including Mumbai and Kolkata, faced a high risk "
                "from rising sea levels.",
            ],
            swaps=[
                ("installment", "instalment"),
                ("livable", "liveable"),
                ("heat waves", "heatwaves"),
                ("said in a statement", "said"),
            ],
        ),
        images=(
            Image(
                src=md5_src("news_pic", "ipcc-report-flood"),
                alt="Climate change",
                caption="Representational image: Unsplash/Chris Gallagher",
                credit="Unsplash/Chris Gallagher",
                alt_as_text=True,
            ),
        ),
        dateline="New Delhi",
        new=True,
        cluster=IPCC,
    ),
    outlet_story(
        "herald",
        "Climate crisis harming billions faster than feared, IPCC says",
        "environment",
        "2022-02-28T13:25:00+00:00",
        rework(
            _I,
            [
                "The damage caused by climate change is arriving faster and hitting harder than scientists "
                "expected, and some of it can no longer be undone, the world's leading authority on climate "
                "science said on Monday.",
                (1, 2),
                3,
                6,
                4,
                7,
            ],
            swaps=[
                ("The report by the Intergovernmental Panel on Climate Change (IPCC), the second installment "
                 "of its Sixth Assessment Report, found",
                 "The Intergovernmental Panel on Climate Change (IPCC) found"),
                ("livable", "liveable"),
                ("heat waves", "heatwaves"),
                ("mass die-offs", "mass deaths"),
                ("wellbeing", "well-being"),
                ("United Nations Secretary-General", "The UN secretary-general,"),
                ('called the report "an atlas', 'called it "an atlas'),
            ],
        ),
        byline="Herald Science Desk",
        images=(
            Image(
                src="/images/2022/02/drought-cattle-kenya.jpg",
                alt="Drought in northern Kenya",
                caption="Cattle carcasses in northern Kenya after a third failed rainy season. Photo: AP",
                credit="AP",
                caption_twice=True,
            ),
        ),
        credits=("Agencies",),
        cluster=IPCC,
    ),
    outlet_story(
        "monitor",
        "IPCC: Climate impacts already irreversible in places",
        "environment",
        "2022-03-01T08:20:00+08:00",
        rework(_I, [0, 1, 2, 3, 4], swaps=[("(NEW YORK) — Climate change", "Climate change")]),
        byline="Asia Monitor Desk",
        credits=("ABC News",),
        cluster=IPCC,
    ),
)

IPCC_NEGATIVES = (
    outlet_story(
        "herald",
        "Mumbai and Kolkata face flood risk as IPCC warns of heat limits in South Asia",
        "environment",
        "2022-02-28T16:40:00+00:00",
        paras("""
Large parts of South Asia could see heat and humidity beyond the limits of human tolerance within
decades if emissions are not cut quickly, according to the chapter on Asia in the latest IPCC
report, whose authors singled out India's coastal megacities for particular concern.

The authors estimate that, under a high-emissions pathway, tens of millions of people in Mumbai
could be exposed to coastal flooding by the middle of the century, and that Kolkata faces similar
risks from cyclones and subsidence.

Anjal Prakash, one of the report's lead authors, told reporters in New Delhi that wet-bulb
temperatures approaching 35C, at which the body can no longer cool itself, were no longer a
theoretical concern for the Indo-Gangetic plain.

Indian environment ministry officials said the country was already spending heavily on adaptation
and called for richer nations to honour their pledges on climate finance.
"""),
        byline="Herald Science Desk",
        resembles=IPCC,
    ),
)

STORIES = (
    REFUGEES_ORIGINAL,
    *REFUGEES_COPIES,
    *REFUGEES_NEGATIVES,
    GDP_ORIGINAL,
    *GDP_COPIES,
    *GDP_NEGATIVES,
    MOHALI_ORIGINAL,
    *MOHALI_COPIES,
    *MOHALI_NEGATIVES,
    IPCC_ORIGINAL,
    *IPCC_COPIES,
    *IPCC_NEGATIVES,
)
