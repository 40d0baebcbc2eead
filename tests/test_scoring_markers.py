"""Sponsored-content disclosures (creatorscout.scoring.markers): only real disclosures fire.

Every example of issue 13 is in these tables, with more of our own in each language:
disclosures that must fire (with the marker and the text it fires on) and innocent uses of
the same words that must not.
"""

from __future__ import annotations

import pytest

from creatorscout.config import load_markers
from creatorscout.scoring import analyze, disclosure_matcher
from creatorscout.scoring.markers import DisclosureMatcher
from tests.factories import make_creator, make_post


@pytest.fixture(scope="module")
def matcher() -> DisclosureMatcher:
    return disclosure_matcher(load_markers())


# (text, marker that fires, the text it fires on)
DISCLOSURES = [
    # en
    ("Ad: my favourite oat milk", "ad", "Ad"),
    ("AD | Loving this new blender", "ad", "AD"),
    ("AD Loving this new blender", "ad", "AD"),
    ("Dinner tonight #ad", "#ad", "#ad"),
    ("#ad my favourite oat milk", "#ad", "#ad"),
    ("Dinner tonight #ad #vegan", "#ad", "#ad"),
    ("Loving this oat drink #sponsored and the cup too", "#sponsored", "#sponsored"),
    ("New recipe (ad) with OatHaus", "ad", "ad"),
    ("Paid partnership with OatHaus. Loved it", "paid partnership with", "Paid partnership with"),
    ("This video is sponsored by NordBlend", "this video is sponsored", "This video is sponsored"),
    ("Sponsored: the best pan I own", "sponsored", "Sponsored"),
    ("Ad - my favourite oat milk", "ad", "Ad"),
    ("✨Ad✨ my favourite oat milk", "ad", "Ad"),
    ("This episode is brought to you by Squarespace", "episode is brought to you by",
     "episode is brought to you by"),
    ("Huge thanks to NordBlend for sponsoring this video", "sponsoring this video",
     "sponsoring this video"),
    ("Werbung – Linsensuppe mit Ingwer", "werbung", "Werbung"),
    ("Gifted: a box of spices from SpiceCo", "gifted", "Gifted"),
    ("Grab it here #PaidPartnership", "#paidpartnership", "#PaidPartnership"),
    # de
    ("Anzeige: Linsensuppe mit Ingwer", "anzeige", "Anzeige"),
    ("[Anzeige] Linsensuppe mit Ingwer", "anzeige", "Anzeige"),
    ("*Werbung* Linsensuppe mit Ingwer", "werbung", "Werbung"),
    ("ANZEIGE Heute gibt es Linsensuppe", "anzeige", "ANZEIGE"),
    ("Linsensuppe mit Ingwer\nWerbung\n#vegan", "werbung", "Werbung"),
    ("Heute in Kooperation mit GreenPantry gekocht", "in kooperation mit", "in Kooperation mit"),
    ("Bezahlte Partnerschaft mit OatHaus", "bezahlte partnerschaft mit",
     "Bezahlte Partnerschaft mit"),
    ("Neues Rezept #werbung #vegan", "#werbung", "#werbung"),
    # fr, es, it, nl
    ("Pub : mon nouveau livre de cuisine est sorti", "pub", "Pub"),
    ("Une belle soirée avec la marque #pub", "#pub", "#pub"),
    ("Collaboration commerciale avec Bonne Maman", "collaboration commerciale avec",
     "Collaboration commerciale avec"),
    ("Receta nueva #publi", "#publi", "#publi"),
    ("Nuova ricetta con la pasta di Giulia #adv", "#adv", "#adv"),
    ("Betaalde samenwerking met Albert Heijn", "betaalde samenwerking met",
     "Betaalde samenwerking met"),
    # he
    ("פרסומת: המתכון החדש שלי", "פרסומת", "פרסומת"),
    ("שיתוף פעולה בתשלום עם המותג", "שיתוף פעולה בתשלום", "שיתוף פעולה בתשלום"),
    ("מתכון חדש #פרסומת", "#פרסומת", "#פרסומת"),
    ("שותפות בתשלום עם טבעול", "שותפות בתשלום עם", "שותפות בתשלום עם"),
    ("תוכן ממומן | ארוחת ערב טבעונית", "תוכן ממומן", "תוכן ממומן"),
    ("שת״פ עם המותג האהוב עליי", "שת״פ", "שת״פ"),
    ("ארוחת ערב טבעונית #שתפ", "#שתפ", "#שתפ"),
    # ar
    ("إعلان | وصفة اليوم", "إعلان", "إعلان"),
    ("وصفة اليوم محتوى مدفوع", "محتوى مدفوع", "محتوى مدفوع"),
    ("شراكة مدفوعة مع علامة تجارية", "شراكة مدفوعة مع", "شراكة مدفوعة مع"),
    ("وصفة العدس #اعلان", "#إعلان", "#اعلان"),  # one marker, named by its first spelling
    # ka
    ("ქვევრის ღვინო #რეკლამა", "#რეკლამა", "#რეკლამა"),
    ("რეკლამა: ახალი ღვინის მარანი", "რეკლამა", "რეკლამა"),
    ("ფასიანი თანამშრომლობა ღვინის მარანთან", "ფასიანი თანამშრომლობა", "ფასიანი თანამშრომლობა"),
    # ru
    ("Реклама | вино из квеври", "реклама", "Реклама"),
    ("Реклама. ООО «Ромашка», ИНН 7700000000, erid: 2VtzqvbsVJH", "реклама", "Реклама"),
    ("Вино из квеври. erid: 2VtzqvbsVJH", "erid", "erid"),
    ("На правах рекламы: лучшее грузинское вино", "на правах рекламы", "На правах рекламы"),
    ("Платное партнерство с винодельней", "платное партнерство с", "Платное партнерство с"),
    # ja
    ("【PR】新しいシャンプーを試しました", "pr", "PR"),
    ("新しいシャンプーを試しました #PR", "#pr", "#PR"),
    ("【広告】新商品のレビューです", "広告", "広告"),
    ("PR 新しいシャンプーを試しました", "pr", "PR"),
    ("〇〇株式会社様から商品提供を受けて投稿しています", "商品提供", "商品提供"),
    ("新作コスメ #プロモーション", "#プロモーション", "#プロモーション"),
    ("今回は #PR です", "#pr", "#PR"),
    ("※本記事はプロモーションを含みます", "プロモーションを含みます", "プロモーションを含みます"),
]


