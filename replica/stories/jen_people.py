"""Just Earth News: people stories (obituaries and profiles) outside any cluster."""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras, ts_src

STORIES = (
    jen(
        "Lata Mangeshkar, the Nightingale of India, passes away at 92",
        "people",
        "2022-02-06T13:15:00+05:30",
        paras("""
Mumbai (JEN): Legendary singer Lata Mangeshkar, whose voice defined Indian film music for more than
seven decades, died at a Mumbai hospital on Sunday morning. She was 92.

Mangeshkar had been admitted to the intensive care unit of Breach Candy Hospital on January 8 after
testing positive for COVID-19 and had also been treated for pneumonia. Her condition worsened on
Saturday and she was put back on ventilator support, doctors said.

"She passed away at 8.12 am due to multi-organ failure after more than 28 days of hospitalisation,"
Dr Pratit Samdani, who was treating her, told reporters.

Born in Indore in 1929 to the classical singer and theatre actor Deenanath Mangeshkar, she began
singing professionally at the age of 13 after her father's death, to support her family.

Over a career that began in the 1940s, she recorded thousands of songs in more than 30 languages,
lending her voice to generations of heroines, from Madhubala and Nargis to Madhuri Dixit and Kajol.

Her rendition of "Ae Mere Watan Ke Logon", a tribute to soldiers who died in the 1962 war with
China, is said to have moved then Prime Minister Jawaharlal Nehru to tears.

She was awarded the Bharat Ratna, the country's highest civilian honour, in 2001, and the Dadasaheb
Phalke Award in 1989.

Prime Minister Narendra Modi said he was anguished beyond words. "The kind and caring Lata Didi has
left us. She leaves a void in our nation that cannot be filled," he tweeted.

The government declared two days of national mourning, during which the national flag will fly at
half-mast. She was cremated with full state honours at Shivaji Park in the evening.
"""),
        images=(
            Image(
                src=ts_src("people", "lata-mangeshkar", "2022-02-06T13:15:00+05:30"),
                alt="Lata Mangeshkar",
                caption="Image: UNI",
                credit="UNI",
                alt_as_text=True,
                leak_filename=True,
            ),
            Image(
                src=md5_src("news_pic", "lata-shivaji-park-funeral"),
                alt="",
                caption="Image: UNI",
                credit="UNI",
                after_paragraph=5,
                caption_twice=True,
            ),
            Image(
                src=md5_src("news_pic", "lata-mangeshkar-archive"),
                alt="Photo courtesy: Twitter/@mangeshkarlata",
                caption="Photo courtesy: Twitter/@mangeshkarlata",
                credit="Twitter/@mangeshkarlata",
                after_paragraph=8,
            ),
        ),
        dateline="Mumbai",
        credits=("UNI",),
        article_id=6010,
    ),
    jen(
        "Bappi Lahiri, Bollywood's disco king, dies at 69",
        "people",
        "2022-02-16T10:45:00+05:30",
        paras("""
Mumbai (JEN): Singer and composer Bappi Lahiri, who brought disco to Hindi film music in the 1980s,
died at a hospital in Mumbai late on Tuesday night. He was 69.

Lahiri died of obstructive sleep apnoea at the CritiCare hospital in Juhu, where he had been
admitted a day after being discharged following a month-long stay, the hospital's director said.

Known for his gold chains, tinted glasses and velvet jackets, Lahiri composed hits such as "I Am a
Disco Dancer", "Jimmy Jimmy Aaja Aaja" and "Yaar Bina Chain Kahan Re", and had a late revival with
"Ooh La La" from The Dirty Picture in 2011.

Born Alokesh Lahiri in Jalpaiguri in West Bengal to a family of musicians, he composed his first
film score at the age of 19.

Tributes poured in from the film world. The Prime Minister said his music "encapsulated a wide range
of emotions" and that people across generations could relate to his work.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "bappi-lahiri"),
                alt="Bappi Lahiri, Bollywood's disco king, dies at 69",
                caption="Image: Twitter/@BappiLahiri",
                credit="Twitter/@BappiLahiri",
                alt_as_text=True,
            ),
        ),
        dateline="Mumbai",
        new=True,
    ),
    jen(
        "Rahul Bajaj, the industrialist who made Bajaj a household name, dies at 83",
        "people",
        "2022-02-12T19:40:00+05:30",
        paras("""
Pune (JEN): Veteran industrialist Rahul Bajaj, who steered the Bajaj group for more than five
decades and turned its scooters into a symbol of middle-class India, died in Pune on Saturday. He
was 83.

Bajaj had been suffering from pneumonia and a heart ailment and was being treated at the Ruby Hall
Clinic, the group said in a statement.

He took charge of Bajaj Auto in 1965, and under his leadership the company's Chetak scooter, sold
with the slogan "Hamara Bajaj", became so popular that buyers had to wait years for delivery in the
licence-raj era.

Known for speaking his mind, he often took on governments of the day over policy, and in 2019
publicly told Home Minister Amit Shah at an event that people were afraid to criticise the
government.

He was awarded the Padma Bhushan in 2001 and served as a member of the Rajya Sabha from 2006 to
2010. He stepped down as chairman of Bajaj Auto in April last year.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "rahul-bajaj"),
                alt="Rahul Bajaj",
                caption="Photo courtesy: Bajaj Group",
                credit="Bajaj Group",
                caption_twice=True,
            ),
        ),
        dateline="Pune",
        article_id=6051,
    ),
)
