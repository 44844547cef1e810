"""Cluster "uni-talks": the seed story, its copies on JEN and the other outlets, and hard negatives.

The seed (JEN, 3 Mar 2022 16:05 IST) is the earliest member and so the original. The copies differ
from it the ways REFERENCE.md §3 lists: another dateline and lede, the other translation of
Podolyak's
tweet, "Kyiv will demilitarize" -> "Ukraine will demilitarize", merged, dropped and trimmed
paragraphs,
Getty/agency photo credits. The negatives are the other outlets' own stories on the same talks.
"""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, outlet_story, paras, rework
from replica.stories.jen_seed import SEED_STORY

CLUSTER = "uni-talks"
SEED = SEED_STORY.paragraphs

# JEN ran the story again under the newer address style the next morning, lightly edited.
JEN_REPOST = jen(
    "Russia-Ukraine talks: No cease-fire after second round, sides agree only on humanitarian corridors",
    "world",
    "2022-03-04T09:30:00+05:30",
    rework(
        SEED,
        [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11],
        swaps=[
            ("negotiations on the Brest region", "negotiations in the Brest region"),
            ("Meanwhile, praising Russian soldiers", "Praising Russian soldiers"),
        ],
    ),
    images=(
        Image(
            src=md5_src("news_pic", "russia-ukraine-talks-repost"),
            alt=(
                "Russia-Ukraine talks: No cease-fire after second round, sides agree only on humanitarian "
                "corridors"
            ),
            caption="Photo courtesy: Twitter/@Podolyak_M",
            credit="Twitter/@Podolyak_M",
            alt_as_text=True,
        ),
        Image(
            src=md5_src("news_pic", "russia-ukraine-talks-repost-2"),
            alt="Image: UNI",
            caption="Image: UNI",
            credit="UNI",
            after_paragraph=6,
            caption_twice=True,
        ),
    ),
    dateline="Kyiv",
    credits=("UNI",),
    new=True,
    cluster=CLUSTER,
)

WFTL_COPY = outlet_story(
    "wftl",
    "Russia and Ukraine end second round of talks without cease-fire, agree on humanitarian corridors",
    "world",
    "2022-03-03T08:41:00-05:00",
    rework(
        SEED,
        [
            "(NEW YORK) — Peace talks resumed Thursday between Russia and Ukraine in Belarus, but the "
            "second round ended with no major breakthrough, while both sides agreed on a tentative plan "
            "to create humanitarian corridors to evacuate civilians safely.",
            1,
            '"The second round of negotiations is over. Unfortunately, the results Ukraine needs are not yet '
            'achieved. There are decisions only on the organisation of humanitarian corridors," Podolyak '
            "tweeted.",
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            "Russian President Vladimir Putin on Thursday praised Russian soldiers as heroes and said "
            "the military operations in Ukraine were going according to plan.",
        ],
        swaps=[
            ("Ukraine's presidential adviser", "Ukrainian presidential adviser"),
            ("delegations on Thursday held several hours of negotiations on the Brest region of Belarus, "
             "for the second time in the last four days",
             "delegations held several hours of negotiations Thursday in the Brest region of Belarus, "
             "their second meeting in four days"),
            ("The second round of 'peace talks', however,", "The talks, however,"),
            ('Kyiv will "demilitarize"', 'Ukraine will "demilitarize"'),
            (" or the European Union (EU)", ""),
            ("On the other hand, Ukrainian negotiators", "Ukrainian negotiators"),
            ("’", "'"),
            ("Ukraine.....in full", "Ukraine ... in full"),
            ("Meanwhile, the United Nations estimates", "The United Nations estimates"),
        ],
    ),
    byline="ABC News",
    images=(
        Image(
            src="/wp-content/uploads/2022/03/GettyImages-1238795123.jpg",
            alt="",
            caption="Maxim Guchek/BELTA/AFP via Getty Images",
            credit="Maxim Guchek/BELTA/AFP via Getty Images",
        ),
    ),
    dateline="NEW YORK",
    credits=("ABC News",),
    cluster=CLUSTER,
)

