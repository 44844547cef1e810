"""The seed article (REFERENCE.md §1) and the five stories its page shows in the sidebar.

The seed's body is copied character for character from `/work/shared/seed/000_c63315699bf4d3ef.txt`
(curly apostrophes included); tests/test_replica_stories.py checks it against the file.
"""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras

SEED_SLUG = (
    "second-round-of-ukraine-russia-talks-end-with-no-cease-fire-kyiv-and-moscow-only-agree-to-"
    "humanitarian-corridors"
)

SEED_STORY = jen(
    "Second round of Ukraine-Russia talks end with no cease-fire, Kyiv and Moscow only agree to "
    "humanitarian corridors",
    "people",
    "2022-03-03T16:05:00+05:30",
    paras("""
Kyiv (JEN): The second round of negotiations between Russia and Ukraine has ended with no major
breakthrough, while both the sides have agreed on a tentative plan to create a humanitarian corridor
to evacuate civilians safely.

After the meeting, Ukraine's presidential adviser, Mykhailo Podolyak, said in a tweet that the
second round of talks with Russia had ended but it didn’t deliver any results that Ukraine needed.

"The second round of negotiations is over. Unfortunately, the results Ukraine needs are not yet
achieved. There is a solution only for the organization of humanitarian corridors," Podolyak
tweeted.

The Russian and Ukrainian delegations on Thursday held several hours of negotiations on the Brest
region of Belarus, for the second time in the last four days.

The second round of 'peace talks', however, ended without a cease-fire agreement as the war
continues to rage.

Russian Foreign Minister Sergei Lavrov said Moscow will continue to insist that any peace agreement
with Ukraine must include a promise that Kyiv will "demilitarize", and Russia has also signaled it
wants to discuss Ukraine adopting a "neutral status" and agree to abandon its ambitions of joining
the North Atlantic Treaty Organization (NATO) or the European Union (EU).

On the other hand, Ukrainian negotiators said that Ukraine’s priorities in the talks were an
"immediate cease-fire," an armistice and "humanitarian corridors for the evacuation of civilians",
and Kyiv also wants Russia to withdraw all troops from Ukraine.

When Russia said any peace agreement must include a point on Ukraine’s "demilitarization", Ukrainian
President Volodymyr Zelenskyy on Thursday expressed no interest in demilitarizing and issued a
warning to his Russian counterpart Vladimir Putin.

"You will repay everything you did against Ukraine.....in full," Zelenskyy said in a televised news
conference, adding that the country "will not forget those who perished."

Meanwhile, the United Nations estimates that more than 10 million people may end up fleeing their
homes in Ukraine if the Russian invasion continues.

"We expect that more than 10 million people may flee their homes if violence continues, including
four million people who may cross borders to neighbouring countries," UN Secretary General
spokesperson Stephane Dujarric said in a statement.

Meanwhile, praising Russian soldiers as heroes, Vladimir Putin Thursday said Russia's military
operations in Ukraine were going according to plan.
"""),
    images=(
        Image(
            src=md5_src("news_pic", "russia-ukraine-negotiations-6181"),
            alt="Russia-Ukraine Negotiations",
            caption="Image: UNI",
            credit="UNI",
            after_paragraph=0,
            alt_as_text=True,
        ),
        Image(
            src="/people_pic/2022/ukraine-russia-talks-1646347542.jpg",
            alt="",
            caption="Image: Twitter/Stratcom Centre UA (@StratcomCentre)",
            credit="Twitter/Stratcom Centre UA (@StratcomCentre)",
            after_paragraph=5,
            caption_twice=True,
            leak_filename=True,
        ),
        Image(
            src=md5_src("news_pic", "ukraine-talks-belarus-uni-2"),
            alt="",
            caption="Image: UNI",
            credit="UNI",
            after_paragraph=7,
            caption_twice=True,
        ),
        Image(
            src=md5_src("news_pic", "ukraine-refugees-uni-3"),
            alt="",
            caption="Image: UNI",
            credit="UNI",
            after_paragraph=10,
            caption_twice=True,
        ),
    ),
    dateline="Kyiv",
    credits=("UNI",),
    article_id=6181,
    code="HC",
    cluster="uni-talks",
    slug=SEED_SLUG,
)

SIDEBAR = "seed-sidebar"

