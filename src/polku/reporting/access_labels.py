"""Fixed labels of the client's own access report in the seven languages clients here read most.

Django's catalogues of this project cover fi, sv and en only; the report must also be printable in Arabic, Somali,
Russian and Dari, so its few fixed labels live here. The ar, so, ru and prs texts (and the sv ones until the
catalogue review) are draft translations needing professional review before production use.
"""

from __future__ import annotations

REPORT_LANGUAGES: dict[str, str] = {
    "fi": "suomi", "sv": "svenska", "en": "English", "ar": "العربية", "so": "Soomaali", "ru": "русский",
    "prs": "دری",
}
RTL_LANGUAGES = frozenset({"ar", "prs"})


def _table(keys: tuple[str, ...], values: tuple[str, ...]) -> dict[str, str]:
    return dict(zip(keys, values, strict=True))  # a missing translation fails at import, not in a client's report

_KEYS = ("title", "intro", "client", "produced", "accesses", "when", "who", "organisation", "action", "object",
         "basis", "reason", "disclosures", "recipient", "purpose", "content", "legal_basis", "none_access",
         "none_disclosures", "page", "pdf")

LABELS: dict[str, dict[str, str]] = {
    "fi": _table(_KEYS, ((
        "Selvitys asiakastietojesi käsittelystä",
        "Selvitys näyttää, kuka on lukenut tai muuttanut tietojasi, milloin ja millä perusteella, sekä kenelle "
        "tietojasi on luovutettu (asiakastietolaki 703/2023, 11 §).",
        "Asiakas", "Laadittu", "Tietojen käsittely", "Aika", "Kuka", "Organisaatio", "Toiminto", "Tieto",
        "Peruste", "Syy", "Tietojen luovutukset", "Vastaanottaja", "Tarkoitus", "Luovutetut tiedot",
        "Oikeusperuste", "Tietojasi ei ole käsitelty.", "Tietojasi ei ole luovutettu.", "Sivu",
        "Tulostettava PDF"))),
    "sv": _table(_KEYS, ((
        "Redogörelse för behandlingen av dina klientuppgifter",
        "Redogörelsen visar vem som har läst eller ändrat dina uppgifter, när och på vilken grund, samt till vem "
        "dina uppgifter har lämnats ut (klientdatalagen 703/2023, 11 §).",
        "Klient", "Upprättad", "Behandling av uppgifter", "Tid", "Vem", "Organisation", "Åtgärd", "Uppgift",
        "Grund", "Skäl", "Utlämnanden av uppgifter", "Mottagare", "Syfte", "Utlämnade uppgifter",
        "Rättslig grund", "Dina uppgifter har inte behandlats.", "Dina uppgifter har inte lämnats ut.", "Sida",
        "Utskrivbar PDF"))),
    "en": _table(_KEYS, ((
        "Report on the processing of your client data",
        "This report shows who has read or changed your data, when and on what basis, and to whom your data has "
        "been disclosed (Client Data Act 703/2023, section 11).",
        "Client", "Produced", "Processing of your data", "When", "Who", "Organisation", "Action", "Data",
        "Basis", "Reason", "Disclosures of your data", "Recipient", "Purpose", "Data disclosed", "Legal basis",
        "Your data has not been processed.", "Your data has not been disclosed.", "Page", "Printable PDF"))),
    "ar": _table(_KEYS, ((
        "تقرير عن معالجة بياناتك",
        "يبيّن هذا التقرير من قرأ بياناتك أو غيّرها، ومتى، وعلى أي أساس، ولمن تم الإفصاح عن بياناتك "
        "(قانون بيانات العملاء 703/2023، المادة 11).",
        "العميل", "تاريخ الإعداد", "معالجة البيانات", "الوقت", "من", "الجهة", "الإجراء", "البيانات", "الأساس",
        "السبب", "الإفصاح عن البيانات", "المستلم", "الغرض", "البيانات المفصح عنها", "الأساس القانوني",
        "لم تتم معالجة بياناتك.", "لم يتم الإفصاح عن بياناتك.", "صفحة", "ملف PDF للطباعة"))),
    "so": _table(_KEYS, ((
        "Warbixin ku saabsan isticmaalka xogtaada",
        "Warbixintani waxay muujinaysaa cidda akhriday ama beddeshay xogtaada, goorta iyo sababta, iyo cidda "
        "loo gudbiyay xogtaada (Sharciga Xogta Macmiilka 703/2023, qodobka 11).",
        "Macmiilka", "La diyaariyay", "Isticmaalka xogta", "Waqtiga", "Cidda", "Hay'adda", "Ficilka", "Xogta",
        "Sababta sharciga", "Sababta", "Gudbinta xogta", "Qaataha", "Ujeedada", "Xogta la gudbiyay",
        "Saldhigga sharciga", "Xogtaada lama isticmaalin.", "Xogtaada looma gudbin cid kale.", "Bogga",
        "PDF la daabici karo"))),
    "ru": _table(_KEYS, ((
        "Отчёт об обработке ваших данных",
        "В этом отчёте указано, кто читал или изменял ваши данные, когда и на каком основании, а также кому "
        "ваши данные были переданы (Закон о данных клиентов 703/2023, § 11).",
        "Клиент", "Составлен", "Обработка данных", "Время", "Кто", "Организация", "Действие", "Данные",
        "Основание", "Причина", "Передача данных", "Получатель", "Цель", "Переданные данные",
        "Правовое основание", "Ваши данные не обрабатывались.", "Ваши данные никому не передавались.",
        "Страница", "PDF для печати"))),
    "prs": _table(_KEYS, ((
        "گزارش پردازش معلومات شما",
        "این گزارش نشان می‌دهد که چه کسی معلومات شما را خوانده یا تغییر داده است، چه وقت و بر چه اساسی، و "
        "معلومات شما به چه کسی داده شده است (قانون معلومات مراجعین 703/2023، مادهٔ 11).",
        "مراجع", "تاریخ تهیه", "پردازش معلومات", "زمان", "چه کسی", "اداره", "عمل", "معلومات", "اساس", "دلیل",
        "انتقال معلومات", "گیرنده", "هدف", "معلومات داده شده", "اساس قانونی", "معلومات شما پردازش نشده است.",
        "معلومات شما به کسی داده نشده است.", "صفحه", "فایل PDF برای چاپ"))),
}