HERALD_COPY = outlet_story(
    "herald",
    "No ceasefire as Russia-Ukraine talks end; sides agree only on humanitarian corridors",
    "world",
    "2022-03-03T14:20:00+00:00",
    rework(
        SEED,
        [
            "The second round of negotiations between Russia and Ukraine ended on Thursday with no major "
            "breakthrough, although both sides agreed on a tentative plan to create humanitarian corridors "
            "to evacuate civilians safely, officials said.",
            (1, 2),
            3,
            5,
            6,
            (7, 8),
            9,
            10,
            "Both delegations said a third round of talks was expected in the coming days.",
        ],
        swaps=[
            ("After the meeting, Ukraine's presidential adviser, Mykhailo Podolyak, said in a tweet",
             "Mykhailo Podolyak, an adviser to Ukraine's president, said on Twitter"),
            ("didn’t deliver any results", "did not deliver the results"),
            ("organization of humanitarian corridors", "organisation of humanitarian corridors"),
            ("held several hours of negotiations on the Brest region of Belarus, for the second time in the "
             "last four days.",
             "held several hours of negotiations in the Brest region of Belarus, near the Polish border, for "
             "the second time in four days, while the war continued to rage."),
            ("demilitarize", "demilitarise"),
            ("signaled", "signalled"),
            ("cease-fire", "ceasefire"),
            ("Kyiv also wants Russia to withdraw all troops from Ukraine",
             "Kyiv also wants Russia to withdraw all of its troops from Ukrainian territory"),
            ('When Russia said any peace agreement must include a point on Ukraine’s "demilitarization", '
             "Ukrainian President",
             "Ukrainian President"),
            ("expressed no interest in demilitarizing", "ruled out any demilitarisation"),
            ("Meanwhile, the United Nations estimates", "The United Nations estimates"),
            ("Ukraine.....in full", "Ukraine ... in full"),
        ],
    ),
    byline="Herald Foreign Desk",
    images=(
        Image(
            src="/images/2022/03/belarus-talks-delegations.jpg",
            alt="Russian and Ukrainian delegations at the talks in Belarus",
            caption="The Russian and Ukrainian delegations in the Brest region. Photo: Anadolu Agency",
            credit="Anadolu Agency",
            caption_twice=True,
        ),
    ),
    credits=("Agencies",),
    cluster=CLUSTER,
)

MONITOR_COPY = outlet_story(
    "monitor",
    "Ukraine-Russia talks end with no cease-fire, only humanitarian corridors agreed",
    "world",
    "2022-03-03T21:10:00+08:00",
    rework(
        SEED,
        [0, 1, 2, 3, 4, 5],
        swaps=[("Kyiv (JEN): The second round", "The second round")],
    ),
    byline="Asia Monitor Desk",
    images=(
        Image(
            src="/media/2022/03/ukraine-talks.jpg",
            alt="Ukraine-Russia talks end with no cease-fire, only humanitarian corridors agreed",
            caption="Image: UNI",
            credit="UNI",
            alt_as_text=True,
        ),
    ),
    credits=("Just Earth News",),
    cluster=CLUSTER,
)

# --- Hard negatives: the same talks, the same people, written independently -------------------------

