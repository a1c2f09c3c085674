"""Templated texts for simulated notes and service plans, in Finnish and English.

Every note ends with a sentence saying it is a simulated example about a fictional person, so a
screenshot of the demo can never be mistaken for a real record.
"""

from __future__ import annotations

from polku.casework.models import MeetingPlace, NoteTopic

FICTIONAL = {"fi": "Merkintä on simuloitu esimerkki; henkilö on kuvitteellinen.",
             "en": "This note is a simulated example; the person is fictional."}

TOPIC_SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    NoteTopic.TRAUMA: {
        "fi": ("Asiakas kertoi painajaisista ja muistikuvista, jotka liittyvät koettuun väkivaltaan.",
               "Käytiin läpi rauhoittumiskeinoja hetkiin, jolloin muistot nousevat pintaan.",
               "Asiakas ei halunnut tänään puhua menneistä tapahtumista; kunnioitettiin toivetta."),
        "en": ("The client described nightmares and memories connected with violence they went through.",
               "We went through ways to calm down when the memories come back.",
               "The client did not want to talk about past events today; we respected that."),
    },
    NoteTopic.SLEEP: {
        "fi": ("Uni on katkonaista ja nukahtaminen vaikeaa.", "Sovittiin unipäiväkirjan pitämisestä."),
        "en": ("Sleep is broken and falling asleep is hard.", "We agreed that the client keeps a sleep diary."),
    },
    NoteTopic.SUBSTANCE_USE: {
        "fi": ("Alkoholin käyttö otettiin puheeksi; asiakas arvioi käytön lisääntyneen stressin myötä.",),
        "en": ("We raised alcohol use; the client thinks it has grown with the stress.",),
    },
    NoteTopic.HOUSING: {
        "fi": ("Asunnon ahtaus ja kunto huolettavat.", "Selvitettiin vuokra-asuntohakemuksen tilanne."),
        "en": ("The crowded flat and its condition worry the client.", "We checked the rental application."),
    },
    NoteTopic.INCOME: {
        "fi": ("Toimeentulotuen hakemus on kesken; koottiin liitteet yhdessä.",),
        "en": ("The social assistance application is unfinished; we gathered the attachments together.",),
    },
    NoteTopic.FAMILY: {
        "fi": ("Huoli kotimaahan jääneistä perheenjäsenistä painaa.", "Perheenyhdistämisen tilanne käytiin läpi."),
        "en": ("Worry about family members left behind weighs on the client.",
               "We went through where the family reunification stands."),
    },
    NoteTopic.EMPLOYMENT: {
        "fi": ("Asiakas toivoo pääsevänsä kielikurssille ja myöhemmin töihin.",),
        "en": ("The client hopes to start a language course and later to find work.",),
    },
    NoteTopic.HEALTH_CARE_ACCESS: {
        "fi": ("Lääkäriaikaa on odotettu yli kuukausi, ja takaisinsoiton aika jäi saamatta.",
               "Varattiin terveysasemalta aika yhdessä asiakkaan kanssa."),
        "en": ("The client has waited over a month for a doctor, and missed the call-back slot.",
               "We booked a health-centre appointment together with the client."),
    },
}

TOPIC_ACTIONS: dict[str, dict[str, str]] = {
    NoteTopic.TRAUMA: {"fi": "Harjoitellaan vakautuskeinoja seuraavalla kerralla.",
                       "en": "We practise grounding skills next time."},
    NoteTopic.SLEEP: {"fi": "Asiakas pitää unipäiväkirjaa kaksi viikkoa.", "en": "The client keeps a sleep diary."},
    NoteTopic.SUBSTANCE_USE: {"fi": "Annettiin A-klinikan yhteystiedot.", "en": "We gave the A-Clinic's contacts."},
    NoteTopic.HOUSING: {"fi": "Sosiaaliohjaaja selvittää asuntotilanteen.", "en": "The counsellor checks housing."},
    NoteTopic.INCOME: {"fi": "Hakemus lähetetään tällä viikolla.", "en": "The application is sent this week."},
    NoteTopic.FAMILY: {"fi": "Ohjataan järjestön perheneuvontaan.", "en": "We refer to an NGO's family advice."},
    NoteTopic.EMPLOYMENT: {"fi": "Otetaan yhteys TE-palveluihin.", "en": "We contact the employment services."},
    NoteTopic.HEALTH_CARE_ACCESS: {"fi": "Hoitaja seuraa, että aika toteutuu.",
                                   "en": "The nurse follows that the appointment happens."},
}

REASONS = {
    "first": {"fi": "Ensikäynti työparin kanssa: tutustuminen ja tilanteen kartoitus.",
              "en": "First meeting with the pair: getting to know the client and mapping the situation."},
    MeetingPlace.OFFICE: {"fi": "Sovittu tapaaminen toimistolla.", "en": "Booked meeting at the office."},
    MeetingPlace.HOME: {"fi": "Kotikäynti.", "en": "Home visit."},
    MeetingPlace.NETWORK_SOCIAL_OFFICE: {"fi": "Verkostotapaaminen sosiaalitoimistossa.",
                                         "en": "Network meeting at the social office."},
    MeetingPlace.NETWORK_HOSPITAL: {"fi": "Verkostotapaaminen sairaalassa.", "en": "Network meeting at the hospital."},
    MeetingPlace.NETWORK_PARTNER: {"fi": "Verkostotapaaminen yhteistyökumppanin tiloissa.",
                                   "en": "Network meeting at a partner's premises."},
    MeetingPlace.PHONE: {"fi": "Puhelinaika.", "en": "Phone appointment."},
    MeetingPlace.VIDEO: {"fi": "Videotapaaminen.", "en": "Video meeting."},
    "no_show": {"fi": "Sovittu tapaaminen – asiakas ei saapunut.", "en": "Booked meeting – the client did not come."},
}

