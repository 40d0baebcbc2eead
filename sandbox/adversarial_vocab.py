"""What the adversarial world's people write (see docs/adversarial-world.md).

Written from the specification, not from the niche files or the detectors: niche posts use
the synonyms, inflections, compounds and clitic forms native writers use; look-alike
communities use the niches' surface strings with other meanings. Templates take ``{slot}``
fillers from :data:`FILLERS` (per language); a template's words are never chosen to match
or avoid a keyword list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class AdvCommunity:
    """One community of the adversarial world."""

    name: str
    kind: str  # niche | look-alike | noise
    languages: dict[str, float]  # language -> share of members writing it first
    median_followers: int
    population: float  # share of the world
    main_community: int
    """Index of the closest community of the main world (``vocab.COMMUNITIES``): other
    platforms' dialects use it to decide who has a presence there."""
    instances: tuple[int, ...]  # home servers (indices of ``vocab.INSTANCES``)
    sentences: dict[str, tuple[str, ...]]
    hashtags: dict[str, tuple[str, ...]]
    bios: dict[str, tuple[str, ...]]


FILLERS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "en": {
        "dish": ("lasagne", "curry", "ramen", "skillet shakshuka", "chili", "falafel bowl",
                 "dumplings", "shepherd's pie"),
        "legume": ("lentils", "chickpeas", "black beans", "split peas", "butter beans"),
        "protein": ("smoked tofu", "tempeh", "seitan", "crumbled tofu"),
        "veg": ("cauliflower", "sweet potato", "aubergine", "kale", "mushrooms"),
        "spice": ("za'atar", "smoked paprika", "cumin", "sumac"),
        "grain": ("bulgur", "brown rice", "couscous", "polenta"),
        "grape": ("Saperavi", "Rkatsiteli", "Mtsvane", "Kisi", "Tsolikouri", "Chinuri"),
        "region": ("Kakheti", "Imereti", "Racha", "Kartli"),
        "thing": ("CRM hygiene", "UTM discipline", "intent data", "the warehouse sync",
                  "buying-group mapping"),
        "lesson": ("audit every workflow first", "map lifecycle stages before fields",
                   "keep one source of truth for accounts"),
        "brand": ("Nordhafer", "Lumabrew", "Zestra", "Pantrio", "Vinoterra", "Leadflow"),
        "product": ("oat drink", "cast-iron pan", "spice box", "meal kit", "tasting set",
                    "analytics plan"),
        "team": ("United", "Rovers", "City", "Athletic"),
    },
    "de": {
        "dish": ("Linsencurry", "Kichererbsenpfanne", "Gemüselasagne", "Bohnenchili",
                 "Falafelteller", "Spätzle mit Pilzrahm"),
        "legume": ("Linsen", "Kichererbsen", "schwarzen Bohnen", "Erbsen"),
        "protein": ("Räuchertofu", "Tempeh", "Seitan"),
        "veg": ("Blumenkohl", "Süßkartoffeln", "Auberginen", "Grünkohl"),
        "grain": ("Bulgur", "Naturreis", "Polenta"),
        "thing": ("Datenqualität im CRM", "Intent-Daten", "das Buying Center"),
        "lesson": ("First-Touch unterschätzt lange Verkaufszyklen",
                   "W-förmige Modelle passen zu uns"),
        "brand": ("Nordhafer", "Lumabrew", "Zestra", "Pantrio", "Leadflow"),
        "product": ("Haferdrink", "Gusseisenpfanne", "Gewürzbox", "Kochbox"),
        "team": ("Borussia", "Eintracht", "Fortuna"),
    },
    "he": {
        "dish": ("שקשוקה", "מג'דרה", "חומוס ביתי", "פלאפל", "קציצות עדשים"),
        "legume": ("עדשים", "גרגרי חומוס", "שעועית שחורה", "אפונה"),
        "brand": ("נורדהפר", "זסטרה", "פנטריו"),
        "product": ("משקה שיבולת שועל", "מחבת", "קופסת תבלינים"),
    },
    "ar": {
        "dish": ("مجدرة", "فلافل", "حمص بالطحينة", "فتة", "كبة العدس"),
        "legume": ("العدس", "الحمص", "الفول", "الفاصوليا"),
        "brand": ("نوردهافر", "زسترا", "بانتريو"),
        "product": ("حليب الشوفان", "مقلاة", "علبة بهارات"),
    },
    "ka": {
        "grape": ("საფერავი", "რქაწითელი", "მწვანე", "ქისი", "ალექსანდროული"),
        "region": ("კახეთში", "იმერეთში", "რაჭაში"),
        "brand": ("ვინოტერა", "ზესტრა"),
        "product": ("სადეგუსტაციო ნაკრები", "ჭიქები"),
    },
    "ru": {
        "grape": ("саперави", "ркацители", "киси", "мцване"),
        "region": ("Кахетии", "Имерети", "Раче"),
        "brand": ("Винотерра", "Зестра", "Люмабрю"),
        "product": ("дегустационный набор", "бокалы", "кофемолку"),
        "team": ("Спартак", "Динамо", "Зенит"),
    },
}

