"""Person names of the synthetic world, per language: (native script, ASCII) pairs.

Display names use the native script (Hebrew, Arabic, Georgian, Cyrillic...); usernames use
the ASCII romanisation, since Mastodon usernames are limited to ``[A-Za-z0-9_]``. All names
are common first names and surnames; any resemblance to a real account is a coincidence
of popularity, not a reference.
"""

from __future__ import annotations

from typing import Final

Name = tuple[str, str]
"""(as written in the person's script, ASCII romanisation)"""

FIRST_NAMES: Final[dict[str, tuple[Name, ...]]] = {
    "en": tuple((n, n.lower()) for n in (
        "Emma", "Olivia", "Noah", "Liam", "Ava", "Mia", "James", "Lucas", "Grace", "Chloe",
        "Ben", "Sam", "Hannah", "Ruby", "Jack", "Ella", "Leo", "Zoe", "Max", "Amy", "Priya",
        "Kofi", "Mei", "Aisha",
    )),
    "de": (
        ("Lena", "lena"), ("Jonas", "jonas"), ("Anna", "anna"), ("Felix", "felix"),
        ("Marie", "marie"), ("Paul", "paul"), ("Lea", "lea"), ("Lukas", "lukas"),
        ("Sophie", "sophie"), ("Jan", "jan"), ("Clara", "clara"), ("Tim", "tim"),
        ("Hanna", "hanna"), ("Moritz", "moritz"), ("Greta", "greta"), ("Nils", "nils"),
        ("Ida", "ida"), ("Finn", "finn"), ("Jürgen", "juergen"), ("Björn", "bjoern"),
    ),
    "he": (
        ("נועה", "noa"), ("יעל", "yael"), ("איתי", "itai"), ("תמר", "tamar"), ("עומר", "omer"),
        ("מאיה", "maya"), ("דניאל", "daniel"), ("שירה", "shira"), ("אורי", "uri"),
        ("רוני", "roni"), ("עידו", "ido"), ("ליה", "lia"),
    ),
    "ar": (
        ("ليلى", "layla"), ("عمر", "omar"), ("سارة", "sara"), ("يوسف", "yusuf"), ("نور", "nour"),
        ("كريم", "karim"), ("مريم", "mariam"), ("رامي", "rami"), ("هدى", "huda"),
        ("سامي", "sami"), ("دينا", "dina"), ("خالد", "khaled"),
    ),
    "ka": (
        ("ნინო", "nino"), ("გიორგი", "giorgi"), ("თამარ", "tamar"), ("ლევან", "levan"),
        ("ანა", "ana"), ("დავით", "davit"), ("მარიამ", "mariam"), ("ლაშა", "lasha"),
        ("ეკა", "eka"), ("ნიკა", "nika"), ("სალომე", "salome"), ("ზურა", "zura"),
    ),
    "ru": (
        ("Ольга", "olga"), ("Дмитрий", "dmitry"), ("Анна", "anna"), ("Сергей", "sergey"),
        ("Мария", "maria"), ("Иван", "ivan"), ("Алексей", "alexey"), ("Наталья", "natalia"),
        ("Павел", "pavel"), ("Ирина", "irina"),
    ),
    "es": (
        ("Lucía", "lucia"), ("Mateo", "mateo"), ("Sofía", "sofia"), ("Diego", "diego"),
        ("Valentina", "valentina"), ("Pablo", "pablo"), ("Carmen", "carmen"),
    ),
}

LAST_NAMES: Final[dict[str, tuple[Name, ...]]] = {
    "en": tuple((n, n.lower()) for n in (
        "Smith", "Carter", "Brooks", "Hughes", "Bennett", "Reed", "Foster", "Hayes", "Price",
        "Ward", "Cole", "Marsh", "Lane", "Frost", "Okafor", "Patel", "Nguyen",
    )),
    "de": (
        ("Müller", "mueller"), ("Schmidt", "schmidt"), ("Weber", "weber"),
        ("Wagner", "wagner"), ("Becker", "becker"), ("Hoffmann", "hoffmann"),
        ("Schulz", "schulz"), ("Koch", "koch"), ("Richter", "richter"), ("Klein", "klein"),
        ("Wolf", "wolf"), ("Neumann", "neumann"), ("Schröder", "schroeder"),
    ),
    "he": (
        ("כהן", "cohen"), ("לוי", "levi"), ("מזרחי", "mizrahi"), ("פרץ", "peretz"),
        ("ביטון", "biton"), ("אברהם", "avraham"), ("פרידמן", "friedman"), ("שפירא", "shapira"),
    ),
    "ar": (
        ("حداد", "haddad"), ("خوري", "khoury"), ("منصور", "mansour"), ("نصر", "nasr"),
        ("سعيد", "saeed"), ("عيسى", "issa"), ("حلبي", "halabi"),
    ),
    "ka": (
        ("ბერიძე", "beridze"), ("მაისურაძე", "maisuradze"), ("კაპანაძე", "kapanadze"),
        ("გელაშვილი", "gelashvili"), ("ლომიძე", "lomidze"), ("ჩხეიძე", "chkheidze"),
        ("ხარაიშვილი", "kharaishvili"),
    ),
    "ru": (
        ("С.", "s"), ("К.", "k"), ("П.", "p"), ("Л.", "l"), ("М.", "m"), ("В.", "v"),
    ),
    "es": (
        ("García", "garcia"), ("López", "lopez"), ("Martínez", "martinez"), ("Ruiz", "ruiz"),
        ("Moreno", "moreno"),
    ),
}
