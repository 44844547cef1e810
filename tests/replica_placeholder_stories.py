"""Placeholder story data for the replica tests, used only while `crawler/replica/stories/` is absent.

It mirrors the interface of the real stories package (ALL_STORIES, JEN_STORIES, OUTLET_STORIES,
SEED_STORY, OUTLETS) with the seed article and just enough other stories to exercise every template.
"""

from __future__ import annotations

from crawler.replica.model import Image, Story

_SEED_PARAGRAPHS = (
    "Kyiv (JEN): The second round of negotiations between Russia and Ukraine has ended with no major "
    "breakthrough, while both the sides have agreed on a tentative plan to create a humanitarian corridor to "
    "evacuate civilians safely.",
    "After the meeting, Ukraine's presidential adviser, Mykhailo Podolyak, said in a tweet that the second round "
    "of talks with Russia had ended but it didn’t deliver any results that Ukraine needed.",
    '"The second round of negotiations is over. Unfortunately, the results Ukraine needs are not yet achieved. '
    'There is a solution only for the organization of humanitarian corridors," Podolyak tweeted.',
    "The Russian and Ukrainian delegations on Thursday held several hours of negotiations on the Brest region of "
    "Belarus, for the second time in the last four days.",
    "The second round of 'peace talks', however, ended without a cease-fire agreement as the war continues to "
    "rage.",
    'Russian Foreign Minister Sergei Lavrov said Moscow will continue to insist that any peace agreement with '
    'Ukraine must include a promise that Kyiv will "demilitarize", and Russia has also signaled it wants to '
    'discuss Ukraine adopting a "neutral status" and agree to abandon its ambitions of joining the North '
    'Atlantic Treaty Organization (NATO) or the European Union (EU).',
    'On the other hand, Ukrainian negotiators said that Ukraine’s priorities in the talks were an "immediate '
    'cease-fire," an armistice and "humanitarian corridors for the evacuation of civilians", and Kyiv also '
    'wants Russia to withdraw all troops from Ukraine.',
    'When Russia said any peace agreement must include a point on Ukraine’s "demilitarization", Ukrainian '
    'President Volodymyr Zelenskyy on Thursday expressed no interest in demilitarizing and issued a warning to '
    'his Russian counterpart Vladimir Putin.',
    '"You will repay everything you did against Ukraine.....in full," Zelenskyy said in a televised news '
    'conference, adding that the country "will not forget those who perished."',
    "Meanwhile, the United Nations estimates that more than 10 million people may end up fleeing their homes in "
    "Ukraine if the Russian invasion continues.",
    '"We expect that more than 10 million people may flee their homes if violence continues, including four '
    'million people who may cross borders to neighbouring countries," UN Secretary General spokesperson '
    'Stephane Dujarric said in a statement.',
    "Meanwhile, praising Russian soldiers as heroes, Vladimir Putin Thursday said Russia's military operations "
    "in Ukraine were going according to plan.",
)

SEED_STORY = Story(
    outlet="justearthnews",
    slug="second-round-of-ukraine-russia-talks-end-with-no-cease-fire-kyiv-and-moscow-only-agree-to-"
    "humanitarian-corridors",
    headline="Second round of Ukraine-Russia talks end with no cease-fire, Kyiv and Moscow only agree to "
    "humanitarian corridors",
    section="people",
    published="2022-03-03T16:05:00+05:30",
    paragraphs=_SEED_PARAGRAPHS,
    images=(
        Image("/news_pic/2022/5d41402abc4b2a76b9719d911017c592.jpg", "Russia-Ukraine Negotiations", "Image: UNI",
              "UNI", 0, alt_as_text=True),
        Image("/world_pic/2022/ukraine-talks-stratcom-1646347542.jpg", "",
              "Image: Twitter/Stratcom Centre UA (@StratcomCentre)", "Twitter/Stratcom Centre UA (@StratcomCentre)",
              5, caption_twice=True, leak_filename=True),
        Image("/news_pic/2022/7d793037a0760186574b0282f2f435e7.jpg", "", "Image: UNI", "UNI", 7, caption_twice=True),
        Image("/news_pic/2022/9e107d9d372bb6826bd81d3542a419d6.jpg", "", "Image: UNI", "UNI", 10, caption_twice=True),
    ),
    dateline="Kyiv",
    credits=("UNI",),
    code="HC",
    article_id=6181,
    cluster="ukraine-talks-round-two",
    tags=("seed",),
)