@pytest.mark.parametrize(("text", "marker", "evidence"), DISCLOSURES)
def test_disclosures_fire_with_their_evidence(
    matcher: DisclosureMatcher, text: str, marker: str, evidence: str
) -> None:
    hits = matcher.find(analyze(text))
    assert [h.marker.lower() for h in hits][:1] == [marker], text
    assert len({(h.start, h.end) for h in hits}) == len(hits)  # one hit per place
    assert hits[0].evidence == evidence
    assert text[hits[0].start : hits[0].end] == evidence


INNOCENT = [
    # the examples
    "this ad",
    "the pub",
    "Head of PR",
    "5k #PR",
    "arbeite in der Werbung",
    "kein Rabattcode",
    "ראיתי פרסומת",
    "شاهدت إعلان",
    # en
    "Did you see this ad on the tube?",
    "Off to the pub with the running club",
    "New 5k PR this morning! #running #PR",
    "PR: 21:03 at parkrun today",
    "Ad agencies keep calling me",
    "I work as Head of PR at a startup",
    "This is not an ad, I just love this pan",
    "Not sponsored, just a pan I bought myself",
    "#adventure time in the mountains",
    "Read my thoughts on advertising ethics",
    "Gifted kids need better schools",
    "Ad-free version out now",
    "Anzeige erstattet gegen den Vermieter",  # a police report
    "This is not #sponsored, I paid for it",
    "Sponsored walks for charity this weekend",
    "Per aspera #ad astra.",
    "Werbung!!! Überall nur Werbung!!!",
    "WERBUNG IST ÜBERALL",
    "Werbung, die nervt, sehe ich jeden Tag",
    # de
    "Ich arbeite in der Werbung",
    "Werbung ist überall",
    "Werbung im B2B-Bereich funktioniert anders",
    "Kein Rabattcode, keine Kooperation, einfach gutes Essen",
    "Heute ohne Werbung: einfach Linsensuppe",
    "Die Anzeige in der Zeitung war riesig",
    "Keine Werbung, ich habe den Topf selbst gekauft",
    # fr, it
    "On se retrouve au pub ce soir",  # French "pub" = pub: no disclosure form here
    "Great ride on my #ADV bike today",
    # he
    "ראיתי פרסומת בטלוויזיה",
    "לא פרסומת, פשוט אוהבת את המתכון",
    "אני עובד בפרסומת כבר עשר שנים",
    "זה לא תוכן ממומן",
    # ar
    "شاهدت إعلان في التلفزيون",
    "إعلان نتائج المسابقة غدا في المدرسة",
    "هذا ليس إعلانا",
    "هذا ليس محتوى مدفوع",
    # ka
    "ვნახე რეკლამა ტელევიზორში",
    "ვმუშაობ რეკლამის სააგენტოში",
    # ru
    "Я работаю в рекламе",
    "Это не реклама, просто люблю это вино",
    "Видела рекламу в метро",
    # ja
    "広告代理店で働いています",
    "これは広告ではありません",
    "PR会社に転職しました",
    "テレビの広告を見た",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_uses_never_fire(matcher: DisclosureMatcher, text: str) -> None:
    assert matcher.find(analyze(text)) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "Unbezahlte Werbung: mein Lieblings-Tofu vom Markt",
        "Mein Lieblingscafé #unbezahltewerbung",
        "Werbung ohne Auftrag – selbst gekauft",
        "Mein Lieblingscafé #werbung #unbezahltewerbung",
        "*Werbung wegen Markennennung* Mein Lieblingscafé",
    ],
)
def test_unpaid_advertising_is_a_disclosure_of_kind_unpaid(
    matcher: DisclosureMatcher, text: str
) -> None:
    found = matcher.disclosures(analyze(text))
    assert found.kind == "unpaid"
    assert not found.sponsored
    assert found.hits and all(h.disclosure == "unpaid" for h in found.hits)
    assert matcher.find(analyze(text)) == []


