"""Just Earth News: environment and entertainment stories outside any cluster."""

from __future__ import annotations

from replica.model import Image
from replica.stories._build import jen, md5_src, paras, ts_src

STORIES = (
    jen(
        "Heatwave grips north-west India in March, IMD warns of more hot days ahead",
        "environment",
        "2022-03-28T15:10:00+05:30",
        paras("""
Large parts of north-west and central India reeled under an early heatwave on Monday, with maximum
temperatures climbing to 40 degrees Celsius and above in Rajasthan, Gujarat and Madhya Pradesh,
weeks before the usual onset of summer.

The India Meteorological Department (IMD) said heatwave conditions were likely to continue over the
next four to five days and that there was no large change expected in temperatures.

Barmer in Rajasthan recorded the highest maximum temperature in the country at 42.9 degrees Celsius,
while Delhi's Safdarjung observatory recorded 38.7 degrees, seven notches above normal.

Parts of Himachal Pradesh and Jammu also recorded heatwave conditions, which are rare in the hills
at this time of the year.

Scientists attributed the unusual heat to the absence of western disturbances, which usually bring
rain and cooler air to north India in March, and to an anticyclone over the region.

Doctors advised people to avoid going out in the afternoon, drink plenty of water and watch out for
signs of heat exhaustion, especially among the elderly and children.

Farmers in Punjab and Haryana said the early heat could shrivel the wheat crop, which is in the
grain-filling stage and is sensitive to high temperatures.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "heatwave-march-2022"),
                alt="Heatwave",
                caption="Image: Unsplash/Vivek Doshi",
                credit="Unsplash/Vivek Doshi",
                alt_as_text=True,
                caption_twice=True,
            ),
        ),
        article_id=6330,
    ),
    jen(
        "Olive Ridley turtles arrive in lakhs for mass nesting at Odisha's Rushikulya",
        "environment",
        "2022-03-29T11:00:00+05:30",
        paras("""
Berhampur (JEN): Hundreds of thousands of Olive Ridley sea turtles have begun crawling ashore at the
Rushikulya rookery in Odisha's Ganjam district for their annual mass nesting, forest officials said
on Tuesday.

More than 2.5 lakh female turtles had laid eggs on the four-kilometre stretch of beach between
Podampeta and Purunabandha in the first three days of the arribada, as the phenomenon is known, said
Amlan Nayak, divisional forest officer of the Berhampur division.

The forest department has fenced off the nesting beach and deployed staff round the clock to keep
away stray dogs, jackals and predatory birds, and to stop people from disturbing the turtles.
Fishing within 20 km of the coast has been banned until May 31.

Volunteers from nearby villages have been helping the department count the turtles and protect the
nests.

The eggs are expected to hatch in about 45 days, after which the hatchlings will make their way to
the sea.
"""),
        images=(
            Image(
                src=ts_src("environment", "olive-ridley-rushikulya", "2022-03-29T11:00:00+05:30"),
                alt="Olive Ridley",
                caption="Photo courtesy: Odisha Forest Department",
                credit="Odisha Forest Department",
                leak_filename=True,
            ),
            Image(
                src=md5_src("news_pic", "rushikulya-beach"),
                alt="Olive Ridley turtles arrive in lakhs for mass nesting at Odisha's Rushikulya",
                caption="Photo courtesy: Odisha Forest Department",
                credit="Odisha Forest Department",
                after_paragraph=3,
                caption_twice=True,
            ),
        ),
        dateline="Berhampur",
        new=True,
    ),
    jen(
        "Gangubai Kathiawadi opens to Rs 10.5 crore, Alia Bhatt's biggest solo opener",
        "entertainment",
        "2022-02-26T15:30:00+05:30",
        paras("""
Mumbai (JEN): Sanjay Leela Bhansali's Gangubai Kathiawadi, starring Alia Bhatt in the title role,
collected Rs 10.5 crore at the domestic box office on its opening day on Friday, the highest for a
film led by the actor, trade analysts said.

The film, which released in theatres across the country as cinemas reopened at full capacity in most
states, is based on a chapter of S Hussain Zaidi's book Mafia Queens of Mumbai and tells the story
of a woman who rose to power in Kamathipura in the 1960s.

Trade analyst Taran Adarsh said the numbers were encouraging given that several states, including
Maharashtra, still had restrictions on the number of shows.

Critics have praised Bhatt's performance, with several calling it the best of her career, as well as
Bhansali's trademark grand sets. Ajay Devgn appears in an extended cameo as a don, Rahim Lala.

The makers expect collections to grow over the weekend.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "gangubai-kathiawadi-poster"),
                alt="Gangubai Kathiawadi",
                caption="Image: Twitter/@aliaa08",
                credit="Twitter/@aliaa08",
                alt_as_text=True,
            ),
        ),
        dateline="Mumbai",
        article_id=6126,
    ),
    jen(
        "Oscars 2022: CODA wins best picture as Will Smith's slap stuns the ceremony",
        "entertainment",
        "2022-03-28T11:40:00+05:30",
        paras("""
Los Angeles (JEN): CODA, a small film about the hearing daughter of a deaf family, won the Oscar for
best picture on Sunday night, but the 94th Academy Awards will be remembered for Will Smith walking
on stage and slapping presenter Chris Rock.

Rock, presenting the award for best documentary, had made a joke about the shaved head of Smith's
wife, Jada Pinkett Smith, who has spoken publicly about her hair loss. Smith then strode up from his
seat, struck Rock across the face and returned to shout profanities at him.

Less than an hour later, Smith won the best actor award for his role as Richard Williams, the father
of tennis champions Venus and Serena Williams, in King Richard. In a tearful acceptance speech, he
apologised to the Academy and his fellow nominees, but not to Rock.

Jessica Chastain won best actress for The Eyes of Tammy Faye, and Jane Campion was named best
director for The Power of the Dog. Troy Kotsur, who plays the father in CODA, became the first deaf
man to win an acting Oscar.

Indian documentary Writing With Fire, about a newspaper run by Dalit women in Uttar Pradesh, lost to
Summer of Soul in the best documentary feature category.

The Los Angeles Police Department said Rock had declined to file a complaint. The Academy later said
it condemned Smith's actions and had begun a formal review.

Dune won six awards, the most of any film on the night, mostly in technical categories.

Ariana DeBose won best supporting actress for West Side Story, becoming the first openly queer woman
of colour to win an acting Oscar.
"""),
        images=(
            Image(
                src=md5_src("news_pic", "oscars-2022-coda"),
                alt="Oscars 2022",
                caption="Image: Twitter/@TheAcademy",
                credit="Twitter/@TheAcademy",
                caption_twice=True,
                alt_as_text=True,
            ),
            Image(
                src=md5_src("news_pic", "will-smith-oscar"),
                alt="",
                caption="Image: Twitter/@TheAcademy",
                credit="Twitter/@TheAcademy",
                after_paragraph=3,
            ),
        ),
        dateline="Los Angeles",
        new=True,
    ),
)