# In the order the seed page lists them (newest first).
SIDEBAR_STORIES = (
    jen(
        "Pakistan: Balochistan bomb blast leaves eight people, including 7 Levis personnel, injured",
        "world",
        "2022-03-05T11:20:00+05:30",
        paras("""
Quetta (JEN): Eight people, seven of them personnel of the Levies force, were injured when a
remote-controlled bomb went off near their vehicle in Pakistan's restive Balochistan province on
Saturday morning, local officials said.

The explosive device had been planted on the roadside in the Sibi district and was detonated as the
Levies patrol passed on its way to a checkpost, Deputy Commissioner of the district told reporters.

The injured, including a civilian who was riding a motorcycle behind the patrol vehicle, were
shifted to the district headquarters hospital, where two of them were said to be in a critical
condition.

No group immediately claimed responsibility for the attack, though separatist outfits active in the
province have targeted security forces in the area several times this year.

Balochistan Chief Minister Mir Abdul Quddus Bizenjo condemned the blast and directed the authorities
to ensure the best possible treatment for the wounded.

Security forces cordoned off the area and launched a search operation, officials added.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "balochistan-blast-levies"),
                alt="Balochistan blast",
                caption="Representational image: Unsplash/Pixabay",
                credit="Unsplash/Pixabay",
                alt_as_text=True,
            ),
        ),
        dateline="Quetta",
        article_id=6197,
        tags=(SIDEBAR,),
    ),
    jen(
        "Pakistan: Police kill three gunmen during encounter",
        "world",
        "2022-03-05T09:40:00+05:30",
        paras("""
Peshawar (JEN): Police in Pakistan's Khyber Pakhtunkhwa province said they killed three suspected
militants in an exchange of fire in the Lakki Marwat district late on Friday.

According to a police spokesman, a team of the Counter Terrorism Department (CTD) raided a compound
on a tip-off that armed men were hiding there and planning an attack on a police station.

"The suspects opened fire on seeing the police, and three of them were killed in the retaliatory
firing," the spokesman said, adding that two others escaped under cover of darkness.

Weapons, hand grenades and ammunition were recovered from the compound, the police said.

The province has seen a rise in attacks on police personnel over the past few months, most of them
claimed by the banned Tehreek-e-Taliban Pakistan (TTP).
"""),
        images=(
            Image(
                src=md5_src("news_pic", "pakistan-police-encounter"),
                alt="Pakistan: Police kill three gunmen during encounter",
                caption="Image: Representational/Unsplash",
                credit="Unsplash",
            ),
        ),
        dateline="Peshawar",
        article_id=6195,
        tags=(SIDEBAR,),
    ),
    jen(
        "Pakistani politician survives blast inside Lower South Waziristan mosque",
        "world",
        "2022-03-04T20:15:00+05:30",
        paras("""
A local politician escaped unhurt when an improvised explosive device went off inside a mosque in
the Lower South Waziristan district of Pakistan's Khyber Pakhtunkhwa province on Friday, officials
said.

The politician, a former member of the provincial assembly, had just finished offering Friday
prayers in his home village near Wana when the device, hidden under a mat near the front row,
exploded.

Four worshippers, including one of his guards, suffered injuries and were taken to the Wana
hospital. Doctors said all of them were out of danger.

Police said the bomb appeared to have been set off by a timer and that a case had been registered
against unknown persons.

The blast came on the same day that a suicide bomber struck a Shia mosque in Peshawar during Friday
prayers, killing dozens of people.

Tribal elders in the district staged a protest outside the local press club in the evening,
demanding that the government restore security in the area, where targeted killings have increased
in recent months.

"We have buried our sons for twenty years. We will not let the old days come back," one of the
elders said.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "south-waziristan-mosque-blast"),
                alt="South Waziristan mosque",
                caption="Image: Twitter/@PakistanTodayPK",
                credit="Twitter/@PakistanTodayPK",
                caption_twice=True,
            ),
        ),
        article_id=6193,
        tags=(SIDEBAR,),
    ),
    jen(
        "Israel-Lebanon: IDF eliminates Hezbollah leader Abbas Hassan Karky",
        "world",
        "2022-03-04T14:30:00+05:30",
        paras("""
Jerusalem (JEN): The Israel Defense Forces (IDF) said on Friday it had killed Abbas Hassan Karky,
whom it described as a senior Hezbollah commander responsible for attacks on Israeli troops along
the border with Lebanon.

In a statement posted on its official Twitter handle, the IDF said Karky had been targeted in a
precision strike in southern Lebanon after months of intelligence work.

"Karky was responsible for planning and directing terror activity against Israeli civilians and
soldiers," the statement said.

Hezbollah did not immediately confirm the death. Lebanese media reported that a car had been hit on
a road outside Nabatieh, and that one person was killed.

The United Nations Interim Force in Lebanon (UNIFIL) urged both sides to exercise maximum restraint
and to avoid any step that could escalate tensions along the Blue Line.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "idf-hezbollah-karky"),
                alt="IDF",
                caption="Image: Twitter/@IDF",
                credit="Twitter/@IDF",
                alt_as_text=True,
            ),
            Image(
                src=md5_src("news_pic", "lebanon-border-unifil"),
                alt="Photo courtesy: UNIFIL",
                caption="Photo courtesy: UNIFIL",
                credit="UNIFIL",
                after_paragraph=4,
                caption_twice=True,
            ),
        ),
        dateline="Jerusalem",
        article_id=6192,
        tags=(SIDEBAR,),
    ),
    jen(
        "Pakistan: Sick child dies during prolonged check by Pakistani forces",
        "world",
        "2022-03-04T10:05:00+05:30",
        paras("""
Quetta (JEN): A seriously ill child died on the way to hospital after the vehicle carrying him was
held up for hours at a checkpoint of Pakistani security forces in Balochistan's Kech district, his
family and local activists alleged.

The four-year-old, who was suffering from a high fever and breathing difficulty, was being taken
from a village near Turbat to a hospital in the city late on Wednesday, relatives said.

"We begged them to let us go. We told them the child could not breathe. They kept checking our
papers and the car," the boy's uncle said in a video that was widely shared on social media.

Rights groups in the province said such prolonged checks had become routine for residents of the
district, and demanded an inquiry into the incident.

There was no official comment from the Frontier Corps.

Residents blocked the main road to Turbat for several hours on Thursday with the child's body, and
ended the protest only after the district administration promised an investigation.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "kech-protest-child"),
                alt="Protest in Kech",
                caption="Image: Twitter/@BalochYakjehtiC",
                credit="Twitter/@BalochYakjehtiC",
                after_paragraph=0,
                caption_twice=True,
            ),
        ),
        dateline="Quetta",
        article_id=6190,
        tags=(SIDEBAR,),
    ),
)