_SIDEBAR = (
    ("Pakistan: Balochistan bomb blast leaves eight people, including 7 Levis personnel, injured",
     "2022-03-03T12:10:00+05:30"),
    ("Pakistan: Police kill three gunmen during encounter", "2022-03-03T11:00:00+05:30"),
    ("Pakistani politician survives blast inside Lower South Waziristan mosque", "2022-03-02T19:30:00+05:30"),
    ("Israel-Lebanon: IDF eliminates Hezbollah leader Abbas Hassan Karky", "2022-03-02T15:45:00+05:30"),
    ("Pakistan: Sick child dies during prolonged check by Pakistani forces", "2022-03-02T10:20:00+05:30"),
)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _filler_story(i: int, headline: str, published: str, section: str, style: str = "old",
                  tags: tuple[str, ...] = ()) -> Story:
    words = headline.split()
    paragraphs = tuple(
        f"Placeholder paragraph {k} of story {i}: {' '.join(words[k % len(words):])} reported on the day."
        for k in range(1, 5)
    )
    return Story(outlet="justearthnews", slug=_slug(headline), headline=headline, section=section,
                 published=published, paragraphs=paragraphs, address_style=style, code="HC",
                 article_id=6100 + i if style == "old" else None, tags=tags,
                 images=(Image(f"/news_pic/2022/placeholder{i}.jpg", headline, "Image: UNI", "UNI", 0),))


_SIDEBAR_STORIES = tuple(
    _filler_story(i, h, p, "world", tags=("seed-sidebar",)) for i, (h, p) in enumerate(_SIDEBAR, start=1)
)
_OTHER_HEADLINES = (
    "Delhi air quality remains poor for third day", "India beat Sri Lanka in Mohali Test",
    "Sensex climbs 500 points on banking gains", "Kolkata hosts book fair after two years",
    "Nepal monsoon forecast issued early", "Bangladesh opens new river port",
    "Assam floods displace thousands", "Mumbai metro line opens to commuters",
    "Chennai startup raises seed funding", "Sri Lanka fuel queues grow longer",
    "Kerala reports rise in dengue cases", "Bhutan reopens borders to tourists",
    "Hockey: India clinch series win", "Rupee slips against dollar",
)
_OTHERS = tuple(
    _filler_story(10 + i, h, f"2022-03-0{1 + (i % 3)}T{8 + i % 10:02d}:15:00+05:30",
                  ("india", "business", "sports", "world")[i % 4], "new" if i % 4 == 1 else "old")
    for i, h in enumerate(_OTHER_HEADLINES)
)

JEN_STORIES = (SEED_STORY, *_SIDEBAR_STORIES, *_OTHERS)


def _copy(outlet: str, slug: str, byline: str, published: str, first: str, dateline: str | None,
          cluster: str | None = "ukraine-talks-round-two", resembles: str | None = None) -> Story:
    return Story(outlet=outlet, slug=slug, headline="Second round of Russia-Ukraine peace talks ends",
                 section="world", published=published,
                 paragraphs=(first, *_SEED_PARAGRAPHS[1:9]), byline=byline, dateline=dateline,
                 credits=("ABC News",), cluster=cluster, resembles=resembles,
                 images=(Image(f"/img/{slug}.jpg", "Peace talks", "Getty Images", "Getty Images", 0),))


OUTLET_STORIES = {
    "wftl": (
        _copy("wftl", "peace-talks-resume-in-belarus", "ABC News", "2022-03-03T09:40:00-05:00",
              "(NEW YORK) — Peace talks resumed between Russia and Ukraine in Belarus on Thursday.", "NEW YORK"),
        _copy("wftl", "florida-weather-warm-week", "WFTL Staff", "2022-03-02T08:00:00-05:00",
              "Warm weather continues across South Florida this week.", None, cluster=None),
    ),
    "herald": (
        _copy("herald", "russia-ukraine-talks-corridors", "Herald Desk", "2022-03-03T20:00:00+05:30",
              "Brest: Russia and Ukraine agreed only on humanitarian corridors at their second meeting.", "Brest"),
    ),
    "monitor": (
        _copy("monitor", "ukraine-talks-analysis", "Monitor Staff", "2022-03-04T10:00:00+00:00",
              "Analysts say the second meeting in Belarus changed little on the ground.", None,
              cluster=None, resembles="ukraine-talks-round-two"),
    ),
}

OUTLETS = {
    "wftl": {"title": "850 WFTL", "description": "News radio for South Florida"},
    "herald": {"title": "The Daily Herald", "description": "A morning newspaper"},
    "monitor": {"title": "News Monitor", "description": "Headlines from everywhere"},
}

ALL_STORIES = (*JEN_STORIES, *(s for stories in OUTLET_STORIES.values() for s in stories))


def story_data() -> object:
    """The real story package once it exists, else this placeholder module."""
    import importlib
    import sys

    try:
        real = importlib.import_module("crawler.replica.stories")
    except ModuleNotFoundError as exc:
        if exc.name != "crawler.replica.stories":
            raise
        return sys.modules[__name__]
    # Until its __init__.py lands the directory is an empty namespace package.
    return real if hasattr(real, "SEED_STORY") else sys.modules[__name__]