SMALL_TALK: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Good morning, everyone!", "Rainy day here, staying in.", "Long week, glad it's "
           "Friday.", "Anyone else watching the eclipse tonight?", "Coffee first."),
    "de": ("Guten Morgen!", "Endlich Wochenende.", "Heute regnet es nur.",
           "Erst mal Kaffee."),
    "he": ("בוקר טוב לכולם!", "סוף סוף סוף שבוע.", "יום גשום היום."),
    "ar": ("صباح الخير للجميع!", "أخيرا عطلة نهاية الأسبوع.", "يوم ممطر اليوم."),
    "ka": ("დილა მშვიდობისა!", "დღეს წვიმს.", "როგორც იქნა შაბათია."),
    "ru": ("Всем доброе утро!", "Наконец-то выходные.", "Сегодня весь день дождь."),
}

DISCLOSED_ADS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("#ad {brand} sent me their new {product}, here is my honest take.",
           "Paid partnership with {brand}: the {product} I use every week.",
           "【PR】 {brand} {product}, first impressions.",
           "Sponsored: {brand} asked me to try the {product}.",
           "Loving this {product} from {brand}. #sponsored"),
    "de": ("Anzeige | {brand} hat mir die neue {product} geschickt.",
           "Werbung: Mit der {product} von {brand} koche ich jetzt jeden Tag.",
           "In Kooperation mit {brand}: meine Erfahrung mit der {product}.",
           "Meine neue {product} von {brand}. #anzeige"),
    "he": ("פרסומת | {brand} שלחו לי {product} חדש.",
           "שיתוף פעולה בתשלום עם {brand}: ה{product} שאני משתמשת בו."),
    "ar": ("إعلان | أرسلت لي {brand} {product} الجديد.",
           "محتوى مدفوع بالتعاون مع {brand}: تجربتي مع {product}."),
    "ka": ("რეკლამა | {brand}-მ გამომიგზავნა ახალი {product}.",),
    "ru": ("Реклама. {brand} прислали мне {product}, делюсь впечатлениями.",
           "Пробую {product} от {brand}. #реклама"),
}

UNDISCLOSED_ADS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Obsessed with the {product} from {brand}, link in bio.",
           "Code LENA15 gets you 15% off {brand} this week.",
           "Can't stop using my {brand} {product}. Go get one."),
    "de": ("Die {product} von {brand} ist der Hammer, Link in der Bio.",
           "Mit dem Code LENA15 spart ihr 15 % bei {brand}."),
    "he": ("מכורה ל{product} של {brand}, הקישור בביו.",),
    "ar": ("أحب {product} من {brand}، الرابط في البايو.",),
    "ka": ("{brand}-ის {product} საუკეთესოა, ბმული ბიოში.",),
    "ru": ("Обожаю {product} от {brand}, ссылка в профиле.",),
}