def test_a_paid_phrase_beside_an_unpaid_label_still_counts(matcher: DisclosureMatcher) -> None:
    text = "Unbezahlte Werbung für das Café; Bezahlte Partnerschaft mit OatHaus"
    found = matcher.disclosures(analyze(text))
    assert found.kind == "paid"
    assert {h.disclosure for h in found.hits} == {"paid", "unpaid"}


def test_language_scoped_markers_follow_the_posts_language(matcher: DisclosureMatcher) -> None:
    creator = make_creator()
    english = make_post(creator, 0, "New shampoo #PR", language="en")
    japanese = make_post(creator, 1, "New shampoo #PR", language="ja")
    assert matcher.find(analyze("New shampoo #PR"), english) == []
    assert [h.marker for h in matcher.find(analyze("New shampoo #PR"), japanese)] == ["#pr"]
    # Without a language from the platform, the words decide.
    assert matcher.languages(analyze("Une belle soirée avec la marque")) >= {"fr"}
    assert "fr" not in matcher.languages(analyze("A great night at the pub"))
    assert matcher.languages(analyze("Pour la sauce over the rice and serve with bread")) == {"en"}


def test_the_platforms_flag_is_a_disclosure(matcher: DisclosureMatcher) -> None:
    creator = make_creator()
    flagged = make_post(creator, 0, "Loving this blender", sponsored=True)
    plain = make_post(creator, 1, "Loving this blender", sponsored=False)
    hits = matcher.find(analyze("Loving this blender"), flagged)
    assert [(h.kind, h.marker) for h in hits] == [("platform", "platform flag")]
    assert "paid or branded" in hits[0].evidence
    assert matcher.find(analyze("Loving this blender"), plain) == []
    assert matcher.find(None, flagged)  # a post without text still carries its flag


def test_every_language_cites_its_source() -> None:
    config = load_markers()
    missing = [lang for lang, markers in config.sponsored.items() if not markers.source]
    assert missing == []
    for lang in ("de", "en", "he", "ar", "ka", "ru", "ja"):
        assert config.sponsored[lang].phrases, lang


def test_the_sponsored_share_counts_flags_and_disclosures_only(matcher: DisclosureMatcher) -> None:
    from creatorscout.scoring.authenticity import sponsored_share
    from creatorscout.scoring.relevance import post_document

    creator = make_creator()
    texts = ["Anzeige: Linsensuppe", "Head of PR says hi", "Unbezahlte Werbung: Café", None,
             "Ich arbeite in der Werbung"]
    posts = [make_post(creator, n, text) for n, text in enumerate(texts)]
    posts[3] = posts[3].model_copy(update={"sponsored": True})  # flagged, no text stored
    result = sponsored_share(posts, {p.id: post_document(p) for p in posts}, matcher)
    assert (result.posts_sponsored, result.posts_considered) == (2, 5)
    assert result.markers == {"anzeige": 1, "platform flag": 1}
    assert any('"Anzeige"' in example for example in result.examples)


def test_each_post_reports_its_disclosures(matcher: DisclosureMatcher) -> None:
    from creatorscout.scoring.markers import post_disclosures
    from creatorscout.scoring.relevance import post_document

    creator = make_creator()
    posts = [make_post(creator, 0, "Anzeige: Linsensuppe"),
             make_post(creator, 1, "Unbezahlte Werbung: Café"),
             make_post(creator, 2, "Head of PR says hi"),
             make_post(creator, 3, "#ad reply", is_reply=True)]
    found = post_disclosures(posts, {p.id: post_document(p) for p in posts}, matcher)
    assert {pid: d.kind for pid, d in found.items()} == {
        posts[0].id: "paid", posts[1].id: "unpaid", posts[2].id: "none"}
    assert [(h.marker, h.evidence) for h in found[posts[0].id].hits] == [("anzeige", "Anzeige")]
