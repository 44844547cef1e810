"""The three other outlets of the replica and their stories that belong to no cluster or series.

Their syndicated copies and same-event negatives live with their clusters (uni_talks.py, wire.py),
their template reports in templates.py; what is here gives each outlet a listing of its own.
"""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import outlet_story, paras

# name -> what the site templates need to know to dress an outlet's pages.
OUTLETS: dict[str, dict] = {
    "wftl": {
        "name": "wftl",
        "title": "News Talk 850 WFTL",
        "description": "A US radio station's WordPress site that runs ABC News wire copy nearly verbatim, "
        "with '(NEW YORK) —' datelines, Getty Images credits and ABC Audio copyright furniture.",
        "footer": "Copyright © 2022, ABC Audio. All rights reserved.",
        "timezone": "America/New_York",
    },
    "herald": {
        "name": "herald",
        "title": "The Global Herald",
        "description": "A newspaper that rewrites agency copy freely (merging and dropping paragraphs, "
        "British spelling) and also publishes its own reporting and analysis.",
        "footer": "© The Global Herald 2022",
        "timezone": "Europe/London",
    },
    "monitor": {
        "name": "monitor",
        "title": "Asia Monitor",
        "description": "An aggregator that runs trimmed copies of other outlets' stories and daily "
        "agency-template reports (air quality, case counts).",
        "footer": "Asia Monitor aggregates news from agencies and partner sites.",
        "timezone": "Asia/Singapore",
    },
}