INNOCENT_DISCLOSURE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("This ad before every video is so annoying.", "I saw an ad for oat milk on the "
           "bus and laughed.", "New job: Head of PR at a small bakery!", "5k #PR today, "
           "finally under 25 minutes.", "Per aspera #ad astra."),
    "de": ("Ich arbeite in der Werbung, privat mag ich keine.", "Kein Rabattcode, kein "
           "Sponsoring, einfach eine Empfehlung.", "Diese Werbung im Radio nervt."),
    "he": ("ראיתי פרסומת מצחיקה בטלוויזיה.",),
    "ar": ("شاهدت إعلان غريب اليوم.",),
    "ka": ("ტელევიზორში რეკლამა ძალიან ბევრია.",),
    "ru": ("Реклама на ютубе уже надоела.",),
}

UNPAID_DISCLOSURES: Final[dict[str, tuple[str, ...]]] = {
    "de": ("Unbezahlte Werbung, weil ich {brand} einfach mag.",
           "Unbezahlte Werbung | meine liebste {product} von {brand}."),
}


def _c(**kwargs: object) -> AdvCommunity:
    return AdvCommunity(**kwargs)  # type: ignore[arg-type]


VEGAN: Final = _c(
    name="vegan-cooking", kind="niche", languages={"en": 0.45, "de": 0.25, "he": 0.15,
                                                   "ar": 0.15},
    median_followers=700, population=0.16, main_community=0, instances=(2, 0, 1),
    sentences={
        "en": ("Tonight's dinner: {dish} with {legume} and {veg}, completely plant-based.",
               "Batch-cooked {legume} stew for the week, dairy-free and egg-free.",
               "My grandmother's {dish}, veganised: {protein} instead of meat.",
               "Soaking {legume} overnight makes all the difference to the texture.",
               "Plant-forward weeknight idea: {veg} roasted with {spice}, over {grain}.",
               "Aquafaba meringues again: chickpea water whips like magic.",
               "Cashew cream sauce for the {dish}, nobody missed the cheese.",
               "Eating plants for five years now; {protein} is still my favourite."),
        "de": ("Heute gibt es {dish} mit {legume}, rein pflanzlich.",
               "Pflanzenküche für Faule: ein Eintopf aus {legume} für die ganze Woche.",
               "Ohne Tierprodukte und trotzdem cremig: Cashewsoße zu {dish}.",
               "Mein Lieblingsrezept für {dish}, komplett vegan und ohne Ei.",
               "{protein} scharf angebraten, dazu {veg} und {grain}.",
               "Rote Linsen muss man nicht einweichen, grüne schon.",
               "Pflanzliche Küche muss nicht teuer sein: {legume}, Reis, Gewürze."),
        "he": ("ארוחת ערב טבעונית: {dish} עם {legume}.",
               "בטבעונות אין צורך לוותר על טעם, הנה {dish} בלי ביצים ובלי חלב.",
               "המתכון של סבתא ל{dish}, בגרסה טבעונית.",
               "והטבעונים שבינינו יאהבו את ה{dish} הזה.",
               "השריתי {legume} כל הלילה והתבשיל יצא מושלם.",
               "מבשלים מהצומח: {dish} עם טופו מעושן."),
        "ar": ("عشاء نباتي اليوم: {dish} مع {legume}.",
               "وصفة {dish} بدون لحم وبدون ألبان.",
               "والنباتيون سيحبون هذا الطبق: {dish}.",
               "الحمص المنزلي أطيب من الجاهز، السر في نقع الحبوب ليلة كاملة.",
               "طبخ نباتي سهل: {legume} مع الأرز والبهارات."),
    },
    hashtags={"en": ("plantbased", "veganfood", "dairyfree", "meatlessmonday", "vegan"),
              "de": ("veganessen", "pflanzlich", "vegan", "rezepte"),
              "he": ("טבעוני", "טבעונות"), "ar": ("نباتي", "طبخ_نباتي")},
    bios={"en": ("Home cook feeding four on a budget.", "Plants on my plate since 2015.",
                 "Recipes from a tiny kitchen."),
          "de": ("Koche gern, esse lieber.", "Pflanzliche Familienküche aus Leipzig."),
          "he": ("מבשלת בבית, בלי מן החי.",), "ar": ("أطبخ في البيت، بدون لحوم.",)},
)