ACTIONS: dict[str, dict[str, str]] = {
    "fi": {"read": "luki", "write": "muutti", "export": "vei tiedot ulos"},
    "sv": {"read": "läste", "write": "ändrade", "export": "exporterade"},
    "en": {"read": "read", "write": "changed", "export": "exported"},
    "ar": {"read": "قرأ", "write": "غيّر", "export": "صدّر"},
    "so": {"read": "akhriyay", "write": "beddelay", "export": "dhoofiyay"},
    "ru": {"read": "просмотр", "write": "изменение", "export": "экспорт"},
    "prs": {"read": "خواند", "write": "تغییر داد", "export": "صادر کرد"},
}

BASES: dict[str, dict[str, str]] = {
    "fi": {"care_relationship": "hoitosuhde", "break_the_glass": "hätäkäyttö (syy kirjattu)",
           "administrative": "hallinnollinen (työn järjestäminen)", "referral_recipient": "lähetteen vastaanottaja",
           "denied": "pääsy estettiin"},
    "sv": {"care_relationship": "vårdrelation", "break_the_glass": "nödåtkomst (skälet antecknat)",
           "administrative": "administrativ (organisering av arbetet)", "referral_recipient": "mottagare av remiss",
           "denied": "åtkomst nekades"},
    "en": {"care_relationship": "care relationship", "break_the_glass": "emergency access (reason recorded)",
           "administrative": "administrative (organising the work)", "referral_recipient": "referral recipient",
           "denied": "access refused"},
    "ar": {"care_relationship": "علاقة رعاية", "break_the_glass": "وصول طارئ (مع تسجيل السبب)",
           "administrative": "إداري (تنظيم العمل)", "referral_recipient": "مستلم الإحالة",
           "denied": "تم رفض الوصول"},
    "so": {"care_relationship": "xiriir daryeel", "break_the_glass": "gelitaan degdeg ah (sababta waa la qoray)",
           "administrative": "maamul (abaabulka shaqada)", "referral_recipient": "qaataha gudbinta",
           "denied": "gelitaanka waa la diiday"},
    "ru": {"care_relationship": "отношения по оказанию помощи",
           "break_the_glass": "экстренный доступ (причина записана)",
           "administrative": "административное (организация работы)", "referral_recipient": "получатель направления",
           "denied": "в доступе отказано"},
    "prs": {"care_relationship": "رابطهٔ مراقبت", "break_the_glass": "دسترسی اضطراری (دلیل ثبت شده)",
            "administrative": "اداری (تنظیم کار)", "referral_recipient": "گیرندهٔ راجع‌سازی",
            "denied": "دسترسی رد شد"},
}

_OBJECT_KEYS = ("client", "note", "meeting", "screening", "plan", "referral", "client_list", "access_report",
                "other")
OBJECTS: dict[str, dict[str, str]] = {
    "fi": _table(_OBJECT_KEYS, (("perustiedot", "muistiinpano", "tapaaminen", "seulonta", "palvelusuunnitelma",
                                  "lähete", "asiakaslista", "tämä selvitys", "muu tieto"))),
    "sv": _table(_OBJECT_KEYS, (("grunduppgifter", "anteckning", "möte", "screening", "serviceplan", "remiss",
                                  "klientlista", "denna redogörelse", "annan uppgift"))),
    "en": _table(_OBJECT_KEYS, (("basic details", "note", "meeting", "screening", "service plan", "referral",
                                  "client list", "this report", "other data"))),
    "ar": _table(_OBJECT_KEYS, (("البيانات الأساسية", "ملاحظة", "موعد", "فحص", "خطة الخدمة", "إحالة",
                                  "قائمة العملاء", "هذا التقرير", "بيانات أخرى"))),
    "so": _table(_OBJECT_KEYS, (("xogta aasaasiga ah", "qoraal", "kulan", "baaritaan", "qorshaha adeegga",
                                  "gudbin", "liiska macaamiisha", "warbixintan", "xog kale"))),
    "ru": _table(_OBJECT_KEYS, (("основные данные", "запись", "встреча", "скрининг", "план услуг",
                                  "направление", "список клиентов", "этот отчёт", "другие данные"))),
    "prs": _table(_OBJECT_KEYS, (("معلومات اساسی", "یادداشت", "ملاقات", "معاینه", "پلان خدمات", "راجع‌سازی",
                                   "فهرست مراجعین", "این گزارش", "معلومات دیگر"))),
}

# Object types written by the apps, mapped onto the few kinds a client understands.
OBJECT_KIND = {
    "client": "client", "client_details": "client", "care_team": "client", "break_the_glass": "client",
    "note": "note", "meeting": "meeting", "work_time": "meeting", "screening": "screening",
    "screeningresponse": "screening", "plan": "plan", "serviceplan": "plan", "referral": "referral",
    "client_list": "client_list", "quality_todo": "client_list", "access_report": "access_report",
}


def object_label(object_type: str, language: str) -> str:
    return OBJECTS[language][OBJECT_KIND.get(object_type, "other")]
