"""Agency-template series: daily Delhi air-quality reports and daily COVID-19 case counts.

REFERENCE.md §3 calls these the hardest negatives: different stories written from one fixed agency
template, sharing boilerplate sentences but not copies of each other. Every report here is built from
one of two templates with its own numbers, places and some sentences of its own; none is in a cluster,
each names its template in `resembles`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from replica.model import Image, Story
from replica.stories._build import jen, md5_src, outlet_story

AQI = "template-aqi"
COVID = "template-covid"


def _weekday(day: date) -> str:
    return day.strftime("%A")


def _category(aqi: int) -> str:
    bands = ((50, "good"), (100, "satisfactory"), (200, "moderate"), (300, "poor"), (400, "very poor"))
    for limit, name in bands:
        if aqi <= limit:
            return name
    return "severe"


@dataclass(frozen=True)
class AqiDay:
    """One day's figures for the air-quality template."""

    day: date
    time: str  # when the lede reading was taken
    aqi: int
    neighbours: tuple[tuple[str, int], ...]
    pm25: int
    pm10: int
    outlook: str  # SAFAR's outlook sentence, different every day
    tmin: float
    deviation: str  # "two notches below" ...
    humidity: int
    prev_aqi: int
    extra: tuple[str, ...] = ()  # sentences only this report has


def aqi_body(d: AqiDay, *, jen_dateline: bool) -> tuple[str, ...]:
    """The agency's air-quality template filled in for one day."""
    cat = _category(d.aqi)
    lede = (
        f"Delhi's air quality was recorded in the '{cat}' category on {_weekday(d.day)} morning, with the "
        f"overall air quality index (AQI) standing at {d.aqi} at {d.time}, according to the Central "
        "Pollution Control Board (CPCB)."
    )
    if jen_dateline:
        lede = "New Delhi (JEN): " + lede
    *first, last = d.neighbours
    cities = ", ".join(f"{name} {value}" for name, value in first) + f" and {last[0]} {last[1]}"
    body = [
        lede,
        "An AQI between zero and 50 is considered 'good', 51 and 100 'satisfactory', 101 and 200 "
        "'moderate', 201 and 300 'poor', 301 and 400 'very poor', and 401 and 500 'severe'.",
        f"In the neighbouring cities, the AQI stood at {cities}, the CPCB data showed.",
        "According to the System of Air Quality and Weather Forecasting and Research (SAFAR), the "
        f"concentration of PM2.5 was {d.pm25} micrograms per cubic metre and that of PM10 {d.pm10} "
        f"micrograms per cubic metre. {d.outlook}",
        f"The minimum temperature settled at {d.tmin} degrees Celsius, {d.deviation} the season's average, "
        f"while the relative humidity was {d.humidity} per cent at 8.30 am, the India Meteorological "
        "Department (IMD) said.",
        *d.extra,
        f"The city's 24-hour average AQI, recorded at 4 pm every day, was {d.prev_aqi} the previous day.",
    ]
    return tuple(body)


def _aqi_headline(d: AqiDay) -> str:
    cat = _category(d.aqi)
    if d.aqi < d.prev_aqi - 20:
        return f"Delhi's air quality improves to '{cat}', AQI at {d.aqi} on {_weekday(d.day)}"
    if d.aqi > d.prev_aqi + 20:
        return f"Delhi's air quality dips to '{cat}' category, AQI at {d.aqi}"
    return f"Delhi air quality remains '{cat}' with AQI at {d.aqi}"


