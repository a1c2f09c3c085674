"""Name lists for the simulated caseload: every person the simulator makes up is fictional.

The lists hold common given names and family names per language group, in Latin letters and, for
Arabic-script and Cyrillic names, as the person would write them. The simulator combines them at
random, so no record describes a real person; a resemblance to anyone is a coincidence of common
names. Workers get Finnish given names with invented compound family names, and interpreters are
drawn from the same per-language lists as clients. Tigrinya names are given in Latin letters only
(the Ge'ez spellings are left to someone who writes the script).

Each name is a pair ``(latin, native)``; for Latin-script languages the two are the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameGroup:
    """Given names by gender and family names of one language group.

    ``family_female`` is set where family names are gendered (Russian): the same position holds the
    female form of ``family[i]``.
    """

    female: tuple[tuple[str, str], ...]
    male: tuple[tuple[str, str], ...]
    family: tuple[tuple[str, str], ...]
    family_female: tuple[tuple[str, str], ...] = ()


def _latin(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, name) for name in names)


ARABIC = NameGroup(
    female=(("Fatima", "فاطمة"), ("Zainab", "زينب"), ("Maryam", "مريم"), ("Nour", "نور"), ("Huda", "هدى"),
            ("Layla", "ليلى"), ("Amal", "أمل"), ("Rana", "رنا"), ("Samira", "سميرة"), ("Hanan", "حنان"),
            ("Salma", "سلمى"), ("Rasha", "رشا"), ("Dalia", "داليا"), ("Yasmin", "ياسمين"), ("Aisha", "عائشة"),
            ("Iman", "إيمان"), ("Lina", "لينا"), ("Sara", "سارة"), ("Ruqaya", "رقية"), ("Widad", "وداد")),
    male=(("Ahmad", "أحمد"), ("Mohammed", "محمد"), ("Ali", "علي"), ("Omar", "عمر"), ("Hassan", "حسن"),
          ("Hussein", "حسين"), ("Khaled", "خالد"), ("Mahmoud", "محمود"), ("Mustafa", "مصطفى"),
          ("Yousef", "يوسف"), ("Ibrahim", "إبراهيم"), ("Abdullah", "عبدالله"), ("Karim", "كريم"),
          ("Samir", "سمير"), ("Tariq", "طارق"), ("Walid", "وليد"), ("Bilal", "بلال"), ("Haidar", "حيدر"),
          ("Ammar", "عمار"), ("Zaid", "زيد")),
    family=(("Al-Hashimi", "الهاشمي"), ("Al-Jubouri", "الجبوري"), ("Al-Obaidi", "العبيدي"),
            ("Al-Khafaji", "الخفاجي"), ("Al-Saadi", "الساعدي"), ("Haddad", "حداد"), ("Khalil", "خليل"),
            ("Mansour", "منصور"), ("Nasser", "ناصر"), ("Saleh", "صالح"), ("Hamdan", "حمدان"),
            ("Darwish", "درويش"), ("Al-Tamimi", "التميمي"), ("Al-Rubaie", "الربيعي"), ("Qassem", "قاسم"),
            ("Abbas", "عباس"), ("Shami", "شامي"), ("Halabi", "حلبي"), ("Jaber", "جابر"), ("Sabbagh", "صباغ")),
)

SORANI = NameGroup(
    female=(("Shirin", "شیرین"), ("Jwan", "جوان"), ("Shilan", "شیلان"), ("Tara", "تارا"), ("Nasrin", "نەسرین"),
            ("Bahar", "بەهار"), ("Zhino", "ژینۆ"), ("Chnar", "چنار"), ("Hana", "هانا"), ("Sozan", "سۆزان")),
    male=(("Karwan", "کاروان"), ("Rebwar", "ڕێبوار"), ("Hiwa", "هیوا"), ("Shwan", "شوان"), ("Aram", "ئارام"),
          ("Dana", "دانا"), ("Sherzad", "شێرزاد"), ("Azad", "ئازاد"), ("Bakhtiyar", "بەختیار"), ("Soran", "سۆران")),
    family=(("Ahmed", "ئەحمەد"), ("Mahmud", "مەحموود"), ("Rashid", "ڕەشید"), ("Karim", "کەریم"), ("Aziz", "عەزیز"),
            ("Salih", "ساڵح"), ("Hama", "حەمە"), ("Othman", "عوسمان"), ("Qadir", "قادر"), ("Mustafa", "مستەفا")),
)

KURMANJI = NameGroup(
    female=_latin("Zozan", "Rojda", "Dilan", "Berfin", "Viyan", "Hêvî", "Nûjîn", "Rûken", "Bêrîvan", "Gulistan"),
    male=_latin("Dilovan", "Serhat", "Rênas", "Baran", "Welat", "Zana", "Şêrko", "Hejar", "Rojhat", "Azad"),
    family=_latin("Ehmed", "Xelîl", "Hesen", "Silêman", "Mistefa", "Îbrahîm", "Osman", "Kerîm", "Elî", "Mûsa"),
)

PERSIAN = NameGroup(
    female=(("Maryam", "مریم"), ("Zahra", "زهرا"), ("Fatemeh", "فاطمه"), ("Shirin", "شیرین"), ("Nasrin", "نسرین"),
            ("Parisa", "پریسا"), ("Leila", "لیلا"), ("Mahsa", "مهسا"), ("Roya", "رویا"), ("Azadeh", "آزاده")),
    male=(("Reza", "رضا"), ("Ali", "علی"), ("Mehdi", "مهدی"), ("Amir", "امیر"), ("Hossein", "حسین"),
          ("Saeed", "سعید"), ("Babak", "بابک"), ("Dariush", "داریوش"), ("Kaveh", "کاوه"), ("Omid", "امید")),
    family=(("Ahmadi", "احمدی"), ("Hosseini", "حسینی"), ("Karimi", "کریمی"), ("Rahimi", "رحیمی"),
            ("Moradi", "مرادی"), ("Rezaei", "رضایی"), ("Jafari", "جعفری"), ("Sadeghi", "صادقی"),
            ("Mohammadi", "محمدی"), ("Kazemi", "کاظمی")),
)

DARI = NameGroup(
    female=(("Mariam", "مریم"), ("Fereshta", "فرشته"), ("Shabnam", "شبنم"), ("Nargis", "نرگس"), ("Laila", "لیلا"),
            ("Marzia", "مرضیه"), ("Sima", "سیما"), ("Zahra", "زهرا"), ("Farzana", "فرزانه"), ("Masuda", "مسعوده")),
    male=(("Ahmad", "احمد"), ("Mohammad", "محمد"), ("Habib", "حبیب"), ("Najib", "نجیب"), ("Farid", "فرید"),
          ("Jawad", "جواد"), ("Hamid", "حمید"), ("Nasir", "ناصر"), ("Mustafa", "مصطفی"), ("Rahim", "رحیم")),
    family=(("Hakimi", "حکیمی"), ("Nazari", "نظری"), ("Rahimi", "رحیمی"), ("Sultani", "سلطانی"),
            ("Haidari", "حیدری"), ("Hashimi", "هاشمی"), ("Amiri", "امیری"), ("Noori", "نوری"), ("Azimi", "عظیمی"),
            ("Qaderi", "قادری")),
)

SOMALI = NameGroup(
    female=_latin("Faduma", "Hodan", "Amina", "Sahra", "Hibo", "Ifrah", "Asha", "Khadra", "Nasra", "Ubah"),
    male=_latin("Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Ahmed", "Yusuf", "Omar", "Ismail", "Abdikadir",
                "Mahad"),
    family=_latin("Warsame", "Farah", "Jama", "Abdi", "Hirsi", "Nur", "Gedi", "Mohamud", "Aden", "Egal"),
)

RUSSIAN = NameGroup(
    female=(("Olga", "Ольга"), ("Tatiana", "Татьяна"), ("Natalia", "Наталья"), ("Irina", "Ирина"),
            ("Svetlana", "Светлана"), ("Elena", "Елена"), ("Marina", "Марина"), ("Anna", "Анна"), ("Yulia", "Юлия"),
            ("Ekaterina", "Екатерина")),
    male=(("Sergei", "Сергей"), ("Dmitri", "Дмитрий"), ("Andrei", "Андрей"), ("Alexei", "Алексей"),
          ("Nikolai", "Николай"), ("Pavel", "Павел"), ("Ivan", "Иван"), ("Mikhail", "Михаил"), ("Viktor", "Виктор"),
          ("Oleg", "Олег")),
    family=(("Ivanov", "Иванов"), ("Smirnov", "Смирнов"), ("Kuznetsov", "Кузнецов"), ("Popov", "Попов"),
            ("Sokolov", "Соколов"), ("Volkov", "Волков"), ("Morozov", "Морозов"), ("Lebedev", "Лебедев"),
            ("Novikov", "Новиков"), ("Pavlov", "Павлов")),
    family_female=(("Ivanova", "Иванова"), ("Smirnova", "Смирнова"), ("Kuznetsova", "Кузнецова"),
                   ("Popova", "Попова"), ("Sokolova", "Соколова"), ("Volkova", "Волкова"), ("Morozova", "Морозова"),
                   ("Lebedeva", "Лебедева"), ("Novikova", "Новикова"), ("Pavlova", "Павлова")),
)

UKRAINIAN = NameGroup(
    female=(("Olena", "Олена"), ("Oksana", "Оксана"), ("Nataliia", "Наталія"), ("Iryna", "Ірина"),
            ("Tetiana", "Тетяна"), ("Yuliia", "Юлія"), ("Halyna", "Галина"), ("Svitlana", "Світлана"),
            ("Kateryna", "Катерина"), ("Mariia", "Марія")),
    male=(("Oleksandr", "Олександр"), ("Andrii", "Андрій"), ("Serhii", "Сергій"), ("Dmytro", "Дмитро"),
          ("Mykola", "Микола"), ("Volodymyr", "Володимир"), ("Yurii", "Юрій"), ("Taras", "Тарас"),
          ("Bohdan", "Богдан"), ("Vasyl", "Василь")),
    family=(("Kovalenko", "Коваленко"), ("Bondarenko", "Бондаренко"), ("Tkachenko", "Ткаченко"),
            ("Kravchenko", "Кравченко"), ("Melnyk", "Мельник"), ("Boiko", "Бойко"), ("Lysenko", "Лисенко"),
            ("Marchenko", "Марченко"), ("Savchenko", "Савченко"), ("Rudenko", "Руденко")),
)

ALBANIAN = NameGroup(
    female=_latin("Arta", "Blerta", "Drita", "Fitore", "Mimoza", "Valbona", "Lirije", "Teuta", "Vjosa", "Shqipe"),
    male=_latin("Arben", "Besnik", "Driton", "Fatmir", "Agron", "Valon", "Ilir", "Blerim", "Faton", "Shpend"),
    family=_latin("Krasniqi", "Gashi", "Berisha", "Morina", "Hoxha", "Shala", "Bytyqi", "Kelmendi", "Hasani",
                  "Rexhepi"),
)

BOSNIAN = NameGroup(
    female=_latin("Amra", "Lejla", "Selma", "Aida", "Emina", "Merima", "Jasmina", "Alma", "Sanela", "Azra"),
    male=_latin("Emir", "Adnan", "Mirza", "Haris", "Senad", "Almir", "Nermin", "Kenan", "Edin", "Samir"),
    family=_latin("Hodžić", "Hadžić", "Begić", "Delić", "Mehmedović", "Kovačević", "Osmanović", "Hasanović",
                  "Salihović", "Omerović"),
)

TIGRINYA = NameGroup(
    female=_latin("Selam", "Helen", "Senait", "Rahel", "Mebrat", "Saba", "Luwam", "Feven", "Yordanos", "Tsega"),
    male=_latin("Tesfay", "Yonas", "Dawit", "Samuel", "Berhane", "Mehari", "Kidane", "Filmon", "Haile", "Robel"),
    family=_latin("Tesfamariam", "Gebremedhin", "Tekle", "Woldu", "Berhe", "Ghebreyesus", "Andemariam", "Habte",
                  "Asmerom", "Kahsay"),
)

# Client language (ISO 639-1, or 639-3 where there is no 639-1 code) -> its name group.
NAME_GROUPS: dict[str, NameGroup] = {
    "ar": ARABIC, "ckb": SORANI, "kmr": KURMANJI, "fa": PERSIAN, "prs": DARI, "so": SOMALI, "ru": RUSSIAN,
    "uk": UKRAINIAN, "sq": ALBANIAN, "bs": BOSNIAN, "ti": TIGRINYA,
}

# Workers: Finnish given names and invented compound family names (first part + second part).
WORKER_GIVEN_FEMALE = ("Aino", "Elina", "Hanna", "Johanna", "Katja", "Laura", "Maria", "Minna", "Noora", "Paula",
                       "Riikka", "Satu", "Suvi", "Tiina", "Veera", "Anu", "Heidi", "Jenni", "Kirsi", "Outi")
WORKER_GIVEN_MALE = ("Antti", "Eero", "Harri", "Janne", "Jukka", "Kalle", "Lauri", "Markus", "Mikko", "Olli",
                     "Petri", "Sami", "Teemu", "Ville", "Juha", "Timo", "Tuomas", "Aleksi", "Joonas", "Risto")
WORKER_FAMILY_FIRST = ("Haapa", "Kaisla", "Kuusi", "Lumi", "Pihlaja", "Routa", "Sammal", "Tuuli", "Usva", "Vaahtera",
                       "Kaarna", "Kataja", "Paju", "Kanerva", "Saraste")
WORKER_FAMILY_SECOND = ("aho", "harju", "korpi", "lahti", "mäki", "niemi", "ranta", "salo", "vaara", "joki",
                        "kallio", "laakso")