WINE: Final = _c(
    name="georgian-wine", kind="niche", languages={"ka": 0.4, "en": 0.35, "ru": 0.25},
    median_followers=900, population=0.10, main_community=1, instances=(0, 4, 1),
    sentences={
        "ka": ("ქვევრში დადუღებული {grape} ამ წელს განსაკუთრებულია.",
               "რთველი {region} დაიწყო, ყურძენი ტკბილია.",
               "საფერავის ახალი მოსავალი მარანში გავსინჯეთ.",
               "სუფრაზე {grape} და ქართული ყველი.",
               "ქვევრები გავრეცხეთ, რთველისთვის მზად ვართ."),
        "en": ("Opened a {grape} from a small marani in {region}, six months on skins in "
               "qvevri.", "Amber wine night: {grape} with walnuts and churchkhela.",
               "Rtveli in {region}: picking {grape} with the family this weekend.",
               "Qvevri cleaning season, beeswax and lime before the harvest.",
               "Tasting notes: {grape}, dried apricot, tannic grip, long finish."),
        "ru": ("Открыли {grape} из квеври, кахетинское в лучшем виде.",
               "Ртвели в {region}: собираем виноград всей семьёй.",
               "Дегустация: {grape}, курага, танины, долгое послевкусие.",
               "Янтарные вина Грузии стоит попробовать хотя бы раз.",
               "Марани в {region}: квеври закопаны в землю по горлышко."),
    },
    hashtags={"ka": ("ქართულიღვინო", "ქვევრი", "რთველი"),
              "en": ("georgianwine", "qvevri", "amberwine", "saperavi"),
              "ru": ("грузинскоевино", "квеври")},
    bios={"ka": ("მეღვინე კახეთიდან.", "ოჯახური მარანი."),
          "en": ("Sommelier. Tbilisi and the road east.", "I drink what my neighbours make."),
          "ru": ("Сомелье, живу в Тбилиси.",)},
)

MARTECH: Final = _c(
    name="b2b-martech", kind="niche", languages={"en": 0.7, "de": 0.3},
    median_followers=2000, population=0.12, main_community=2, instances=(3, 0, 1),
    sentences={
        "en": ("Our demand-gen pipeline doubled after we fixed {thing}.",
               "Multi-touch attribution is only as good as your {thing}.",
               "Account-based plays: tier your target accounts, then align SDR outreach.",
               "Moving between marketing automation platforms: {lesson}.",
               "Lead scoring that sales actually trusts starts with {thing}.",
               "Revenue operations tip: {lesson}."),
        "de": ("Nachfragegenerierung im B2B: {thing} entscheidet.",
               "Marketing-Automatisierung ohne sauberes CRM bringt nichts.",
               "Leadbewertung, der der Vertrieb vertraut, beginnt mit {thing}.",
               "Unsere Attributionsmodelle im Vergleich: {lesson}."),
    },
    hashtags={"en": ("b2bmarketing", "demandgen", "martech", "abm", "revops"),
              "de": ("b2bmarketing", "marketingautomation", "revops")},
    bios={"en": ("Growth at a SaaS company. Opinions mine.", "Ops nerd, pipeline first."),
          "de": ("Marketing in einem Softwarehaus.",)},
)