AQI_DAYS = {
    "jen-0208": AqiDay(
        date(2022, 2, 8), "9 am", 262,
        (("Faridabad", 231), ("Ghaziabad", 248), ("Greater Noida", 204), ("Gurugram", 196), ("Noida", 227)),
        118, 209,
        "SAFAR said calm winds in the night had allowed pollutants to accumulate, and that air quality was "
        "likely to stay in the 'poor' category for the next two days.",
        7.4, "two notches below", 96, 229,
        ("Shallow fog cut visibility to 200 metres at Palam in the early hours, the weather office said.",),
    ),
    "jen-0215": AqiDay(
        date(2022, 2, 15), "10 am", 184,
        (("Ghaziabad", 172), ("Noida", 161), ("Gurugram", 143), ("Faridabad", 190)),
        71, 158,
        "Stronger north-westerly winds during the day are likely to help disperse pollutants, it said.",
        9.8, "one notch above", 81, 241,
        (
            "The Commission for Air Quality Management (CAQM) said the improvement was largely due to "
            "rain on Sunday night, which had washed out particulate matter across the region.",
            "Construction activity, which had been restricted last month, has resumed across the city.",
        ),
    ),
    "jen-0222": AqiDay(
        date(2022, 2, 22), "9 am", 221,
        (("Faridabad", 214), ("Gurugram", 187), ("Noida", 206), ("Ghaziabad", 233)),
        97, 188,
        "Air quality is likely to improve marginally but stay in the lower end of the 'poor' category on "
        "Wednesday, SAFAR forecast.",
        10.6, "normal for", 74, 205,
        (
            "Anand Vihar and Jahangirpuri were the most polluted monitoring stations in the city, both "
            "recording readings above 300.",
        ),
    ),
    "jen-0309": AqiDay(
        date(2022, 3, 9), "8 am", 168,
        (("Gurugram", 139), ("Noida", 152), ("Greater Noida", 121), ("Ghaziabad", 176), ("Faridabad", 163)),
        64, 171,
        "Dust raised by warm, dry winds from Rajasthan is expected to add to PM10 levels this week, SAFAR "
        "said.",
        15.2, "three notches above", 58, 187,
        (
            "The maximum temperature is expected to touch 31 degrees Celsius, the warmest so far this "
            "year, the IMD said.",
        ),
    ),
    "mon-0210": AqiDay(
        date(2022, 2, 10), "9 am", 289,
        (("Ghaziabad", 301), ("Noida", 268), ("Faridabad", 254), ("Gurugram", 219)),
        131, 236,
        "The share of stubble burning in PM2.5 is now negligible, and vehicle and industrial emissions are "
        "the main sources, SAFAR said.",
        6.9, "three notches below", 98, 261,
        ("Ghaziabad was the most polluted city in the region, the only one in the 'very poor' category.",),
    ),
    "mon-0224": AqiDay(
        date(2022, 2, 24), "10 am", 197,
        (("Noida", 188), ("Ghaziabad", 203), ("Gurugram", 161), ("Faridabad", 177), ("Sonipat", 149)),
        82, 176,
        "A western disturbance is likely to bring light rain to the region by the weekend, which could "
        "improve air quality further, SAFAR said.",
        11.3, "one notch above", 69, 214,
        (
            "Officials said the Graded Response Action Plan measures would stay in force till the end of "
            "the month despite the improvement.",
        ),
    ),
    "mon-0302": AqiDay(
        date(2022, 3, 2), "9 am", 233,
        (("Faridabad", 245), ("Noida", 219), ("Gurugram", 176), ("Ghaziabad", 238)),
        103, 197,
        "Moderate winds are expected to keep the air quality in the 'poor' to 'moderate' range till Friday.",
        12.1, "normal for", 77, 209,
        (
            "Delhi had recorded 'moderate' air quality on most days in the last week of February, the "
            "cleanest spell since October.",
            "Officials said water sprinkling on major roads would continue through March.",
        ),
    ),
}

_AQI_PHOTO = ("Image: UNI", "UNI")


def _aqi_jen(key: str, published: str, *, article_id: int | None, new: bool = False) -> Story:
    d = AQI_DAYS[key]
    return jen(
        _aqi_headline(d),
        "india",
        published,
        aqi_body(d, jen_dateline=True),
        images=(
            Image(
                src=md5_src("news_pic", f"delhi-smog-{key}"),
                alt="Delhi pollution",
                caption=_AQI_PHOTO[0],
                credit=_AQI_PHOTO[1],
                caption_twice=key.endswith(("08", "09")),
                alt_as_text=key.endswith("15"),
            ),
        ),
        dateline="New Delhi",
        credits=("PTI",),
        article_id=article_id,
        new=new,
        resembles=AQI,
    )