NEXT_STEP = {"fi": "Seuraava tapaaminen noin {weeks} viikon kuluttua.", "en": "Next meeting in about {weeks} weeks."}
NO_SHOW_TEXT = {"fi": "Asiakas ei saapunut eikä vastannut puhelimeen. Lähetetään uusi aika kirjeellä.",
                "en": "The client did not come and did not answer the phone. A new time is sent by letter."}
NO_SHOW_NEXT_STEP = {"fi": "Uusi aika kirjeellä.", "en": "A new time by letter."}
INTERPRETER_TEXT = {"fi": "Tapaaminen tulkin välityksellä ({language}).",
                    "en": "The meeting was interpreted ({language})."}

# Plan goals by topic: goal text, then actions as (owner kind, text); owner kind nurse/counsellor/client.
PLAN_GOALS: dict[str, dict[str, tuple[str, tuple[tuple[str, str], ...]]]] = {
    NoteTopic.TRAUMA: {
        "fi": ("Traumaoireet lievittyvät ja arki sujuu", (("nurse", "Lähete traumaterapian arvioon"),
                                                          ("client", "Vakautusharjoitukset viikoittain"))),
        "en": ("Trauma symptoms ease and everyday life runs", (("nurse", "Referral for a trauma therapy assessment"),
                                                               ("client", "Grounding exercises every week"))),
    },
    NoteTopic.SLEEP: {
        "fi": ("Uni paranee", (("client", "Unipäiväkirja kahden viikon ajan"),
                               ("nurse", "Lääkärin arvio unilääkityksestä"))),
        "en": ("Sleep improves", (("client", "Sleep diary for two weeks"),
                                  ("nurse", "Doctor's review of sleep medication"))),
    },
    NoteTopic.HOUSING: {
        "fi": ("Turvallinen ja riittävän tilava asunto", (("counsellor", "Vuokra-asuntohakemuksen päivitys"),)),
        "en": ("A safe home with enough room", (("counsellor", "Update the rental application"),)),
    },
    NoteTopic.INCOME: {
        "fi": ("Toimeentulo on turvattu", (("counsellor", "Kelan hakemukset yhdessä"),)),
        "en": ("Income is secured", (("counsellor", "Kela applications together"),)),
    },
    NoteTopic.FAMILY: {
        "fi": ("Perheen tilanne selkiytyy", (("counsellor", "Ohjaus järjestön perheneuvontaan"),)),
        "en": ("The family situation becomes clearer", (("counsellor", "Referral to an NGO's family advice"),)),
    },
    NoteTopic.EMPLOYMENT: {
        "fi": ("Kielikoulutukseen tai työhön pääsy", (("counsellor", "Yhteydenotto TE-palveluihin"),
                                                     ("client", "Ilmoittautuminen suomen kielen kurssille"))),
        "en": ("Into language training or work", (("counsellor", "Contact the employment services"),
                                                  ("client", "Enrol in a Finnish course"))),
    },
    NoteTopic.HEALTH_CARE_ACCESS: {
        "fi": ("Terveyspalvelujen käyttö sujuu", (("nurse", "Lääkäriajan varaaminen yhdessä"),
                                                 ("nurse", "Opastus takaisinsoittojärjestelmän käyttöön"))),
        "en": ("Using health services works", (("nurse", "Book a doctor's appointment together"),
                                              ("nurse", "Show how the call-back system works"))),
    },
    NoteTopic.SUBSTANCE_USE: {
        "fi": ("Päihteiden käyttö vähenee", (("nurse", "Ohjaus A-klinikalle"),)),
        "en": ("Substance use decreases", (("nurse", "Referral to the A-Clinic"),)),
    },
}
CLIENT_OWNER = {"fi": "Asiakas", "en": "Client"}

LANGUAGE_NAMES_FI = {"ar": "arabia", "ckb": "sorani", "kmr": "kurmandži", "fa": "persia", "prs": "dari",
                     "so": "somali", "ru": "venäjä", "uk": "ukraina", "sq": "albania", "bs": "bosnia",
                     "ti": "tigrinja"}
LANGUAGE_NAMES_EN = {"ar": "Arabic", "ckb": "Sorani", "kmr": "Kurmanji", "fa": "Persian", "prs": "Dari",
                     "so": "Somali", "ru": "Russian", "uk": "Ukrainian", "sq": "Albanian", "bs": "Bosnian",
                     "ti": "Tigrinya"}

PARTNER_ROLES = ("Sosiaalityöntekijä, aikuissosiaalityö", "Psykiatrinen sairaanhoitaja, poliklinikka",
                 "TE-palvelujen asiantuntija", "Järjestön työntekijä", "Kotoutumisen ohjaaja")
FAMILY_ROLES = ("Puoliso", "Aikuinen lapsi", "Sisarus")
DISCHARGE_REASONS = {"goals_met": "Tavoitteet saavutettu", "referred_onwards": "Siirtyi muihin palveluihin",
                     "moved": "Muutti toiselle paikkakunnalle", "client_declined": "Asiakas ei halunnut jatkaa",
                     "unreachable": "Asiakasta ei tavoitettu"}


def language_name(code: str, lang: str) -> str:
    """The client's language as a word in the note's language."""
    return (LANGUAGE_NAMES_FI if lang == "fi" else LANGUAGE_NAMES_EN).get(code, code)
