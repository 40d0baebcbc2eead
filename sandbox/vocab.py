"""Topic vocabularies of the synthetic world: communities, their languages, sentences and tags.

Every community speaks a few languages. For each language it has sentence templates (with
``{slot}`` fillers), fillers, hashtags (the first ones are the community's core tags and
are used most) and bio lines. The niche communities overlap with the niche YAML files in
``config/niches`` on purpose but are *not* identical to them: they add morphological
variants and compounds ("Veganküche", "veganrecipes", "plantbasedrecipes"), hashtags in
other scripts (``#ღვინო``, ``#טבעוני``, ``#نباتي``, ``#грузинскоевино``) and everyday words
the YAML files never list, so a relevance scorer is tested on text it was not written for.

The off-niche communities (football, gaming, photography, local news) are noise: real
people, real engagement, wrong topic.

Nothing here is random; :mod:`creatorscout.sandbox.world` draws from these tables with
seeded generators. Changing a table changes the world of every seed (tests compare worlds
built in the same run, so that is fine, but keep the tables sorted as they are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Language:
    """Per-language text of one community."""

    sentences: tuple[str, ...]
    fillers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hashtags: tuple[str, ...] = ()
    bios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Community:
    """A topic community: who is in it, where they live, what they say."""

    name: str
    niche: bool
    weight: float
    languages: dict[str, float]
    instances: dict[str, float]
    emoji: tuple[str, ...]
    username_patterns: tuple[str, ...]
    text: dict[str, Language]
    bot_lines: tuple[str, ...]


INSTANCES: Final[tuple[str, ...]] = (
    "mastodon.social",
    "mastodon.online",
    "vegan.social",
    "fosstodon.org",
    "mstdn.social",
    "chaos.social",
)
"""The Mastodon servers of the world, in a fixed order (their index is used in ids)."""

NICHES: Final[tuple[str, ...]] = ("vegan-cooking", "georgian-wine", "b2b-martech")
"""The communities that have a niche definition in ``config/niches``."""


_VEGAN = Community(
    name="vegan-cooking",
    niche=True,
    weight=0.14,
    languages={"en": 0.50, "de": 0.25, "he": 0.12, "ar": 0.13},
    instances={
        "mastodon.social": 0.35, "vegan.social": 0.35, "mastodon.online": 0.15,
        "mstdn.social": 0.10, "chaos.social": 0.03, "fosstodon.org": 0.02,
    },
    emoji=("🌱", "🥑", "🌿", "🥕", "🍋"),
    username_patterns=(
        "{first}cooks", "plantbased{first}", "{first}_vegan", "vegan{last}", "{first}{last}",
        "{first}kitchen", "{First}{Last}", "{first}_eats_plants",
    ),
    text={
        "en": Language(
            sentences=(
                "Made {dish} tonight with {ingredient} and it was perfect.",
                "Meal prep Sunday: {dish}, {dish2} and a big batch of {ingredient}.",
                "New recipe on the blog: {dish}. Dairy-free, egg-free and ready in 30 minutes.",
                "Tip: press your tofu for 20 minutes before marinating and it soaks up "
                "everything.",
                "Is there anything better than {dish} on a cold evening?",
                "Trying a plant-based version of my grandmother's {dish}.",
                "Cheap vegan protein: lentils, chickpeas, tempeh & peanuts.",
                "Our community potluck had 14 different vegan dishes this week!",
                "Swapped the cream for {ingredient} in my {dish}. Nobody noticed.",
                "Vegan cooking for beginners: start with the dishes you already love.",
                "Weeknight win: {dish} in one pot, 25 minutes, zero dairy.",
                "Plant based baking tip: aquafaba whips up just like egg whites.",
            ),
            fillers={
                "dish": (
                    "red lentil dal", "chickpea curry", "smoky tempeh tacos",
                    "mushroom stroganoff", "cashew mac and cheese", "tofu scramble",
                    "black bean burgers", "miso ramen", "falafel wraps", "vegan lasagna",
                    "oat milk pancakes", "jackfruit 'pulled pork'", "lentil shepherd's pie",
                ),
                "ingredient": (
                    "tofu", "tempeh", "lentils", "chickpeas", "oat milk", "nutritional yeast",
                    "aquafaba", "seitan", "cashew cream", "smoked paprika",
                ),
            },
            hashtags=(
                "vegan", "VeganFood", "plantbased", "veganrecipes", "VeganCooking",
                "plantbasedrecipes", "dairyfree", "mealprep", "whatveganseat", "tofu",
                "govegan",
            ),
            bios=(
                "Plant-based recipe developer. Simple vegan food for busy people.",
                "Vegan chef & food writer. Tofu evangelist.",
                "Home cook sharing dairy-free family recipes.",
                "Cooking my way through every cuisine, plant based.",
                "Vegan since 2015. Lentils are my love language.",
            ),
        ),
        "de": Language(
            sentences=(
                "Heute gab es {dish} – komplett pflanzlich und super einfach.",
                "Neues Rezept: {dish}. Ohne Milch, ohne Ei, voller Geschmack.",
                "Meal Prep für die Woche: {dish} und eine große Portion {ingredient}.",
                "Tipp aus meiner Veganküche: Tofu vorher gut auspressen!",
                "Wer hat ein gutes Rezept für {dish}?",
                "Linsen sind einfach das beste Essen für kalte Tage.",
                "Vegan kochen muss nicht teuer sein: Linsen, Kichererbsen & Haferflocken.",
                "Sonntagsessen bei uns: {dish}, natürlich vegan.",
                "Statt Sahne einfach {ingredient} nehmen – klappt wunderbar.",
                "Pflanzliche Küche für Anfänger: fangt mit euren Lieblingsgerichten an.",
            ),
            fillers={
                "dish": (
                    "Linsen-Dal", "Kichererbsen-Curry", "Tofu-Gulasch", "Spätzle mit Pilzrahm",
                    "Seitan-Braten", "Kartoffelsuppe mit Räuchertofu", "Gemüselasagne",
                    "Rote-Bete-Burger", "Käsespätzle ohne Käse",
                ),
                "ingredient": (
                    "Räuchertofu", "Linsen", "Kichererbsen", "Haferdrink", "Hefeflocken",
                    "Tempeh", "Cashewmus",
                ),
            },
            hashtags=(
                "vegan", "VeganKochen", "Veganküche", "veganessen", "Rezept", "pflanzlich",
                "VeganerAlltag", "plantbased",
            ),
            bios=(
                "Ich koche vegan und teile meine Rezepte. Veganküche für jeden Tag.",
                "Pflanzliche Rezepte aus Berlin.",
                "Foodbloggerin, Kochbuchautorin, Linsenliebhaberin.",
                "Vegan kochen, einfach und günstig.",
            ),
        ),
        "he": Language(
            sentences=(
                "הכנתי היום {dish} – הכול טבעוני ויצא מושלם.",
                "מתכון חדש בבלוג: {dish}, בלי מוצרי חלב ובלי ביצים.",
                "טיפ: לסחוט את הטופו עשרים דקות לפני המרינדה.",
                "ארוחת שישי טבעונית: {dish} ו{dish2}.",
                "מי מכיר מסעדה טבעונית טובה בתל אביב?",
                "עדשים וחומוס הם החלבון הכי זול שיש.",
                "בישול טבעוני לא חייב להיות יקר או מסובך.",
                "החלפתי את השמנת ב{ingredient} ואף אחד לא הרגיש.",
            ),
            fillers={
                "dish": (
                    "שקשוקה", "מג'דרה", "קציצות עדשים", "חומוס ביתי", "פלאפל",
                    "מרק עדשים כתומות", "טופו בתנור", "סלט קינואה",
                ),
                "ingredient": ("טחינה", "חלב שיבולת שועל", "קרם קשיו", "טופו"),
            },
            hashtags=("טבעוני", "טבעונות", "מתכון", "אוכל_טבעוני", "veganisrael", "vegan"),
            bios=(
                "מבשלת טבעוני ומשתפת מתכונים פשוטים.",
                "שף טבעוני מתל אביב.",
                "מתכונים טבעוניים לכל המשפחה.",
            ),
        ),
        "ar": Language(
            sentences=(
                "حضّرت اليوم {dish}، والطبق نباتي بالكامل.",
                "وصفة جديدة: {dish} بدون حليب وبدون بيض.",
                "نصيحة: اعصروا التوفو قبل التتبيل بعشرين دقيقة.",
                "العدس والحمص أرخص مصدر للبروتين النباتي.",
                "هل لدى أحدكم وصفة نباتية سهلة للعشاء؟",
                "الطبخ النباتي ليس صعبًا ولا مكلفًا.",
                "غداء الجمعة عندنا: {dish} و{dish2}.",
            ),
            fillers={
                "dish": (
                    "مجدرة", "فلافل", "حمص بالطحينة", "شوربة عدس", "فتوش",
                    "مقلوبة بالخضار", "كبة البطاطا", "ملوخية",
                ),
            },
            hashtags=("نباتي", "طبخ_نباتي", "وصفات_نباتية", "نباتية", "vegan"),
            bios=(
                "أشارك وصفات نباتية سهلة من المطبخ العربي.",
                "طاهٍ نباتي من عمّان.",
                "طبخ نباتي للعائلة كل يوم.",
            ),
        ),
    },
    bot_lines=(
        "Daily vegan recipe #{n}: {dish}.",
        "Vegan tip of the day #{n}: cook a big pot of lentils on Sunday.",
    ),
)

_WINE = Community(
    name="georgian-wine",
    niche=True,
    weight=0.08,
    languages={"ka": 0.40, "en": 0.35, "ru": 0.25},
    instances={
        "mastodon.social": 0.45, "mastodon.online": 0.35, "mstdn.social": 0.15,
        "chaos.social": 0.05,
    },
    emoji=("🍷", "🍇", "🏺"),
    username_patterns=(
        "{first}_wine", "qvevri{first}", "{last}winery", "{first}{last}", "{first}_sommelier",
        "{First}Pours", "marani_{first}",
    ),
    text={
        "ka": Language(
            sentences=(
                "დღეს ქვევრის {grape} გავსინჯეთ – საოცარია.",
                "რთველი დაიწყო კახეთში! 🍇",
                "ჩვენს მარანში ახალი {grape} ჩამოვასხით.",
                "ქართული ღვინო რვა ათასი წლის ტრადიციაა.",
                "ქვევრის ღვინო ჩვენი კულტურის ნაწილია.",
                "ამაღამ {grape} და ხაჭაპური.",
                "ქარვისფერი ღვინო: ექვსი თვე ჭაჭაზე, ქვევრში.",
            ),
            fillers={
                "grape": ("საფერავი", "რქაწითელი", "მწვანე", "ქისი", "ალექსანდროული",
                          "ცოლიკოური"),
            },
            hashtags=("ღვინო", "ქვევრი", "საფერავი", "რთველი", "georgianwine", "მარანი"),
            bios=(
                "მეღვინე კახეთიდან. ქვევრის ღვინო.",
                "სომელიე თბილისში.",
                "ოჯახური მარანი იმერეთში.",
            ),
        ),
        "en": Language(
            sentences=(
                "Tasted a 2021 {grape} from a small qvevri producer in {region}. Deep, spicy, "
                "unforgettable.",
                "Amber wine 101: white grapes fermented on their skins in qvevri for months.",
                "Harvest (rtveli) has started in {region}! 🍇",
                "Pairing tonight: {grape} with khachapuri and grilled mushrooms.",
                "Natural wine fans, you need to try Georgian {grape}.",
                "Visited a marani in {region} today: 40 qvevri buried in the ground.",
                "Georgian wine & cheese night: {grape}, sulguni and walnuts.",
                "Why does {grape} age so well? Tannins, acidity and patience.",
            ),
            fillers={
                "grape": ("Saperavi", "Rkatsiteli", "Mtsvane", "Kisi", "Tsolikouri", "Chinuri",
                          "Aleksandrouli"),
                "region": ("Kakheti", "Imereti", "Racha", "Kartli", "Guria"),
            },
            hashtags=(
                "georgianwine", "qvevri", "saperavi", "amberwine", "naturalwine",
                "rkatsiteli", "kakheti", "winelover", "orangewine",
            ),
            bios=(
                "Sommelier. Georgian wine, qvevri and amber wine.",
                "Importing Georgian natural wine to the UK.",
                "Wine writer. Kakheti is my second home.",
            ),
        ),
        "ru": Language(
            sentences=(
                "Попробовали {grape} из квеври — глубокий, пряный вкус.",
                "В Кахетии начался ртвели! 🍇",
                "Грузинское вино — традиция, которой восемь тысяч лет.",
                "Янтарное вино из {grape}: полгода на мезге в квеври.",
                "Сегодня дегустация в Тбилиси: {grape}, {grape2} и чача.",
                "Лучшее сочетание: {grape} и хачапури.",
            ),
            fillers={
                "grape": ("саперави", "ркацители", "мцване", "киси", "цоликоури"),
            },
            hashtags=("грузинскоевино", "квеври", "вино", "саперави", "georgianwine"),
            bios=(
                "Сомелье из Тбилиси. Грузинское вино и квеври.",
                "Пишу о грузинском вине.",
            ),
        ),
    },
    bot_lines=("Wine of the day #{n}: {grape} from {region}.",),
)

_MARTECH = Community(
    name="b2b-martech",
    niche=True,
    weight=0.10,
    languages={"en": 0.65, "de": 0.35},
    instances={
        "mastodon.social": 0.45, "fosstodon.org": 0.25, "mstdn.social": 0.20,
        "mastodon.online": 0.10,
    },
    emoji=("📈", "📊", "🚀"),
    username_patterns=(
        "{first}{last}", "{first}_growth", "{first}ops", "martech{first}", "{First}{Last}",
        "{first}_b2b", "{last}_marketing",
    ),
    text={
        "en": Language(
            sentences=(
                "Hot take: most {topic} problems are really data quality problems.",
                "We cut our lead response time from 2 days to 40 minutes with better {tool} "
                "routing.",
                "Account-based marketing works when sales & marketing agree on the target "
                "list.",
                "Attribution models are opinions with math. Pick one and be consistent.",
                "Just published: our {topic} benchmark report for 2026.",
                "Your CRM is only as good as the last person who updated it.",
                "Webinar Thursday: scaling demand gen without burning the budget.",
                "Three things I'd fix first in any {topic} setup.",
                "B2B buyers do 70% of their research before they talk to sales. Plan for it.",
            ),
            fillers={
                "topic": ("marketing automation", "lead scoring", "attribution", "ABM",
                          "demand gen", "CRM hygiene", "pipeline reporting"),
                "tool": ("CRM", "marketing automation", "intent data", "lead scoring"),
            },
            hashtags=(
                "martech", "B2BMarketing", "marketingautomation", "demandgen", "ABM", "CRM",
                "leadgen", "revops", "b2b",
            ),
            bios=(
                "B2B marketer. Marketing automation, ABM, CRM.",
                "Demand gen lead at a SaaS company. Opinions my own.",
                "Martech analyst. I read the release notes so you don't have to.",
            ),
        ),
        "de": Language(
            sentences=(
                "Marketing-Automatisierung ist kein Projekt, sondern ein Prozess.",
                "Leadgenerierung im B2B: Qualität schlägt Quantität.",
                "Neuer Blogartikel: {topic} im Mittelstand.",
                "Unser CRM-Datenmodell nach drei Jahren: ein Rückblick.",
                "ABM funktioniert nur, wenn Vertrieb & Marketing zusammenarbeiten.",
                "Wie messt ihr Attribution im B2B? Ehrliche Antworten bitte.",
            ),
            fillers={
                "topic": ("Marketing-Automatisierung", "Leadgenerierung", "Attribution",
                          "Account-based Marketing", "CRM-Pflege"),
            },
            hashtags=("B2BMarketing", "Marketingautomatisierung", "Leadgenerierung", "martech",
                      "CRM", "Mittelstand"),
            bios=(
                "B2B-Marketing & Marketing-Automatisierung. Speaker.",
                "Ich helfe Mittelständlern bei Leadgenerierung und CRM.",
            ),
        ),
    },
    bot_lines=("Martech news digest #{n}: {topic} updates.",),
)

_FOOTBALL = Community(
    name="football",
    niche=False,
    weight=0.20,
    languages={"en": 0.45, "de": 0.25, "es": 0.15, "ar": 0.15},
    instances={
        "mastodon.social": 0.50, "mstdn.social": 0.25, "mastodon.online": 0.20,
        "chaos.social": 0.05,
    },
    emoji=("⚽", "🏟️"),
    username_patterns=("{first}{num}", "{first}_{last}", "{first}fc", "{last}{num}",
                       "{First}Ultra"),
    text={
        "en": Language(
            sentences=(
                "What a finish! {team} steal it in the 94th minute.",
                "Matchday! Come on {team}!",
                "That referee decision was a joke.",
                "Transfer rumours are out of control this summer.",
                "{team} need a new striker, simple as that.",
            ),
            fillers={"team": ("Riverside United", "FC Nordstadt", "Harbour City", "Eastvale")},
            hashtags=("football", "matchday", "soccer", "EPL"),
            bios=("Football, coffee and bad puns.", "Season ticket holder since 2004."),
        ),
        "de": Language(
            sentences=(
                "Was für ein Spiel! {team} dreht es in der Nachspielzeit.",
                "Heute Derby, Daumen drücken!",
                "Der Schiri hatte heute keinen guten Tag.",
            ),
            fillers={"team": ("FC Nordstadt", "Eintracht Südhafen", "SV Waldau")},
            hashtags=("Fußball", "Bundesliga", "matchday"),
            bios=("Fußballfan seit 1998.", "Kurve, Bier, Bratwurst."),
        ),
        "es": Language(
            sentences=(
                "¡Qué partido! {team} lo gana en el último minuto.",
                "Hoy hay clásico, ¡vamos!",
            ),
            fillers={"team": ("Atlético Sur", "Real Costa", "CD Montaña")},
            hashtags=("futbol", "LaLiga"),
            bios=("Fútbol y café.",),
        ),
        "ar": Language(
            sentences=("يا لها من مباراة! {team} يفوز في الدقيقة الأخيرة.", "اليوم يوم المباراة!"),
            fillers={"team": ("نادي الساحل", "نادي النجوم")},
            hashtags=("كرة_القدم", "football"),
            bios=("مشجع كرة قدم.",),
        ),
    },
    bot_lines=("Live score update #{n}: {team} 1-0.",),
)

_GAMING = Community(
    name="gaming",
    niche=False,
    weight=0.20,
    languages={"en": 0.55, "de": 0.25, "ru": 0.20},
    instances={
        "mastodon.social": 0.40, "mstdn.social": 0.20, "fosstodon.org": 0.15,
        "chaos.social": 0.15, "mastodon.online": 0.10,
    },
    emoji=("🎮", "👾", "🕹️"),
    username_patterns=("{first}plays", "{first}{num}", "xX{first}Xx", "{first}_gg",
                       "{First}{Last}"),
    text={
        "en": Language(
            sentences=(
                "Finally beat the last boss after 40 hours.",
                "Streaming some {game} tonight, come hang out!",
                "Indie game recommendation: {game}. Trust me.",
                "Patch notes just dropped and my build is ruined.",
                "Retro night: {game} on the old CRT.",
            ),
            fillers={"game": ("Hollow Star", "Farmstead Tales", "Neon Drift", "Deep Ruins")},
            hashtags=("gaming", "indiegames", "gamedev", "retrogaming", "SteamDeck"),
            bios=("I play games and sometimes make them.", "Cozy games & speedruns."),
        ),
        "de": Language(
            sentences=(
                "Heute Abend Koop-Runde in {game}, wer ist dabei?",
                "Endlich den Endboss geschafft!",
            ),
            fillers={"game": ("Neon Drift", "Hollow Star")},
            hashtags=("zocken", "gaming", "indiegames"),
            bios=("Zocke alles mit Pixeln.",),
        ),
        "ru": Language(
            sentences=("Наконец прошёл финального босса!", "Сегодня стрим по {game}."),
            fillers={"game": ("Neon Drift", "Deep Ruins")},
            hashtags=("игры", "gaming"),
            bios=("Играю и стримлю.",),
        ),
    },
    bot_lines=("Free game alert #{n}: {game}.",),
)

_PHOTO = Community(
    name="photography",
    niche=False,
    weight=0.16,
    languages={"en": 0.55, "de": 0.30, "he": 0.15},
    instances={
        "mastodon.social": 0.45, "mastodon.online": 0.20, "mstdn.social": 0.20,
        "chaos.social": 0.10, "fosstodon.org": 0.05,
    },
    emoji=("📷", "🎞️"),
    username_patterns=("{first}shoots", "{first}_photo", "{first}{last}", "{first}onfilm",
                       "{First}Photography"),
    text={
        "en": Language(
            sentences=(
                "Golden hour at the harbour. 35mm, f/2.",
                "Film is not dead: a roll of Portra from last weekend.",
                "Street photography is 90% patience.",
                "Fog over the river this morning.",
                "Black & white series from {place}.",
            ),
            fillers={"place": ("Lisbon", "Tbilisi", "Haifa", "Hamburg")},
            hashtags=("photography", "streetphotography", "filmphotography", "landscape",
                      "blackandwhite"),
            bios=("Photographer. Mostly streets, sometimes mountains.",
                  "Shooting film since 2009."),
        ),
        "de": Language(
            sentences=("Blaue Stunde am Hafen.", "Analog fotografiert: Ilford HP5."),
            hashtags=("Fotografie", "photography", "analog"),
            bios=("Fotograf aus Hamburg.",),
        ),
        "he": Language(
            sentences=("שעת הזהב בנמל יפו.", "צילום רחוב הוא בעיקר סבלנות."),
            hashtags=("צילום", "photography"),
            bios=("צלם רחוב מחיפה.",),
        ),
    },
    bot_lines=("Photo of the day #{n}.",),
)

_NEWS = Community(
    name="local-news",
    niche=False,
    weight=0.12,
    languages={"de": 0.30, "en": 0.25, "he": 0.12, "ar": 0.10, "ka": 0.12, "ru": 0.11},
    instances={
        "mastodon.social": 0.40, "chaos.social": 0.25, "mastodon.online": 0.20,
        "mstdn.social": 0.15,
    },
    emoji=("📰", "🗞️"),
    username_patterns=("{first}news", "{last}_reports", "{first}{last}", "{first}_local"),
    text={
        "en": Language(
            sentences=("Road works on the main bridge until Friday.",
                       "City council approves new bike lanes.",
                       "Heavy rain expected tonight, take care out there."),
            hashtags=("news", "localnews"),
            bios=("Local reporter.",),
        ),
        "de": Language(
            sentences=("Die Stadtbibliothek hat ab Montag länger geöffnet.",
                       "Stau auf der A100 nach einem Unfall.",
                       "Der Gemeinderat beschließt neue Radwege."),
            hashtags=("Berlin", "Nachrichten", "news"),
            bios=("Lokaljournalistin.", "Nachrichten aus dem Kiez."),
        ),
        "he": Language(
            sentences=("עבודות בכביש הראשי עד יום שישי.", "גשם כבד צפוי הלילה."),
            hashtags=("חדשות", "news"),
            bios=("כתב מקומי.",),
        ),
        "ar": Language(
            sentences=("إغلاق الطريق الرئيسي بسبب أعمال الصيانة.", "أمطار غزيرة متوقعة الليلة."),
            hashtags=("أخبار", "news"),
            bios=("صحفي محلي.",),
        ),
        "ka": Language(
            sentences=("თბილისში დღეს წვიმა იქნება.", "მთავარ ხიდზე სარემონტო სამუშაოებია."),
            hashtags=("თბილისი", "news"),
            bios=("ადგილობრივი ჟურნალისტი.",),
        ),
        "ru": Language(
            sentences=("В центре города перекрыли дорогу до пятницы.",
                       "Вечером ожидается сильный дождь."),
            hashtags=("новости", "news"),
            bios=("Городские новости.",),
        ),
    },
    bot_lines=("Traffic report #{n}: all clear.",),
)

COMMUNITIES: Final[tuple[Community, ...]] = (
    _VEGAN, _WINE, _MARTECH, _FOOTBALL, _GAMING, _PHOTO, _NEWS,
)
"""All communities; the index of a community in this tuple is its id in the world."""

COMMUNITY_INDEX: Final = MappingProxyType({c.name: i for i, c in enumerate(COMMUNITIES)})

CHATTER: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Good morning, everyone ☕", "Long week. Time for a walk.",
           "Anyone else still learning how the fediverse works?", "Rainy day, good book."),
    "de": ("Guten Morgen zusammen ☕", "Endlich Wochenende!", "Regen, Tee, Buch."),
    "he": ("בוקר טוב לכולם ☕", "סוף סוף סוף שבוע!"),
    "ar": ("صباح الخير للجميع ☕", "أخيرًا عطلة نهاية الأسبوع!"),
    "ka": ("დილა მშვიდობისა ყველას ☕", "როგორც იქნა, შაბათ-კვირაა!"),
    "ru": ("Всем доброе утро ☕", "Наконец-то выходные!"),
    "es": ("¡Buenos días a todos ☕", "¡Por fin fin de semana!"),
}
"""Off-topic small talk, by language: every person posts some."""

SPONSOR_MARKERS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("#ad", "#sponsored", "Paid partnership with {brand}.",
           "Ad: thanks to {brand} for sponsoring this post."),
    "de": ("Anzeige", "Werbung", "#werbung", "*Anzeige* in Kooperation mit {brand}."),
    "he": ("שיתוף פעולה בתשלום", "#פרסומת", "תוכן ממומן"),
    "ar": ("إعلان", "#إعلان", "محتوى مدفوع"),
    "ka": ("რეკლამა", "#რეკლამა"),
    "ru": ("Реклама", "#реклама"),
    "es": ("#publicidad", "Colaboración pagada con {brand}."),
}
"""How sponsored posts are marked, by language. A marker starting with ``#`` is a hashtag."""

BRANDS: Final[tuple[str, ...]] = (
    "GreenPantry", "OatHaus", "Kakheti Cellars", "FunnelForge", "LeadLoop", "PixelPeak",
)

REPLY_OPENERS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Totally agree!", "Great point.", "Thanks for sharing!", "Love this."),
    "de": ("Sehr gut!", "Danke fürs Teilen!", "Genau so."),
    "he": ("מסכימה לגמרי!", "תודה על השיתוף!"),
    "ar": ("أتفق تمامًا!", "شكرًا على المشاركة!"),
    "ka": ("სრულიად გეთანხმები!", "მადლობა!"),
    "ru": ("Полностью согласен!", "Спасибо, что поделились!"),
    "es": ("¡Totalmente de acuerdo!", "¡Gracias por compartir!"),
}

MEDIA_DESCRIPTIONS: Final[tuple[str, ...]] = (
    "A bowl of food on a wooden table.", "A glass of amber wine next to a clay jar.",
    "A chart going up and to the right.", "A street at dusk.", "A stadium full of fans.",
)

ALL_LANGUAGES: Final[tuple[str, ...]] = ("en", "de", "he", "ar", "ka", "ru", "es")