def _aqi_monitor(key: str, published: str) -> Story:
    d = AQI_DAYS[key]
    return outlet_story(
        "monitor",
        _aqi_headline(d),
        "india",
        published,
        aqi_body(d, jen_dateline=False),
        byline="Asia Monitor Desk",
        credits=("PTI",),
        resembles=AQI,
    )


AQI_REPORTS = (
    _aqi_jen("jen-0208", "2022-02-08T11:25:00+05:30", article_id=6021),
    _aqi_monitor("mon-0210", "2022-02-10T13:40:00+08:00"),
    _aqi_jen("jen-0215", "2022-02-15T12:10:00+05:30", article_id=None, new=True),
    _aqi_jen("jen-0222", "2022-02-22T11:05:00+05:30", article_id=6098),
    _aqi_monitor("mon-0224", "2022-02-24T14:15:00+08:00"),
    _aqi_monitor("mon-0302", "2022-03-02T13:20:00+08:00"),
    _aqi_jen("jen-0309", "2022-03-09T10:50:00+05:30", article_id=6247),
)


# --- COVID-19 daily count ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CovidDay:
    """One day's figures for the health-ministry case-count template."""

    day: date
    new: str
    total: str
    active: str
    deaths: str
    new_deaths: int
    active_pct: str
    recovery: str
    drop: str  # fall in active cases over 24 hours
    daily_pos: str
    weekly_pos: str
    recovered: str
    doses: str
    extra: tuple[str, ...] = ()


def covid_body(d: CovidDay, *, jen_dateline: bool) -> tuple[str, ...]:
    """The health-ministry case-count template filled in for one day."""
    lede = (
        f"India logged {d.new} new coronavirus infections in a span of 24 hours, taking the total tally of "
        f"COVID-19 cases to {d.total}, while the active cases declined to {d.active}, according to the "
        f"Union Health Ministry data updated on {_weekday(d.day)}."
    )
    if jen_dateline:
        lede = "New Delhi (JEN): " + lede
    return (
        lede,
        f"The death toll climbed to {d.deaths} with {d.new_deaths} fresh fatalities, the data updated at "
        "8 am showed.",
        f"The active cases comprise {d.active_pct} per cent of the total infections, while the national "
        f"COVID-19 recovery rate has increased to {d.recovery} per cent, the ministry said. A reduction of "
        f"{d.drop} cases has been recorded in the active COVID-19 caseload in a span of 24 hours.",
        f"The daily positivity rate was recorded at {d.daily_pos} per cent and the weekly positivity rate at "
        f"{d.weekly_pos} per cent, according to the ministry.",
        *d.extra,
        f"The number of people who have recuperated from the disease surged to {d.recovered}, the ministry "
        f"said, adding that the cumulative doses administered in the country so far under the nationwide "
        f"vaccination drive have exceeded {d.doses} crore.",
    )


