"""Just Earth News: world stories that belong to no cluster (the seed's sidebar lives in jen_seed.py)."""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras, ts_src

STORIES = (
    jen(
        "Pakistan: Suicide bomber kills over 50 at Shia mosque in Peshawar during Friday prayers",
        "world",
        "2022-03-04T15:40:00+05:30",
        paras("""
Peshawar (JEN): At least 56 people were killed and nearly 200 others injured when a suicide bomber
blew himself up inside a Shia mosque in the old city of Peshawar during Friday prayers, officials in
Pakistan's Khyber Pakhtunkhwa province said.

The attacker first opened fire on the police guards posted at the entrance of the Kocha Risaldar
mosque in the crowded Qissa Khwani bazaar area, killing one of them, before entering the prayer hall
and detonating his explosives, city police chief Muhammad Ijaz Khan told reporters.

Television footage showed bloodied worshippers being carried out on shoulders and in rickshaws, and
debris scattered across the narrow lanes around the mosque. The Lady Reading Hospital declared an
emergency and appealed for blood donations.

"The hall was full. People were in the first prostration when the blast happened," one survivor,
whose brother was among those killed, told a local television channel from his hospital bed.

The Islamic State's regional affiliate later claimed responsibility for the attack in a statement
posted on its propaganda channels.

Prime Minister Imran Khan condemned the bombing and directed the authorities to provide the best
medical care to the injured. The attack was the deadliest in Pakistan since 2018.

The blast took place as Pakistan was hosting the Australian cricket team for its first Test tour of
the country in 24 years. The first Test was under way in Rawalpindi, about 190 km away, when the
news broke.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "peshawar-mosque-blast"),
                alt="Peshawar blast",
                caption="Image: Twitter/@SaleemMehsud",
                credit="Twitter/@SaleemMehsud",
                alt_as_text=True,
            ),
            Image(
                src=ts_src("world", "peshawar-hospital", "2022-03-04T15:40:00+05:30"),
                alt="",
                caption="Image: Twitter/@SaleemMehsud",
                credit="Twitter/@SaleemMehsud",
                after_paragraph=3,
                caption_twice=True,
                leak_filename=True,
            ),
        ),
        dateline="Peshawar",
        article_id=6191,
    ),
    jen(
        "Sri Lanka imposes seven-hour power cuts as forex crisis leaves it short of fuel",
        "world",
        "2022-03-02T19:25:00+05:30",
        paras("""
Colombo (JEN): Sri Lanka began daily power cuts of up to seven and a half hours on Wednesday as the
cash-strapped island nation ran short of foreign exchange to pay for fuel imports for its thermal
power plants.

The Public Utilities Commission of Sri Lanka said the outages had become unavoidable after the
state-run Ceylon Electricity Board told it that it could not secure enough diesel and fuel oil,
while low water levels had cut output from hydropower reservoirs.

Long queues have formed outside petrol stations across the country for several days, and some
bakeries and small businesses have shut because they cannot get cooking gas.

The country's usable foreign reserves had fallen to about USD 2.3 billion at the end of January,
barely enough to cover a month of imports, while it has about USD 7 billion of foreign debt
repayments due this year.

The government of President Gotabaya Rajapaksa has so far resisted calls from economists and the
opposition to seek a bailout from the International Monetary Fund, relying instead on credit lines
from India and China.

India last month extended a USD 500 million line of credit to Sri Lanka for the purchase of
petroleum products.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "sri-lanka-fuel-queue"),
                alt="Sri Lanka fuel queue",
                caption="Image: Unsplash/Nisal Dimuthu",
                credit="Unsplash/Nisal Dimuthu",
            ),
        ),
        dateline="Colombo",
        new=True,
    ),
    jen(
        "China Eastern plane with 132 people on board crashes in mountains of Guangxi",
        "world",
        "2022-03-21T18:20:00+05:30",
        paras("""
A China Eastern Airlines Boeing 737-800 carrying 132 people crashed in a mountainous area of
southern China's Guangxi Zhuang Autonomous Region on Monday, Chinese state media and the country's
aviation regulator said.

Flight MU5735 was flying from Kunming, the capital of Yunnan province, to the southern city of
Guangzhou when it lost contact over the city of Wuzhou, the Civil Aviation Administration of China
(CAAC) said. There were 123 passengers and nine crew members on board.

Flight tracking data showed the aircraft cruising at about 29,000 feet before it went into a steep
dive shortly after 2.20 pm local time. A video that circulated on Chinese social media, which could
not be independently verified, appeared to show a plane plunging almost vertically towards the
ground.

Rescue teams reached the crash site in Tengxian county, where the plane had set off a fire that
burnt part of a forested hillside. State broadcaster CCTV said no survivors had been found by
nightfall.

President Xi Jinping ordered an immediate investigation and called for every effort to be made in
the search and rescue. China Eastern grounded its fleet of 737-800 aircraft as a precaution.

It is the first fatal crash of a Chinese airliner since 2010.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "china-eastern-crash-site"),
                alt="China Eastern plane with 132 people on board crashes in mountains of Guangxi",
                caption="Image: Twitter/@CGTNOfficial",
                credit="Twitter/@CGTNOfficial",
                caption_twice=True,
            ),
        ),
        article_id=6304,
    ),
    jen(
        "Afghanistan: Taliban order girls' secondary schools to stay shut hours after reopening",
        "world",
        "2022-03-23T19:05:00+05:30",
        paras("""
Kabul (JEN): Afghanistan's Taliban rulers on Wednesday ordered secondary schools for girls to remain
closed, just hours after they had reopened for the first time since the group seized power in August
last year.

Girls above the sixth grade had returned to classrooms in Kabul and several provinces in the
morning, many of them in new uniforms, when teachers were told that a notice from the education
ministry had extended the closure until a new uniform policy was drawn up "in accordance with
Islamic law and Afghan tradition".

"We were so happy this morning. Then the teacher came in crying and told us to go home," a
15-year-old student in Kabul said.

The decision drew sharp criticism from the United Nations and from Western governments, which have
made girls' education one of the conditions for recognising the Taliban administration and for
releasing frozen Afghan assets.

The UN mission in Afghanistan said it deplored the announcement, while the special representative of
the United States for Afghan women, girls and human rights said it was "a betrayal" of commitments
made to the Afghan people.

The Taliban had repeatedly said that all girls would be allowed back to school at the start of the
new academic year on March 23.
"""),
        images=(
            Image(
                src=ts_src("world", "afghan-girls-school", "2022-03-23T19:05:00+05:30", 12),
                alt="Afghan girls",
                caption="Representational image: UNI",
                credit="UNI",
                leak_filename=True,
            ),
            Image(
                src=md5_src("news_pic", "kabul-school-gate"),
                alt="Photo courtesy: UNAMA",
                caption="Photo courtesy: UNAMA",
                credit="UNAMA",
                after_paragraph=4,
                caption_twice=True,
            ),
        ),
        dateline="Kabul",
        article_id=6318,
    ),
    jen(
        "Japan: Powerful earthquake off Fukushima kills four, leaves two million homes without power",
        "world",
        "2022-03-17T08:30:00+05:30",
        paras("""
Tokyo (JEN): A magnitude 7.4 earthquake struck off the coast of Fukushima in north-eastern Japan
late on Wednesday, killing at least four people, injuring more than 100 and cutting power to about
two million households, including hundreds of thousands in Tokyo.

The Japan Meteorological Agency issued a tsunami advisory for parts of the Fukushima and Miyagi
coasts, warning of waves of up to one metre, but lifted it early on Thursday after only small waves
were observed.

A Tohoku Shinkansen bullet train with about 75 people on board partially derailed between Fukushima
and Shiroishi-Zao stations. No one was hurt, the operator said, but services on the line were
suspended.

Tokyo Electric Power Company said no abnormalities had been found at the Fukushima Daiichi and Daini
nuclear plants, although a pump used to cool spent fuel at one of the Daini reactors briefly
stopped.

Prime Minister Fumio Kishida said the government would do everything it could to assess the damage
and help those affected.

The quake struck days after the 11th anniversary of the 2011 earthquake and tsunami, which killed
more than 18,000 people in the same region.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "fukushima-quake-2022"),
                alt="Japan earthquake",
                caption="Image: Unsplash/Jezael Melgoza",
                credit="Unsplash/Jezael Melgoza",
            ),
        ),
        dateline="Tokyo",
        new=True,
    ),
    jen(
        "Pakistan opposition moves no-confidence motion against Prime Minister Imran Khan",
        "world",
        "2022-03-08T20:40:00+05:30",
        paras("""
Islamabad (JEN): Pakistan's opposition parties on Tuesday submitted a no-confidence motion against
Prime Minister Imran Khan in the National Assembly, accusing his government of mismanaging the
economy and foreign policy.

Leaders of the Pakistan Democratic Movement, including Pakistan Muslim League-Nawaz president
Shehbaz Sharif, Pakistan Peoples Party co-chairman Asif Ali Zardari and Jamiat Ulema-e-Islam chief
Maulana Fazlur Rehman, announced the move at a joint press conference in the capital.

The motion, signed by 86 members, was handed to the National Assembly Secretariat along with a
requisition for a session of the house. Under the Constitution, the Speaker must summon the session
within 14 days.

The opposition needs the support of 172 members in the 342-seat house to remove Khan. It has been
courting the government's coalition partners and a group of dissident lawmakers from Khan's Pakistan
Tehreek-e-Insaf.

Khan, speaking at a rally in Punjab province hours earlier, said he was ready for the challenge and
predicted that the opposition would fail. "They will all be defeated, and after that, I will deal
with them," he said.

No prime minister in Pakistan's history has completed a full five-year term.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "imran-khan-no-confidence"),
                alt="Imran Khan",
                caption="Image: Twitter/@ImranKhanPTI",
                credit="Twitter/@ImranKhanPTI",
                alt_as_text=True,
            ),
        ),
        dateline="Islamabad",
        article_id=6240,
    ),
)