OPTICIANS: Final = _c(
    name="opticians", kind="look-alike", languages={"de": 0.7, "en": 0.3},
    median_followers=3000, population=0.07, main_community=6, instances=(0, 5),
    sentences={
        "de": ("Neue Kontaktlinsen eingetroffen: Tageslinsen und Monatslinsen vorrätig.",
               "Sehtest gratis diese Woche, Brillengläser mit Entspiegelung.",
               "Welche Linsen passen zu trockenen Augen? Wir beraten Sie gern.",
               "Gleitsichtgläser richtig eingewöhnen: unsere Tipps."),
        "en": ("New contact lenses in stock: daily and monthly lenses.",
               "Free eye test this week, varifocal lenses fitted in store.",
               "Blue-light lenses: worth it or not?"),
    },
    hashtags={"de": ("optiker", "kontaktlinsen", "brille"), "en": ("eyecare", "optician")},
    bios={"de": ("Ihr Optiker in der Altstadt.",), "en": ("Independent opticians.",)},
)

PHARMACIES: Final = _c(
    name="pharmacies", kind="look-alike",
    languages={"de": 0.4, "en": 0.2, "he": 0.2, "ar": 0.2},
    median_followers=4000, population=0.08, main_community=6, instances=(0, 4),
    sentences={
        "de": ("Rezeptpflichtige Medikamente nur gegen Vorlage des Rezepts.",
               "E-Rezept einlösen geht jetzt auch per App.",
               "Notdienst heute: Apotheke am Markt bis 22 Uhr.",
               "Ihr Rezept liegt zur Abholung bereit."),
        "en": ("Prescription refills ready for pickup after 3pm.",
               "Flu shots available without an appointment."),
        "he": ("המתכונת החדשה של טופסי המרשם נכנסת לתוקף.",
               "בהצלחה לכל התלמידים במתכונת באנגלית!",
               "בית המרקחת פתוח עד חצות."),
        "ar": ("صيدلية مناوبة في مدينة حمص الليلة.",
               "وصفة طبية مطلوبة لهذا الدواء.",
               "أخبار حمص: افتتاح صيدلية جديدة."),
    },
    hashtags={"de": ("apotheke", "erezept"), "en": ("pharmacy",),
              "he": ("בית_מרקחת",), "ar": ("صيدلية", "حمص")},
    bios={"de": ("Apotheke am Markt.",), "en": ("Your local pharmacy.",),
          "he": ("בית מרקחת שכונתי.",), "ar": ("صيدلية في حمص.",)},
)

PUBS: Final = _c(
    name="pubs", kind="look-alike", languages={"en": 0.5, "de": 0.25, "ru": 0.25},
    median_followers=4000, population=0.08, main_community=6, instances=(0, 1),
    sentences={
        "en": ("Pub quiz tonight at 8, winners get a bottle from our wine list.",
               "New IPA on tap, and the house red is back.",
               "Sunday roast and a pint, booking recommended.",
               "Live music Friday, the wine bar upstairs opens at 6."),
        "de": ("Heute Kneipenquiz, der Hauswein ist im Angebot.",
               "Frisch gezapft: unser neues Helles."),
        "ru": ("Я не виновата, что бар закрылся так рано!",
               "В винном баре сегодня живая музыка.",
               "Пиво по акции до полуночи.",
               "Вина не моя, просто такси не приехало."),
    },
    hashtags={"en": ("pubquiz", "craftbeer"), "de": ("kneipe",), "ru": ("бар", "винныйбар")},
    bios={"en": ("The Crown & Anchor, since 1887.",), "de": ("Eckkneipe mit Herz.",),
          "ru": ("Бар на Руставели.",)},
)