COVID_DAYS = {
    "jen-0207": CovidDay(
        date(2022, 2, 7), "83,876", "4,22,72,014", "11,08,938", "5,02,874", 895, "2.62", "96.19",
        "1,18,238", "7.25", "10.25", "4,06,60,202", "169.63",
        (
            "Of the 895 new fatalities, 544 were reported from Kerala, which has been reconciling its "
            "death data on the basis of court directions and central guidelines, and 48 from Maharashtra.",
            "Kerala also reported the highest number of fresh infections in the country for the fourth "
            "straight day.",
        ),
    ),
    "mon-0214": CovidDay(
        date(2022, 2, 14), "34,113", "4,26,65,534", "4,78,882", "5,09,011", 346, "1.12", "97.68",
        "57,053", "3.19", "4.37", "4,16,77,641", "172.95",
        (
            "This is the first time in 42 days that fewer than 40,000 new infections have been reported in a "
            "day.",
        ),
    ),
    "jen-0221": CovidDay(
        date(2022, 2, 21), "16,051", "4,28,38,524", "2,02,131", "5,12,109", 206, "0.47", "98.33",
        "22,828", "1.93", "2.12", "4,21,24,284", "175.46",
        (
            "Several states, including Delhi and Maharashtra, have announced that they will ease curbs "
            "further as the third wave recedes, with schools and colleges reopening for in-person classes.",
        ),
    ),
    "mon-0228": CovidDay(
        date(2022, 2, 28), "8,013", "4,29,24,130", "1,02,601", "5,13,843", 119, "0.24", "98.57",
        "8,765", "1.11", "1.38", "4,23,07,686", "177.50",
        (
            "The daily count of new cases has remained below one lakh for 29 consecutive days.",
            "Kerala accounted for a little over a third of the new infections, the data showed.",
        ),
    ),
    "jen-0307": CovidDay(
        date(2022, 3, 7), "4,362", "4,29,67,315", "54,118", "5,15,102", 66, "0.13", "98.67",
        "5,913", "0.54", "0.65", "4,23,98,095", "179.33",
        (
            "The daily count of fresh cases fell below 5,000 for the first time in nearly two years, the "
            "data showed.",
        ),
    ),
    "mon-0314": CovidDay(
        date(2022, 3, 14), "2,503", "4,29,93,494", "36,168", "5,15,877", 27, "0.08", "98.72",
        "2,377", "0.47", "0.42", "4,24,41,449", "180.19",
        (
            "Over 5.7 lakh tests were conducted in the last 24 hours, taking the total number of samples "
            "examined so far to 78.1 crore, according to the Indian Council of Medical Research (ICMR).",
        ),
    ),
    "jen-0321": CovidDay(
        date(2022, 3, 21), "1,549", "4,30,09,390", "25,106", "5,16,510", 31, "0.06", "98.74",
        "1,139", "0.31", "0.28", "4,24,67,774", "181.24",
        (
            "The Centre has asked states to review and consider discontinuing the additional COVID-19 "
            "containment measures in view of the sustained decline in cases.",
            "Vaccination of children aged 12 to 14 years, which began on March 16, has crossed one crore "
            "first doses, the ministry said.",
        ),
    ),
}


def _covid_headline(d: CovidDay) -> str:
    return f"India logs {d.new} new COVID-19 cases, {d.new_deaths} deaths in 24 hours"


def _covid_jen(key: str, published: str, *, article_id: int | None, new: bool = False) -> Story:
    d = COVID_DAYS[key]
    # The desk reuses two stock pictures for the daily count; captions and their mangling differ.
    if key in ("jen-0207", "jen-0221"):
        image = Image(
            src=md5_src("news_pic", f"covid-vaccination-{key}"),
            alt="COVID-19 vaccination",
            caption="Representational image: Unsplash/Mufid Majnun",
            credit="Unsplash/Mufid Majnun",
            caption_twice=key == "jen-0221",
        )
    else:
        image = Image(
            src=md5_src("news_pic", f"covid-testing-{key}"),
            alt="Image: UNI",
            caption="Image: UNI",
            credit="UNI",
            caption_twice=True,
        )
    images = (image,)
    return jen(
        _covid_headline(d),
        "india",
        published,
        covid_body(d, jen_dateline=True),
        images=images,
        dateline="New Delhi",
        credits=("PTI",),
        article_id=article_id,
        new=new,
        resembles=COVID,
    )


def _covid_monitor(key: str, published: str) -> Story:
    d = COVID_DAYS[key]
    return outlet_story(
        "monitor",
        f"India reports {d.new} fresh COVID cases; active tally at {d.active}",
        "india",
        published,
        covid_body(d, jen_dateline=False),
        byline="Asia Monitor Desk",
        credits=("PTI",),
        resembles=COVID,
    )


COVID_REPORTS = (
    _covid_jen("jen-0207", "2022-02-07T10:40:00+05:30", article_id=6017),
    _covid_monitor("mon-0214", "2022-02-14T12:55:00+08:00"),
    _covid_jen("jen-0221", "2022-02-21T10:20:00+05:30", article_id=6089),
    _covid_monitor("mon-0228", "2022-02-28T12:35:00+08:00"),
    _covid_jen("jen-0307", "2022-03-07T10:35:00+05:30", article_id=None, new=True),
    _covid_monitor("mon-0314", "2022-03-14T12:45:00+08:00"),
    _covid_jen("jen-0321", "2022-03-21T10:15:00+05:30", article_id=6302),
)

STORIES = (*AQI_REPORTS, *COVID_REPORTS)