NEGATIVES = (
    outlet_story(
        "herald",
        "Inside the Belarus talks: a forest lodge, two delegations and still no ceasefire",
        "world",
        "2022-03-03T19:45:00+00:00",
        paras("""
They met at a hunting lodge in the Belovezhskaya Pushcha forest, a few kilometres from the Polish
frontier, and they talked for most of the afternoon. By nightfall on Thursday the Russian and
Ukrainian negotiators had something to show for it, but not the thing most people in Ukraine wanted:
a halt to the shelling.

What the two teams did agree on was narrower. Both said they would work towards safe routes out of
besieged towns for civilians, with a possible local pause in fighting along those routes while
people leave.

Vladimir Medinsky, the former culture minister who leads Moscow's team, told Russian television that
"substantial progress" had been made on the corridors. Mykhailo Podolyak, who sat on the Ukrainian
side of the table, was more guarded, writing afterwards that Kyiv had not got the results it needed.

The gap between the two positions was visible before the meeting started. In Moscow, foreign
minister Sergei Lavrov repeated that any settlement must leave Ukraine without offensive weapons and
outside Nato. In Kyiv, President Volodymyr Zelenskyy said his country would not accept ultimatums.

Diplomats in Brussels said they had low expectations. "Corridors are a humanitarian minimum, not a
peace process," one said. "The question is whether they hold for a single day."

A third meeting is pencilled in for early next week. Until then, the column of Russian armour north
of Kyiv remains where it was.
"""),
        byline="Elena Marsh in Warsaw",
        images=(
            Image(
                src="/images/2022/03/belovezhskaya-pushcha-lodge.jpg",
                alt="The lodge in Belovezhskaya Pushcha",
                caption="The venue of Thursday's talks. Photo: Reuters",
                credit="Reuters",
            ),
        ),
        resembles=CLUSTER,
    ),
    outlet_story(
        "wftl",
        "Zelenskyy tells Putin to meet him: 'I don't bite'",
        "world",
        "2022-03-03T13:05:00-05:00",
        paras("""
(LONDON) — Ukrainian President Volodymyr Zelenskyy on Thursday challenged Russian President Vladimir
Putin to sit down with him face to face, saying talks between their delegations alone would not end
the war.

"Sit down with me to negotiate, just not at 30 meters," Zelenskyy told reporters in Kyiv, in an
apparent reference to the long table at which Putin has received foreign leaders in recent weeks. "I
don't bite. What are you afraid of?"

Zelenskyy spoke hours after Ukrainian and Russian negotiators wrapped up a second meeting in
Belarus. He said any words from Russia had to be weighed against what its forces were doing on the
ground.

The Ukrainian leader also renewed his appeal to Western countries for military aircraft and for a
no-fly zone over Ukraine, a request NATO has so far rejected, saying it could draw the alliance into
a direct conflict with Russia.

"If you don't have the strength to close the sky, then give me planes," he said.

The Kremlin did not immediately respond to the offer of a meeting.
"""),
        byline="ABC News",
        images=(
            Image(
                src="/wp-content/uploads/2022/03/GettyImages-1238811640.jpg",
                alt="",
                caption="Ukrainian Presidential Press Office via Getty Images",
                credit="Ukrainian Presidential Press Office via Getty Images",
            ),
        ),
        dateline="LONDON",
        credits=("ABC News",),
        resembles=CLUSTER,
    ),
    outlet_story(
        "wftl",
        "Putin calls soldiers 'heroes,' says operation in Ukraine is 'going according to plan'",
        "world",
        "2022-03-03T11:52:00-05:00",
        paras("""
(MOSCOW) — Russian President Vladimir Putin on Thursday opened a televised meeting of his Security
Council by asking for a moment of silence for Russian troops killed in Ukraine, whom he called
heroes.

Putin insisted the "special military operation," as the Kremlin calls the invasion, was proceeding
on schedule and that Russian soldiers were fighting "to ensure peace" for the people of the Donbas.

He announced payments of 5 million rubles to the families of soldiers killed and 3 million rubles to
those wounded, and repeated the claim, rejected by Kyiv and the West, that Ukrainian "neo-Nazis"
were using civilians as human shields.

Russia's Defense Ministry said a day earlier that 498 Russian soldiers had been killed since the
start of the invasion, the first official casualty figure it had released. Ukrainian officials put
the number far higher.

Putin said he would "never give up" on the belief that Russians and Ukrainians are one people.
"""),
        byline="ABC News",
        images=(
            Image(
                src="/wp-content/uploads/2022/03/GettyImages-1238802211.jpg",
                alt="",
                caption="Mikhail Klimentyev/Sputnik/AFP via Getty Images",
                credit="Mikhail Klimentyev/Sputnik/AFP via Getty Images",
            ),
        ),
        dateline="MOSCOW",
        credits=("ABC News",),
        resembles=CLUSTER,
    ),
    outlet_story(
        "herald",
        "Lavrov: any deal must 'demilitarise' Ukraine as talks continue",
        "world",
        "2022-03-03T09:15:00+00:00",
        paras("""
Russia's foreign minister, Sergei Lavrov, used a combative interview with Arab and Russian
broadcasters on Thursday to set out Moscow's price for peace hours before its delegation sat down
with Ukrainian officials for a second time.

Lavrov said Russia would keep fighting until Ukraine was stripped of weapons that could threaten
Russia, and accused Western politicians of "thinking about nuclear war", remarks that drew an
immediate rebuke from several European capitals.

He said Moscow was ready to talk but that the military operation would go on regardless, and
insisted that Kyiv must recognise Crimea as Russian and accept the independence of the two
self-proclaimed republics in the east.

Ukrainian officials dismissed the remarks as propaganda. "They talk about peace in Belarus and bomb
Kharkiv at the same time," said one member of the Ukrainian team before boarding a helicopter to the
venue.

Western officials said they saw no sign that the Kremlin had softened its aims since the invasion
began a week ago.
"""),
        byline="Herald Diplomatic Staff",
        credits=("Reuters", "AFP"),
        resembles=CLUSTER,
    ),
    outlet_story(
        "monitor",
        "Macron fears 'worst is yet to come' after 90-minute call with Putin",
        "world",
        "2022-03-04T00:30:00+08:00",
        paras("""
French President Emmanuel Macron believes "the worst is yet to come" in Ukraine after a 90-minute
telephone conversation with Russian President Vladimir Putin on Thursday, an aide at the Elysee
Palace said.

Putin told Macron that Russia intended to achieve its goals in Ukraine "in any case", either through
negotiations or by force, according to the aide. The Kremlin's account of the call said the goals
included the "demilitarisation and neutral status" of Ukraine.

The call, initiated by Putin, came as Russian and Ukrainian delegations held a second round of talks
near the Belarus-Poland border, which yielded a preliminary deal on evacuation corridors for
civilians but no ceasefire.

Macron urged Putin to stop attacks on civilians and to protect Ukraine's nuclear power plants, the
aide said. Putin denied that Russian forces were targeting civilian areas.

The two leaders agreed to stay in contact.
"""),
        byline="Asia Monitor Desk",
        credits=("AFP",),
        resembles=CLUSTER,
    ),
)

STORIES = (JEN_REPOST, WFTL_COPY, HERALD_COPY, MONITOR_COPY, *NEGATIVES)
