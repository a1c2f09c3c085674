"""The public Find-help page's own words in ten languages, in plain language.

The rest of Polku speaks Finnish, Swedish and English through gettext; this one page also speaks the
languages of the people it is for. The table is small on purpose: one page, about thirty phrases.
Written for Polku; the Arabic, Persian, Dari, Somali, Russian, Ukrainian and Sorani texts should be
checked by a native speaker before production use (docs/apps/directory.md).
"""

from __future__ import annotations

LANGUAGES: tuple[tuple[str, str], ...] = (
    ("fi", "Suomi"), ("sv", "Svenska"), ("en", "English"), ("ar", "العربية"), ("fa", "فارسی"), ("prs", "دری"),
    ("so", "Soomaali"), ("ru", "Русский"), ("uk", "Українська"), ("ckb", "کوردیی ناوەندی"),
)
RIGHT_TO_LEFT = frozenset({"ar", "fa", "prs", "ckb"})
# HTML lang values: Dari is "fa-AF" in BCP 47 practice, but "prs" is valid and keeps the ISO 639-3 code.
CONTENT_FALLBACK = {"fi": "fi", "sv": "sv"}  # other languages read service texts in English, else Finnish

STRINGS: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Löydä apua",
        "intro": "Täältä löydät paikkoja, joissa voit puhua siitä, miltä sinusta tuntuu, ja saada apua. Moni paikka "
                 "on maksuton. Valitse kieli ja kunta, jossa asut.",
        "emergency": "Hätätilanteessa soita 112.",
        "form_legend": "Missä asut ja mitä kieltä puhut?",
        "language": "Kieli", "municipality": "Kunta (missä asut)", "choose_municipality": "Valitse kunta",
        "submit": "Näytä apu", "results": "Apua: {municipality}",
        "none": "Emme löytäneet palveluita tälle paikkakunnalle. Soita kriisipuhelimeen tai kysy terveysasemalta.",
        "crisis": "Kriisiapu", "low_threshold": "Ei tarvitse varata aikaa", "what": "Mikä tämä on",
        "languages": "Kielet", "staff_speak": "Työntekijät puhuvat kieltäsi",
        "via_interpreter": "Kielelläsi tulkin avulla", "interpreter": "Tulkki", "interpreter_yes": "Tulkin saa",
        "interpreter_no": "Ei tulkkia", "cost": "Hinta", "free": "Maksuton", "fee": "Maksullinen",
        "how": "Miten pääset perille", "call": "Soita", "hours": "Aukioloajat",
        "selfhelp": "Auta itseäsi: materiaalia omalla kielelläsi",
        "selfhelp_none": "Tällä kielellä ei ole vielä materiaalia.",
        "privacy": "Tämä sivu ei käytä evästeitä eikä seuraa sinua.", "skip": "Siirry pääsisältöön",
        "municipality_unknown": "Valitse kuntasi listasta.", "open": "Avaa", "demo": "Esimerkki (demo)",
    },
    "sv": {
        "title": "Hitta hjälp",
        "intro": "Här hittar du ställen där du kan prata om hur du mår och få hjälp. Många av dem är gratis. Välj "
                 "ditt språk och kommunen där du bor.",
        "emergency": "I en nödsituation, ring 112.",
        "form_legend": "Var bor du och vilket språk talar du?",
        "language": "Språk", "municipality": "Kommun (där du bor)", "choose_municipality": "Välj kommun",
        "submit": "Visa hjälp", "results": "Hjälp: {municipality}",
        "none": "Vi hittade inga tjänster för den här orten. Ring kristelefonen eller fråga på din hälsostation.",
        "crisis": "Krishjälp", "low_threshold": "Ingen tidsbokning behövs", "what": "Vad det är",
        "languages": "Språk", "staff_speak": "Personalen talar ditt språk", "via_interpreter": "Ditt språk med tolk",
        "interpreter": "Tolk", "interpreter_yes": "Tolk kan ordnas", "interpreter_no": "Ingen tolk",
        "cost": "Kostnad", "free": "Gratis", "fee": "Avgift", "how": "Så hittar du dit", "call": "Ring",
        "hours": "Öppettider", "selfhelp": "Hjälp dig själv: material på ditt språk",
        "selfhelp_none": "Inget material på det här språket ännu.",
        "privacy": "Den här sidan använder inga kakor och spårar dig inte.", "skip": "Hoppa till huvudinnehållet",
        "municipality_unknown": "Välj din kommun i listan.", "open": "Öppna", "demo": "Exempel (demo)",
    },
    "en": {
        "title": "Find help",
        "intro": "Here you find places where you can talk about how you feel and get help. Many of them are free. "
                 "Choose your language and the municipality where you live.",
        "emergency": "In an emergency, call 112.",
        "form_legend": "Where do you live and which language do you speak?",
        "language": "Language", "municipality": "Municipality (where you live)",
        "choose_municipality": "Choose a municipality", "submit": "Show help", "results": "Help in {municipality}",
        "none": "We did not find services for this place. Call the crisis line, or ask at your health station.",
        "crisis": "Crisis help", "low_threshold": "No appointment needed", "what": "What it is",
        "languages": "Languages", "staff_speak": "Staff speak your language",
        "via_interpreter": "Your language with an interpreter", "interpreter": "Interpreter",
        "interpreter_yes": "An interpreter can be arranged", "interpreter_no": "No interpreter", "cost": "Cost",
        "free": "Free", "fee": "There is a fee", "how": "How to get there", "call": "Call",
        "hours": "Opening hours", "selfhelp": "Help yourself: materials in your language",
        "selfhelp_none": "No materials in this language yet.",
        "privacy": "This page uses no cookies and does not follow you.", "skip": "Skip to main content",
        "municipality_unknown": "Choose your municipality from the list.", "open": "Open",
        "demo": "Example (demo)",
    },
    "ar": {
        "title": "ابحث عن مساعدة",
        "intro": "هنا تجد أماكن يمكنك فيها التحدث عن مشاعرك والحصول على المساعدة. كثير منها مجاني. اختر لغتك "
                 "والبلدية التي تعيش فيها.",
        "emergency": "في حالة الطوارئ اتصل بالرقم 112.",
        "form_legend": "أين تعيش وما هي لغتك؟",
        "language": "اللغة", "municipality": "البلدية (مكان سكنك)", "choose_municipality": "اختر البلدية",
        "submit": "اعرض المساعدة", "results": "المساعدة في {municipality}",
        "none": "لم نجد خدمات لهذا المكان. اتصل بخط الأزمات أو اسأل في مركزك الصحي.",
        "crisis": "مساعدة في الأزمات", "low_threshold": "بدون موعد مسبق", "what": "ما هي الخدمة",
        "languages": "اللغات", "staff_speak": "الموظفون يتحدثون لغتك", "via_interpreter": "لغتك بمساعدة مترجم",
        "interpreter": "مترجم", "interpreter_yes": "يمكن توفير مترجم", "interpreter_no": "لا يوجد مترجم",
        "cost": "التكلفة", "free": "مجاني", "fee": "هناك رسوم", "how": "كيف تصل إلى هناك", "call": "اتصل",
        "hours": "أوقات العمل", "selfhelp": "ساعد نفسك: مواد بلغتك", "selfhelp_none": "لا توجد مواد بهذه اللغة بعد.",
        "privacy": "هذه الصفحة لا تستخدم ملفات تعريف الارتباط ولا تتتبعك.", "skip": "انتقل إلى المحتوى الرئيسي",
        "municipality_unknown": "اختر بلديتك من القائمة.", "open": "افتح", "demo": "مثال (تجريبي)",
    },
    "fa": {
        "title": "پیدا کردن کمک",
        "intro": "اینجا جاهایی را پیدا می‌کنید که می‌توانید درباره حال خود صحبت کنید و کمک بگیرید. بسیاری از آنها "
                 "رایگان هستند. زبان و شهر محل زندگی خود را انتخاب کنید.",
        "emergency": "در موارد اضطراری با شماره 112 تماس بگیرید.",
        "form_legend": "کجا زندگی می‌کنید و به چه زبانی صحبت می‌کنید؟",
        "language": "زبان", "municipality": "شهر محل زندگی شما", "choose_municipality": "شهر را انتخاب کنید",
        "submit": "نمایش کمک‌ها", "results": "کمک در {municipality}",
        "none": "برای این محل خدمتی پیدا نکردیم. با خط بحران تماس بگیرید یا از مرکز بهداشت خود بپرسید.",
        "crisis": "کمک در بحران", "low_threshold": "بدون نیاز به وقت قبلی", "what": "این خدمت چیست",
        "languages": "زبان‌ها", "staff_speak": "کارکنان به زبان شما صحبت می‌کنند",
        "via_interpreter": "زبان شما با کمک مترجم", "interpreter": "مترجم", "interpreter_yes": "می‌توان مترجم گرفت",
        "interpreter_no": "مترجم ندارد", "cost": "هزینه", "free": "رایگان", "fee": "هزینه دارد",
        "how": "چطور به آنجا بروید", "call": "تماس بگیرید", "hours": "ساعات کار",
        "selfhelp": "به خودتان کمک کنید: مطالب به زبان شما", "selfhelp_none": "هنوز مطلبی به این زبان نداریم.",
        "privacy": "این صفحه از کوکی استفاده نمی‌کند و شما را دنبال نمی‌کند.", "skip": "رفتن به محتوای اصلی",
        "municipality_unknown": "شهر خود را از فهرست انتخاب کنید.", "open": "باز کردن", "demo": "نمونه (آزمایشی)",
    },
    "prs": {
        "title": "دریافت کمک",
        "intro": "در اینجا جاهایی را می‌یابید که می‌توانید در باره احوال تان صحبت کنید و کمک بگیرید. بسیاری از آنها "
                 "رایگان است. زبان و شاروالی جای بودوباش خود را انتخاب کنید.",
        "emergency": "در حالت عاجل به شماره 112 زنگ بزنید.",
        "form_legend": "در کجا زندگی می‌کنید و به کدام زبان صحبت می‌کنید؟",
        "language": "زبان", "municipality": "شاروالی (جای بودوباش شما)",
        "choose_municipality": "شاروالی را انتخاب کنید",
        "submit": "کمک‌ها را نشان بده", "results": "کمک در {municipality}",
        "none": "برای این جای خدماتی نیافتیم. به خط بحران زنگ بزنید یا از مرکز صحی خود بپرسید.",
        "crisis": "کمک در بحران", "low_threshold": "بدون وقت قبلی", "what": "این خدمت چیست",
        "languages": "زبان‌ها", "staff_speak": "کارمندان به زبان شما صحبت می‌کنند",
        "via_interpreter": "زبان شما با کمک ترجمان", "interpreter": "ترجمان", "interpreter_yes": "ترجمان گرفته می‌شود",
        "interpreter_no": "ترجمان نیست", "cost": "هزینه", "free": "رایگان", "fee": "پول دارد",
        "how": "چطور به آنجا بروید", "call": "زنگ بزنید", "hours": "ساعات کار",
        "selfhelp": "به خود کمک کنید: مواد به زبان شما", "selfhelp_none": "هنوز موادی به این زبان نداریم.",
        "privacy": "این صفحه کوکی استفاده نمی‌کند و شما را تعقیب نمی‌کند.", "skip": "رفتن به محتوای اصلی",
        "municipality_unknown": "شاروالی خود را از لست انتخاب کنید.", "open": "باز کنید", "demo": "نمونه (آزمایشی)",
    },
    "so": {
        "title": "Hel caawimaad",
        "intro": "Halkan waxaad ka helaysaa meelo aad kaga hadli karto sida aad dareemayso oo aad caawimaad ka heli "
                 "karto. Badankood waa bilaash. Dooro luqaddaada iyo degmada aad ku nooshahay.",
        "emergency": "Xaalad degdeg ah, wac 112.",
        "form_legend": "Halkee ku nooshahay oo luqaddee ku hadashaa?",
        "language": "Luqadda", "municipality": "Degmada (meesha aad ku nooshahay)",
        "choose_municipality": "Dooro degmada", "submit": "Tus caawimaadda", "results": "Caawimaad: {municipality}",
        "none": "Meeshan adeeg uguma aanan helin. Wac khadka xaaladaha adag, ama weydii xarunta caafimaadkaaga.",
        "crisis": "Caawimaad xaalad adag", "low_threshold": "Ballan looma baahna", "what": "Waa maxay",
        "languages": "Luqadaha", "staff_speak": "Shaqaaluhu waxay ku hadlaan luqaddaada",
        "via_interpreter": "Luqaddaada iyadoo turjubaan la adeegsanayo", "interpreter": "Turjubaan",
        "interpreter_yes": "Turjubaan waa la heli karaa", "interpreter_no": "Turjubaan ma jiro", "cost": "Qiimaha",
        "free": "Bilaash", "fee": "Lacag baa la bixiyaa", "how": "Sida loo tago", "call": "Wac",
        "hours": "Saacadaha furitaanka", "selfhelp": "Is caawi: qoraallo iyo muuqaallo luqaddaada ah",
        "selfhelp_none": "Weli ma jiraan qoraallo luqaddan ah.",
        "privacy": "Boggani ma isticmaalo cookies mana ku raad-raaco.", "skip": "U gudub qaybta ugu muhiimsan",
        "municipality_unknown": "Ka dooro degmadaada liiska.", "open": "Fur", "demo": "Tusaale (demo)",
    },
    "ru": {
        "title": "Найти помощь",
        "intro": "Здесь вы найдёте места, где можно поговорить о своём самочувствии и получить помощь. Многие из "
                 "них бесплатные. Выберите свой язык и муниципалитет, где вы живёте.",
        "emergency": "В экстренной ситуации звоните 112.",
        "form_legend": "Где вы живёте и на каком языке говорите?",
        "language": "Язык", "municipality": "Муниципалитет (где вы живёте)",
        "choose_municipality": "Выберите муниципалитет", "submit": "Показать помощь",
        "results": "Помощь: {municipality}",
        "none": "Мы не нашли услуг для этого места. Позвоните на кризисную линию или спросите в своём "
                "медицинском центре.",
        "crisis": "Кризисная помощь", "low_threshold": "Без записи", "what": "Что это", "languages": "Языки",
        "staff_speak": "Сотрудники говорят на вашем языке", "via_interpreter": "Ваш язык через переводчика",
        "interpreter": "Переводчик", "interpreter_yes": "Можно получить переводчика",
        "interpreter_no": "Без переводчика", "cost": "Стоимость", "free": "Бесплатно", "fee": "Платно",
        "how": "Как добраться", "call": "Позвонить", "hours": "Часы работы",
        "selfhelp": "Помогите себе сами: материалы на вашем языке",
        "selfhelp_none": "Пока нет материалов на этом языке.",
        "privacy": "Эта страница не использует файлы cookie и не отслеживает вас.",
        "skip": "Перейти к основному содержанию", "municipality_unknown": "Выберите свой муниципалитет из списка.",
        "open": "Открыть", "demo": "Пример (демо)",
    },
    "uk": {
        "title": "Знайти допомогу",
        "intro": "Тут ви знайдете місця, де можна поговорити про своє самопочуття й отримати допомогу. Багато з них "
                 "безкоштовні. Оберіть свою мову та муніципалітет, де ви живете.",
        "emergency": "У надзвичайній ситуації телефонуйте 112.",
        "form_legend": "Де ви живете і якою мовою розмовляєте?",
        "language": "Мова", "municipality": "Муніципалітет (де ви живете)",
        "choose_municipality": "Оберіть муніципалітет", "submit": "Показати допомогу",
        "results": "Допомога: {municipality}",
        "none": "Ми не знайшли послуг для цього місця. Зателефонуйте на кризову лінію або запитайте у своєму "
                "медичному центрі.",
        "crisis": "Кризова допомога", "low_threshold": "Без запису", "what": "Що це", "languages": "Мови",
        "staff_speak": "Працівники розмовляють вашою мовою", "via_interpreter": "Ваша мова через перекладача",
        "interpreter": "Перекладач", "interpreter_yes": "Можна отримати перекладача",
        "interpreter_no": "Без перекладача", "cost": "Вартість", "free": "Безкоштовно", "fee": "Платно",
        "how": "Як дістатися", "call": "Зателефонувати", "hours": "Години роботи",
        "selfhelp": "Допоможіть собі самі: матеріали вашою мовою",
        "selfhelp_none": "Поки немає матеріалів цією мовою.",
        "privacy": "Ця сторінка не використовує файли cookie і не відстежує вас.",
        "skip": "Перейти до основного вмісту", "municipality_unknown": "Оберіть свій муніципалітет зі списку.",
        "open": "Відкрити", "demo": "Приклад (демо)",
    },
    "ckb": {
        "title": "یارمەتی بدۆزەرەوە",
        "intro": "لێرەدا شوێنانێک دەدۆزیتەوە کە دەتوانیت دەربارەی هەستەکانت قسە بکەیت و یارمەتی وەربگریت. "
                 "زۆربەیان بێبەرامبەرن. زمانەکەت و شارەوانیی شوێنی ژیانت هەڵبژێرە.",
        "emergency": "لە کاتی فریاکەوتندا پەیوەندی بە 112 بکە.",
        "form_legend": "لە کوێ دەژیت و بە چ زمانێک قسە دەکەیت؟",
        "language": "زمان", "municipality": "شارەوانی (شوێنی ژیانت)", "choose_municipality": "شارەوانی هەڵبژێرە",
        "submit": "یارمەتییەکان پیشان بدە", "results": "یارمەتی لە {municipality}",
        "none": "هیچ خزمەتگوزارییەکمان بۆ ئەم شوێنە نەدۆزییەوە. پەیوەندی بە هێڵی قەیران بکە، یان لە بنکەی "
                "تەندروستییەکەت بپرسە.",
        "crisis": "یارمەتی لە کاتی قەیراندا", "low_threshold": "پێویستی بە کاتی پێشوەختە نییە",
        "what": "ئەمە چییە", "languages": "زمانەکان", "staff_speak": "کارمەندان بە زمانەکەت قسە دەکەن",
        "via_interpreter": "زمانەکەت لە ڕێگەی وەرگێڕەوە", "interpreter": "وەرگێڕ",
        "interpreter_yes": "دەتوانرێت وەرگێڕ دابین بکرێت", "interpreter_no": "وەرگێڕ نییە", "cost": "تێچوون",
        "free": "بێبەرامبەر", "fee": "پارەی تێدەچێت", "how": "چۆن بگەیتە ئەوێ", "call": "پەیوەندی بکە",
        "hours": "کاتەکانی کارکردن", "selfhelp": "یارمەتی خۆت بدە: بابەت بە زمانی خۆت",
        "selfhelp_none": "هێشتا هیچ بابەتێک بەم زمانە نییە.",
        "privacy": "ئەم پەڕەیە کووکی بەکارناهێنێت و بەدواتدا ناگەڕێت.", "skip": "بڕۆ بۆ ناوەڕۆکی سەرەکی",
        "municipality_unknown": "شارەوانییەکەت لە لیستەکە هەڵبژێرە.", "open": "بیکەرەوە", "demo": "نموونە (تاقیکاری)",
    },
}


def strings(language: str) -> dict[str, str]:
    """The page's phrases in `language` (Finnish when the code is not one of the ten)."""
    return STRINGS.get(language, STRINGS["fi"])


def direction(language: str) -> str:
    """'rtl' for Arabic, Persian, Dari and Sorani; 'ltr' otherwise."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def content_language(language: str) -> str:
    """Which of the directory's text languages (fi/sv/en) to show a reader of `language`."""
    return CONTENT_FALLBACK.get(language, "en")