PR_AGENCIES: Final = _c(
    name="pr-agencies", kind="look-alike", languages={"en": 0.65, "de": 0.35},
    median_followers=15000, population=0.08, main_community=2, instances=(0, 1),
    sentences={
        "en": ("We're hiring: Head of PR for our consumer brands team.",
               "Proud of our PR campaign shortlisted at the awards.",
               "Press release writing workshop next week.",
               "Launch day for our client's new sneaker line, coverage is rolling in.",
               "Campaign recap: reach, share of voice and earned media."),
        "de": ("Ich arbeite seit zehn Jahren in der Werbung und liebe es immer noch.",
               "Unsere Agentur sucht eine PR-Beraterin.",
               "Pressearbeit für Konsumgüter: unser Kampagnenrückblick."),
    },
    hashtags={"en": ("pr", "publicrelations", "agencylife"), "de": ("werbeagentur", "pr")},
    bios={"en": ("Award-winning consumer PR agency.",), "de": ("Agentur für Kommunikation.",)},
)

RUNNERS: Final = _c(
    name="runners", kind="look-alike", languages={"en": 0.65, "de": 0.35},
    median_followers=600, population=0.09, main_community=3, instances=(0, 4),
    sentences={
        "en": ("New 5k PR this morning! 21:43, negative splits.",
               "Half marathon done, #PR by two minutes.",
               "Long run Sunday, 28 km at an easy pace.",
               "Track session: 6x800m, felt strong."),
        "de": ("Neue PB über 10 km! #PR",
               "Intervalltraining am Morgen, 8x400m.",
               "Langer Lauf am Sonntag, 25 km locker."),
    },
    hashtags={"en": ("running", "marathon", "pr"), "de": ("laufen", "pr")},
    bios={"en": ("Slow runner, fast talker.",), "de": ("Läuft.",)},
)

GEORGIAN_LIFE: Final = _c(
    name="georgian-life", kind="look-alike", languages={"ka": 0.65, "ru": 0.35},
    median_followers=1500, population=0.07, main_community=6, instances=(0, 4),
    sentences={
        "ka": ("ღვინობისთვის ბოლოს ქალაქში ფესტივალი იქნება.",
               "ბატონი ღვინიაშვილი არჩევნებში მონაწილეობს.",
               "თბილისში მეტრო დღეს ნაადრევად დაიკეტება.",
               "ამინდი: ღვინობისთვის პირველ კვირას წვიმაა მოსალოდნელი."),
        "ru": ("Пробка на Кахетинском шоссе, объезжайте через центр.",
               "Я не виновата, что автобус опоздал.",
               "Вина водителя в аварии доказана, сообщает полиция."),
    },
    hashtags={"ka": ("თბილისი", "საქართველო"), "ru": ("тбилиси", "новости")},
    bios={"ka": ("თბილისის ამბები.",), "ru": ("Новости Тбилиси.",)},
)

FOOTBALL: Final = _c(
    name="football", kind="noise", languages={"en": 0.5, "de": 0.3, "ru": 0.2},
    median_followers=2000, population=0.09, main_community=3, instances=(0, 4),
    sentences={
        "en": ("What a finish, {team} take all three points!", "Transfer rumours again."),
        "de": ("Was für ein Spiel, {team} gewinnt!", "Schon wieder Abstiegskampf."),
        "ru": ("{team} снова выиграл!", "Трансферные слухи опять."),
    },
    hashtags={"en": ("football",), "de": ("fussball",), "ru": ("футбол",)},
    bios={"en": ("Season ticket holder.",), "de": ("Stehplatz.",), "ru": ("Болельщик.",)},
)

ADV_COMMUNITIES: Final[tuple[AdvCommunity, ...]] = (
    VEGAN, WINE, MARTECH, OPTICIANS, PHARMACIES, PUBS, PR_AGENCIES, RUNNERS, GEORGIAN_LIFE,
    FOOTBALL,
)
"""The communities; a community's index here is its id in the adversarial world."""
ADV_NICHES: Final = tuple(c.name for c in ADV_COMMUNITIES if c.kind == "niche")