STORIES = (
    # --- wftl --------------------------------------------------------------------------------------
    outlet_story(
        "wftl",
        "Biden bans Russian oil imports, warns Americans of higher gas prices",
        "politics",
        "2022-03-08T12:20:00-05:00",
        paras("""
(WASHINGTON) — President Joe Biden on Tuesday announced a ban on imports of Russian oil, liquefied
natural gas and coal to the United States, calling it a blow against "Putin's war machine."

"We will not be part of subsidizing Putin's war," Biden said in remarks from the Roosevelt Room of
the White House, adding that the move had strong bipartisan support in Congress.

The president acknowledged that the ban would come at a cost for Americans already paying more at
the pump. "Defending freedom is going to cost," he said. "It's going to cost us as well, in the
United States."

Russian oil accounted for about 8% of U.S. imports of crude and petroleum products last year. The
United Kingdom announced on the same day that it would phase out Russian oil imports by the end of
the year, while the European Union, which is far more dependent on Russian energy, said it would cut
its gas purchases by two-thirds within a year.

The average price of a gallon of regular gasoline in the U.S. hit $4.17 on Tuesday, according to
AAA, surpassing the previous record set in 2008.
"""),
        byline="ABC News",
        images=(
            Image(
                src="/wp-content/uploads/2022/03/GettyImages-1239056112.jpg",
                alt="",
                caption="Drew Angerer/Getty Images",
                credit="Drew Angerer/Getty Images",
            ),
        ),
        dateline="WASHINGTON",
        credits=("ABC News",),
    ),
    outlet_story(
        "wftl",
        "Gas prices hit another record as national average tops $4.33",
        "business",
        "2022-03-11T09:05:00-05:00",
        paras("""
(NEW YORK) — The national average price for a gallon of regular gas climbed to another all-time high
of $4.33 on Friday, according to AAA, up 72 cents from a month ago.

California remains the most expensive state, with an average of $5.74 a gallon, while drivers in
Florida are paying an average of $4.29, the motor club said.

Analysts said prices could ease somewhat in the coming weeks after oil fell back from its highs
earlier in the week, but warned that any relief at the pump would lag behind the drop in crude.

"Prices go up like a rocket and come down like a feather," said one energy analyst. "Drivers
shouldn't expect $3 gas any time soon."
"""),
        byline="ABC News",
        images=(
            Image(
                src="/wp-content/uploads/2022/03/GettyImages-1239107750.jpg",
                alt="",
                caption="Justin Sullivan/Getty Images",
                credit="Justin Sullivan/Getty Images",
                caption_twice=True,
            ),
        ),
        dateline="NEW YORK",
        credits=("ABC News",),
    ),
    outlet_story(
        "wftl",
        "Ketanji Brown Jackson tells senators she decides cases 'without fear or favor'",
        "politics",
        "2022-03-21T18:40:00-04:00",
        paras("""
(WASHINGTON) — Judge Ketanji Brown Jackson, President Joe Biden's nominee to the Supreme Court, told
the Senate Judiciary Committee on Monday that she decides cases "from a neutral posture" and
"without fear or favor," as her confirmation hearings got underway.

Jackson, 51, would be the first Black woman to serve on the nation's highest court. She currently
sits on the U.S. Court of Appeals for the D.C. Circuit.

In her opening statement, she thanked her parents, both public school teachers, and her husband and
daughters, and paid tribute to Justice Stephen Breyer, for whom she once clerked and whose seat she
has been nominated to fill.

Republican senators signaled they would press her on her sentencing record as a district judge and
her work as a federal public defender, while Democrats praised her experience.

Questioning of the nominee begins Tuesday.
"""),
        byline="ABC News",
        dateline="WASHINGTON",
        credits=("ABC News",),
    ),
    outlet_story(
        "wftl",
        "Pfizer and BioNTech ask FDA to authorize second booster for older adults",
        "health",
        "2022-03-15T16:25:00-04:00",
        paras("""
(NEW YORK) — Pfizer and BioNTech on Tuesday asked the Food and Drug Administration to authorize a
second booster dose of their COVID-19 vaccine for adults 65 and older.

The companies pointed to data from Israel, where a fourth dose has been offered to older people
since January, which they said showed lower rates of infection and severe illness among those who
received it.

Public health experts are divided over whether a fourth shot is needed for everyone. Several said
protection against severe disease from three doses remained strong, but that older and
immunocompromised people could benefit as antibody levels wane.

Moderna is expected to submit its own request for a second booster in the coming days.
"""),
        byline="ABC News",
        images=(
            Image(
                src="/wp-content/uploads/2022/03/GettyImages-1237654401.jpg",
                alt="",
                caption="Joe Raedle/Getty Images",
                credit="Joe Raedle/Getty Images",
            ),
        ),
        dateline="NEW YORK",
        credits=("ABC News",),
    ),
    # --- herald ------------------------------------------------------------------------------------
    outlet_story(
        "herald",
        "England ends legal requirement to self-isolate after positive Covid test",
        "world",
        "2022-02-24T08:10:00+00:00",
        paras("""
People in England who test positive for Covid-19 are no longer legally required to self-isolate from
Thursday, as the last domestic restrictions under the government's pandemic rules came to an end.

Prime Minister Boris Johnson told MPs this week that it was time to move "from government
restrictions to personal responsibility", although official guidance still advises people with the
virus to stay at home for at least five days.

Free testing for the general public will end on April 1, a decision criticised by some scientists
and by opposition parties, who said it would leave the country blind to new variants.

Scotland, Wales and Northern Ireland, which set their own health rules, are moving more slowly.
"""),
        byline="Herald Staff",
    ),
    outlet_story(
        "herald",
        "Abramovich sanctioned by UK government, Chelsea sale frozen",
        "sports",
        "2022-03-10T11:45:00+00:00",
        paras("""
The British government has frozen the assets of Roman Abramovich, the Russian billionaire owner of
Chelsea Football Club, halting his planned sale of the club and throwing its immediate future into
doubt.

Abramovich was one of seven Russian businessmen sanctioned on Thursday, who the government said had
close links to the Kremlin. He has denied having such ties.

Under a special licence issued by the government, Chelsea will be allowed to fulfil its fixtures and
pay its staff, but it cannot sell new tickets or merchandise, or sign new players.

Abramovich, who bought the club in 2003 and oversaw the most successful period in its history,
announced last week that he intended to sell it and give the net proceeds to victims of the war in
Ukraine.

The Premier League said it had disqualified him as a director of the club.
"""),
        byline="Herald Sports Desk",
        images=(
            Image(
                src="/images/2022/03/stamford-bridge.jpg",
                alt="Stamford Bridge",
                caption="Stamford Bridge, Chelsea's home ground. Photo: PA",
                credit="PA",
            ),
        ),
    ),
    outlet_story(
        "herald",
        "Cargo ship carrying thousands of luxury cars sinks in the Atlantic",
        "world",
        "2022-03-02T14:05:00+00:00",
        paras("""
A cargo ship carrying about 4,000 cars, including Porsches, Bentleys and Lamborghinis, sank in the
Atlantic on Tuesday, almost two weeks after a fire broke out on board, its operator said.

The Felicity Ace went down about 220 nautical miles off the Azores while it was being towed. All 22
crew members had been rescued by the Portuguese navy shortly after the fire began on February 16.

The vessel had been on its way from Emden in Germany to Davisville, Rhode Island. Salvage experts
said lithium-ion batteries in electric vehicles on board had made the fire difficult to put out.

Portuguese authorities said they were monitoring the area for signs of pollution, but no significant
oil spill had been seen.
"""),
        byline="Herald Staff",
        credits=("Agencies",),
    ),
    # --- monitor -----------------------------------------------------------------------------------
    outlet_story(
        "monitor",
        "Hong Kong's Covid death toll climbs as Omicron overwhelms hospitals",
        "world",
        "2022-03-09T18:30:00+08:00",
        paras("""
Hong Kong reported more than 24,000 new Covid-19 infections and close to 200 deaths on Wednesday, as
the city's fifth wave of the pandemic continued to overwhelm hospitals, mortuaries and quarantine
facilities.

Most of those who have died were elderly people who had not been fully vaccinated, health officials
said. Hospitals have moved patients into car parks and tents, and refrigerated containers have been
brought in to store bodies.

Chief Executive Carrie Lam said plans for mandatory testing of all 7.4 million residents would not
go ahead until the outbreak had passed its peak.

Mainland China has sent medical teams and built temporary isolation facilities in the city.
"""),
        byline="Asia Monitor Desk",
        credits=("Reuters",),
    ),
    outlet_story(
        "monitor",
        "Conservative Yoon Suk-yeol wins South Korea's presidential election",
        "world",
        "2022-03-10T08:15:00+08:00",
        paras("""
Yoon Suk-yeol, a former prosecutor-general from the conservative opposition People Power Party, won
South Korea's presidential election by the narrowest margin in the country's democratic history,
defeating the ruling party's Lee Jae-myung.

With nearly all votes counted, Yoon had 48.6 per cent against Lee's 47.8 per cent, a gap of fewer
than 250,000 votes. Lee conceded early on Thursday.

Yoon, a political newcomer, has promised a tougher stance towards North Korea and closer ties with
the United States, and pledged to rein in soaring housing prices.

He will take office on May 10 for a single five-year term.
"""),
        byline="Asia Monitor Desk",
        images=(
            Image(
                src="/media/2022/03/yoon-suk-yeol.jpg",
                alt="Yoon Suk-yeol",
                caption="Yoon Suk-yeol. Photo: Yonhap",
                credit="Yonhap",
                alt_as_text=True,
            ),
        ),
        credits=("Yonhap",),
    ),
)
