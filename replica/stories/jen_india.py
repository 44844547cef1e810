"""Just Earth News: India stories outside any cluster or template series."""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras, ts_src

STORIES = (
    jen(
        "Indian student killed in shelling in Ukraine's Kharkiv, MEA confirms",
        "india",
        "2022-03-01T16:50:00+05:30",
        paras("""
New Delhi (JEN): An Indian medical student was killed in shelling in the Ukrainian city of Kharkiv
on Tuesday morning, the Ministry of External Affairs (MEA) said, the first confirmed death of an
Indian national since Russia began its military offensive last week.

The student, Naveen Shekharappa Gyanagoudar, a 21-year-old from Karnataka's Haveri district, was in
his fourth year at the Kharkiv National Medical University. Friends said he had stepped out of a
basement shelter to buy food and was standing in a queue outside a grocery store near the regional
government building when it was hit.

"With profound sorrow we confirm that an Indian student lost his life in shelling in Kharkiv this
morning. The Ministry is in touch with his family. We convey our deepest condolences to the family,"
MEA spokesperson Arindam Bagchi said in a tweet.

Foreign Secretary Harsh Vardhan Shringla called in the ambassadors of Russia and Ukraine to
reiterate India's demand for urgent safe passage for Indian nationals who remain in Kharkiv and
other cities in conflict zones.

Prime Minister Narendra Modi spoke to the student's father, Shekharappa Gyanagoudar, and expressed
his condolences, officials in Bengaluru said.

Karnataka Chief Minister Basavaraj Bommai said the state government would do all it could to bring
the body back home.

Naveen's family said he had spoken to them on the phone only hours earlier and told them that the
students in his hostel were running short of food and water. "He said they would try to reach the
railway station in the afternoon," a cousin told reporters at the family's home in Chalageri
village.

According to government estimates, about 4,000 Indians, most of them students, were still in Kharkiv
and the neighbouring city of Sumy, close to the Russian border, where heavy fighting has made
evacuation extremely difficult.

The Indian embassy in Kyiv later issued an urgent advisory asking all Indian nationals to leave
Kharkiv immediately, on foot if necessary, and head for the settlements of Pesochin, Babaye and
Bezlyudovka.
"""),
        images=(
            Image(
                src=ts_src("india", "naveen-kharkiv", "2022-03-01T16:50:00+05:30"),
                alt="Naveen Shekharappa",
                caption="Image: Twitter/@BSBommai",
                credit="Twitter/@BSBommai",
                alt_as_text=True,
                leak_filename=True,
            ),
            Image(
                src=md5_src("news_pic", "kharkiv-shelling-uni"),
                alt="",
                caption="Image: UNI",
                credit="UNI",
                after_paragraph=4,
                caption_twice=True,
            ),
            Image(
                src=md5_src("news_pic", "chalageri-family"),
                alt="",
                caption="Image: UNI",
                credit="UNI",
                after_paragraph=7,
                caption_twice=True,
            ),
        ),
        dateline="New Delhi",
        credits=("UNI",),
        article_id=6152,
    ),
    jen(
        "Operation Ganga: IAF C-17 aircraft join evacuation of Indians from Ukraine's neighbours",
        "india",
        "2022-03-02T11:15:00+05:30",
        paras("""
New Delhi (JEN): The Indian Air Force on Wednesday began flying its C-17 Globemaster heavy-lift
transport aircraft to Romania, Hungary and Poland to bring back Indian nationals who have crossed
over from Ukraine, adding to the civilian flights operating under Operation Ganga.

The first C-17 took off from the Hindon air base near Delhi in the early hours for Bucharest,
carrying humanitarian aid for Ukraine, and was expected to return with around 200 Indians, defence
officials said.

Union ministers Jyotiraditya Scindia, Kiren Rijiju, Hardeep Singh Puri and General V K Singh (retd)
have been sent to Romania and Moldova, Slovakia, Hungary and Poland respectively to coordinate the
evacuation on the ground.

The government said more than 8,000 Indians had left Ukraine since the first advisory was issued
last month, and that about 17,000 had crossed the Ukrainian border so far, while it was planning 26
flights over the next three days.

Parents who gathered at Delhi airport to receive their children said their relief was mixed with
worry for those still stranded in eastern Ukraine. "My son is home, but his room-mates are still in
a bunker in Sumy," said a father from Haryana.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "iaf-c17-operation-ganga"),
                alt="Operation Ganga",
                caption="Photo courtesy: Twitter/@IAF_MCC",
                credit="Twitter/@IAF_MCC",
                caption_twice=True,
            ),
        ),
        dateline="New Delhi",
        new=True,
    ),
    jen(
        "Assembly election results: BJP retains Uttar Pradesh, AAP sweeps Punjab",
        "india",
        "2022-03-10T21:30:00+05:30",
        paras("""
The Bharatiya Janata Party (BJP) on Thursday retained power in Uttar Pradesh with a comfortable
majority and won in Uttarakhand, Goa and Manipur, while the Aam Aadmi Party (AAP) swept Punjab,
dislodging the Congress in the only state it had governed on its own in north India.

In Uttar Pradesh, the BJP won 255 of the 403 seats and its allies another 18, according to the
Election Commission. Yogi Adityanath became the first chief minister in more than three decades to
return to power in the state after completing a full term.

The Samajwadi Party, led by former chief minister Akhilesh Yadav, improved its tally substantially
to 111 seats but fell well short of the majority mark. The Bahujan Samaj Party of Mayawati was
reduced to a single seat, and the Congress won two.

In Punjab, the AAP won 92 of the 117 seats. Its chief ministerial candidate Bhagwant Mann, a former
comedian and two-time member of Parliament from Sangrur, won his seat of Dhuri by a margin of more
than 58,000 votes.

Chief Minister Charanjit Singh Channi lost both the seats he contested, while former chief minister
Amarinder Singh, who had floated his own party after quitting the Congress, and Shiromani Akali Dal
patriarch Parkash Singh Badal were also defeated.

"This is a victory of the common man. The people of Punjab have done a revolution," AAP national
convenor and Delhi Chief Minister Arvind Kejriwal said at the party's headquarters.

In Uttarakhand, the BJP won 47 of the 70 seats, becoming the first party to retain power in the hill
state, although Chief Minister Pushkar Singh Dhami lost his own seat of Khatima.

The BJP won 20 seats in the 40-member Goa assembly, one short of a majority, and said it had the
support of independents and the Maharashtrawadi Gomantak Party. In Manipur, it won 32 of 60 seats on
its own.

Addressing party workers in New Delhi, Prime Minister Narendra Modi said the results were a verdict
in favour of the politics of development, and that some experts had said the 2019 results had been
decided by the 2017 results in Uttar Pradesh. "I believe the 2022 results have decided the 2024
results," he said.

Congress leader Rahul Gandhi said the party would learn from the verdict and continue working for
the people of India.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "election-results-2022-bjp"),
                alt="Assembly election results: BJP retains Uttar Pradesh, AAP sweeps Punjab",
                caption="Image: Twitter/@BJP4India",
                credit="Twitter/@BJP4India",
                alt_as_text=True,
            ),
            Image(
                src=md5_src("news_pic", "bhagwant-mann-celebration"),
                alt="Bhagwant Mann",
                caption="Photo courtesy: Twitter/@AamAadmiParty",
                credit="Twitter/@AamAadmiParty",
                after_paragraph=4,
            ),
            Image(
                src=md5_src("news_pic", "modi-bjp-headquarters"),
                alt="",
                caption="Image: UNI",
                credit="UNI",
                after_paragraph=8,
                caption_twice=True,
            ),
        ),
        article_id=6255,
    ),
    jen(
        "Karnataka High Court upholds ban on hijab in classrooms, says it is not essential to Islam",
        "india",
        "2022-03-15T12:45:00+05:30",
        paras("""
Bengaluru (JEN): The Karnataka High Court on Tuesday dismissed a batch of petitions by Muslim
students challenging a ban on the hijab in classrooms, holding that wearing the headscarf is not an
essential religious practice in Islam.

A three-judge bench headed by Chief Justice Ritu Raj Awasthi said the prescription of a school
uniform was a reasonable restriction that students could not object to, and upheld the state
government's order of February 5 that had empowered college development committees to set uniforms.

The petitions had been filed by students of a government pre-university college in Udupi who were
denied entry to their classes in January for wearing the hijab. The dispute spread to other
districts in the following weeks, and the state shut high schools and colleges for several days amid
protests.

Chief Minister Basavaraj Bommai appealed for calm and urged students to abide by the verdict and
return to classes. Prohibitory orders were imposed in Bengaluru, Udupi, Dakshina Kannada and several
other districts as a precaution.

Lawyers for the petitioners said they would move the Supreme Court against the judgment.
"""),
        images=(
            Image(
                src=ts_src("india", "karnataka-high-court", "2022-03-15T12:45:00+05:30", 3),
                alt="Karnataka High Court",
                caption="Image: Wikimedia Commons",
                credit="Wikimedia Commons",
                leak_filename=True,
                caption_twice=True,
            ),
        ),
        dateline="Bengaluru",
        article_id=6270,
    ),
    jen(
        "Holi celebrated with fervour across India as COVID curbs ease",
        "india",
        "2022-03-18T17:20:00+05:30",
        paras("""
Holi was celebrated with colour and music across the country on Friday, with crowds returning to
streets, temples and housing colonies after two years in which the festival was muted by the
COVID-19 pandemic.

In Mathura and Vrindavan, thousands of devotees thronged the Banke Bihari temple, while in Delhi and
Mumbai residents' associations organised rain dances and community lunches for the first time since
2019.

President Ram Nath Kovind and Prime Minister Narendra Modi greeted the people on the occasion, with
the Prime Minister wishing that the festival would bring "new energy" into everyone's lives.

Police in several cities stepped up checks against drunken driving, and the Delhi Metro suspended
services until 2.30 pm, as it does every year.

In West Bengal, the festival was marked as Basanta Utsav, with students in yellow singing the songs of
Rabindranath Tagore.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "holi-2022-vrindavan"),
                alt="Holi",
                caption="Image: Unsplash/Sandeep Singh",
                credit="Unsplash/Sandeep Singh",
                alt_as_text=True,
            ),
        ),
        new=True,
    ),
)
