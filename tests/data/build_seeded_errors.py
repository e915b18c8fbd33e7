"""Writes tests/data/seeded_errors.jsonl: the corpus `workbench eval --checks` measures the fact checks on.

The Arabic are sentences and paragraphs of the seed articles (seeds/, TASS); the English and Russian references
were written for this corpus by hand (not copied from any other translation). Each perturbation is a hand-written
replacement in one reference, labelled with every error kind it makes; each clean variant is a hand-written
rewording that says the same thing (paraphrase, reordered clauses, other Russian cases, numbers in words).

Labelling rules (fixed before any check was run):
- a case with `other` (the other language's reference) whose perturbation changes a number, a name or who is
  quoted also carries "cross_language": the English and the Russian then disagree on that fact;
- a dropped clause that held a number or a name also carries "number" or "name";
- a target in the wrong language carries "language" only;
- "number" and "name" are the source's numbers and names missing, changed or replaced in the target; a number or
  a name that appears only inside added material is part of that "addition" (the added clause is the error), and
  added material is not "cross_language" (the English and the Russian disagree about nothing from the Arabic).

Label corrections after the first run of the checks (commit "first run on the seeded corpus"): seven cases
whose perturbation drops a name of the Arabic (b22 and b28 quotations removed with their speaker, b07-ru, b17-en
and b27-ru clauses with a place) lacked the "name" label the rules above give them; nothing else was changed.

Run `python tests/data/build_seeded_errors.py` to rewrite the JSONL after editing this file.
"""

from __future__ import annotations

import json
from pathlib import Path

# id: (Arabic from the seeds, English reference, Russian reference)
BASE: dict[str, tuple[str, str, str]] = {
    "b01": (
        "قال وزير الخارجية الروسي سيرغي لافروف، إن مستوى الثقة المتبادلة لروسيا وكازاخستان يسمح بمناقشة أكثر القضايا صعوبة وحلّها بصراحة، مشيراً إلى أنه لن يتمكن أحد من دق إسفين بين البلدين.",
        "Russian Foreign Minister Sergey Lavrov said that the level of mutual trust between Russia and Kazakhstan allows the most difficult issues to be discussed and resolved frankly, noting that no one will be able to drive a wedge between the two countries.",
        "Министр иностранных дел России Сергей Лавров заявил, что уровень взаимного доверия между Россией и Казахстаном позволяет откровенно обсуждать и решать самые сложные вопросы, отметив, что никому не удастся вбить клин между двумя странами."),
    "b02": (
        "وجاء ذلك في إفادة وجهها وزير الخارجية لافروف لقّراء مجلة \"الحياة الدولية\" بمناسبة الذكرى الـ 30 على إقامة العلاقات الدبلوماسية بين روسيا وكازاخستان.",
        "Lavrov made the remarks in an address to readers of the magazine \"International Affairs\" on the 30th anniversary of the establishment of diplomatic relations between Russia and Kazakhstan.",
        "Об этом Лавров сказал в обращении к читателям журнала «Международная жизнь» по случаю 30-летия установления дипломатических отношений между Россией и Казахстаном."),
    "b03": (
        "وتابع الوزير \"في الوقت نفسه، لن نتوقف عند هذا الحد\"، مضيفًا: \"سنواصل العمل معا من أجل جلب العلاقات الثنائية إلى آفاق جديدة لصالح شعوبنا الشقيقة، باسم تعزيز الأمن والاستقرار الإقليميين\".",
        "The minister went on: \"At the same time, we will not stop there,\" adding: \"We will keep working together to take bilateral relations to new horizons for the good of our fraternal peoples, in the name of strengthening regional security and stability.\"",
        "«При этом мы не остановимся на достигнутом», — продолжил министр, добавив: «Мы продолжим вместе работать над тем, чтобы вывести двусторонние отношения на новые рубежи на благо наших братских народов, во имя укрепления региональной безопасности и стабильности»."),
    "b04": (
        "وأضاف لافروف: \"نحن نتطلع بتفاؤل إلى مستقبل علاقاتنا مع أصدقائنا الكازاخستانيين. لا أحد يستطيع أن يدق إسفيناً بيننا. المستوى الحالي للثقة المتبادلة يجعل من الممكن مناقشة حتى أصعب القضايا التي تطرحها الحياة في بعض الأحيان على بلادنا، والاتفاق على طرق مقبولة للطرفين لحلها\".",
        "Lavrov added: \"We look with optimism to the future of our relations with our Kazakh friends. No one can drive a wedge between us. The current level of mutual trust makes it possible to discuss even the most difficult issues that life sometimes puts before our countries, and to agree on mutually acceptable ways of resolving them.\"",
        "Лавров добавил: «Мы с оптимизмом смотрим в будущее наших отношений с казахстанскими друзьями. Никому не удастся вбить клин между нами. Нынешний уровень взаимного доверия позволяет обсуждать даже самые трудные вопросы, которые жизнь порой ставит перед нашими странами, и договариваться о взаимоприемлемых путях их решения»."),
    "b05": (
        "وفي السياق ذاته، أشار رئيس الدبلوماسية الروسية إلى أنه على مدى العقود الثلاثة الماضية، تمكّن البلدان من تعزيز علاقات الصداقة وحسن الجوار التي تعود إلى قرون التي توحد شعبيها.",
        "In the same vein, the head of Russian diplomacy noted that over the past three decades the two countries have managed to strengthen the centuries-old ties of friendship and good-neighbourliness that unite their peoples.",
        "В том же контексте глава российской дипломатии отметил, что за последние три десятилетия двум странам удалось укрепить уходящие корнями в века узы дружбы и добрососедства, объединяющие их народы."),
    "b06": (
        "ولفت سيرغي لافروف إلى أن التعاون ينمو على طول أطول حدود برّية في العالم، منوهاً بأنه \"من الأمثلة الصارخة على الشراكة الإستراتيجية الحقيقية الاستخدام المشترك لمحطة بايكونور الفضائية\".",
        "Sergey Lavrov pointed out that cooperation is growing along the longest land border in the world, noting that \"a striking example of a true strategic partnership is the joint use of the Baikonur space centre.\"",
        "Сергей Лавров обратил внимание на то, что сотрудничество развивается вдоль самой протяжённой сухопутной границы в мире, отметив, что «ярким примером подлинного стратегического партнёрства является совместное использование космодрома Байконур»."),
    "b07": (
        "وفي سياق آخر نوّه الوزير إلى تطور التبادل الثقافي والإنساني بين الدول والإقامة المنتظمة لـ \"أيام روسيا في كازاخستان\"، وكذلك \"أيام كازاخستان في روسيا\" التي أقيمت هذا العام في موسكو وأستراخان وقازان.",
        "Separately, the minister highlighted the growth of cultural and humanitarian exchanges between the countries and the regular \"Days of Russia in Kazakhstan\", as well as the \"Days of Kazakhstan in Russia\", held this year in Moscow, Astrakhan and Kazan.",
        "Кроме того, министр отметил развитие культурных и гуманитарных обменов между странами и регулярное проведение «Дней России в Казахстане», а также «Дней Казахстана в России», которые в этом году прошли в Москве, Астрахани и Казани."),
    "b08": (
        "أكد نائب وزير الخارجية الروسي، أندريه رودينكو، أن العلاقات بين روسيا الاتحادية وجمهورية كازاخستان ستظل في صلب الشراكة الاستراتيجية على الرغم من معارضة اللاعبين غير الإقليميين.",
        "Russian Deputy Foreign Minister Andrey Rudenko affirmed that relations between the Russian Federation and the Republic of Kazakhstan will remain at the heart of the strategic partnership despite opposition from players outside the region.",
        "Заместитель министра иностранных дел России Андрей Руденко заявил, что отношения между Российской Федерацией и Республикой Казахстан останутся в основе стратегического партнёрства, несмотря на противодействие внерегиональных игроков."),
    "b09": (
        "وجاء كلام رودينكو يوم أمس الخميس 16 تموز/ يوليو، في مقابلة مفتوحة مع النائب الأول للمدير العام لوكالة \"تاس\"، ميخائيل غوسمان.",
        "Rudenko spoke yesterday, Thursday, July 16, in an open interview with Mikhail Gusman, first deputy director general of TASS.",
        "Руденко выступил вчера, в четверг, 16 июля, в открытом интервью первому заместителю генерального директора ТАСС Михаилу Гусману."),
    "b10": (
        "كما أشار رودينكو إلى أن روسيا وأوزبكستان تستعدان للتوقيع على حوالي 20 مشروع اتفاقية حكومية دولية.",
        "Rudenko also said that Russia and Uzbekistan are getting ready to sign some 20 draft intergovernmental agreements.",
        "Руденко также сообщил, что Россия и Узбекистан готовятся к подписанию примерно 20 проектов межправительственных соглашений."),
    "b11": (
        "وأضاف: \"لسوء الحظ، بسبب انتشار الوباء، اضطررنا إلى تأجيل زيارة الدولة التي قام بها السيد (رئيس أوزبكستان شوكت) ميرزيوييف إلى روسيا الاتحادية إلى موعد لاحق، لكننا نأمل أن يتم ذلك على أي حال\".",
        "He added: \"Unfortunately, because of the spread of the pandemic, we had to postpone the state visit of Mr (Uzbek President Shavkat) Mirziyoyev to the Russian Federation to a later date, but we hope that it will take place in any case.\"",
        "Он добавил: «К сожалению, из-за распространения пандемии нам пришлось перенести государственный визит господина (президента Узбекистана Шавката) Мирзиёева в Российскую Федерацию на более поздний срок, но мы надеемся, что он в любом случае состоится»."),
    "b12": (
        "وقال الوزير لافروف في مقابلة مع وكالة الأنباء الدولية \"كاز إنفورم\": \"إن مساهمة الرئيس الأول في تطوير علاقات التحالف والشراكة الاستراتيجية مع روسيا لها قيمة خاصة\".",
        "In an interview with the international news agency Kazinform, Minister Lavrov said: \"The contribution of the First President to developing relations of alliance and strategic partnership with Russia is of special value.\"",
        "В интервью международному информационному агентству «Казинформ» министр Лавров сказал: «Вклад Первого Президента в развитие союзнических отношений и стратегического партнёрства с Россией имеет особую ценность»."),
    "b13": (
        "وأضاف لافروف: \"نحن معاً، نعمل على ضمان الأمن الإقليمي، ونساهم في الحفاظ على الاستقرار في أوراسيا ككل\"، لافتاً إلى أن نزارباييف أصبح أحد مهندسي التقارب الاقتصادي للدول في منطقة ما بعد الاتحاد السوفيتي، وأن التتويج، كما تعلمون، كان إطلاق الاتحاد الاقتصادي الأوراسي في 1 يناير/كانون الثاني 2015.",
        "\"Together we work to ensure regional security and help maintain stability in Eurasia as a whole,\" Lavrov added, pointing out that Nazarbayev became one of the architects of the economic rapprochement of the post-Soviet states, and that its crowning achievement, as you know, was the launch of the Eurasian Economic Union on January 1, 2015.",
        "«Вместе мы обеспечиваем региональную безопасность и содействуем сохранению стабильности в Евразии в целом», — добавил Лавров, отметив, что Назарбаев стал одним из архитекторов экономического сближения государств постсоветского пространства, а венцом этого, как известно, стал запуск Евразийского экономического союза 1 января 2015 года."),
    "b14": (
        "ووفقا للوزير الروسي فإن كازاخستان أصبحت \"واحدة من قاطرات عمليات التكامل في أوراسيا\" منذ أن أعرب نزارباييف عام 1994 عن فكرة إنشاء الاتحاد الاقتصادي الأوروبي الآسيوي.",
        "According to the Russian minister, Kazakhstan has been \"one of the locomotives of integration processes in Eurasia\" since Nazarbayev put forward the idea of creating the Eurasian Economic Union in 1994.",
        "По словам российского министра, Казахстан стал «одним из локомотивов интеграционных процессов в Евразии» с тех пор, как Назарбаев в 1994 году выдвинул идею создания Евразийского экономического союза."),
    "b15": (
        "وأوضح أن جدول أعمال المنظمة في الوقت الحالي هو \"الاعتماد والتنفيذ اللاحق للتوجيهات الاستراتيجية لتطوير التكامل الاقتصادي الأوروبي الآسيوي حتى عام 2025\"، وفي إطار هذا المشروع، تم التخطيط لأكثر من 300 فعالية في مختلف مجالات التعاون.",
        "He explained that the organisation's current agenda is \"the adoption and subsequent implementation of the Strategic Directions for Developing Eurasian Economic Integration until 2025\", and that more than 300 events in various areas of cooperation have been planned under this project.",
        "Он пояснил, что сейчас в повестке дня организации — «принятие и последующая реализация Стратегических направлений развития евразийской экономической интеграции до 2025 года», и в рамках этого проекта запланировано более 300 мероприятий в различных областях сотрудничества."),
    "b16": (
        "كما أشار لافروف إلى التعاون النشط بين موسكو ونور سلطان في الاتحاد الاقتصادي الأوراسي لضمان أربع حريات في الفضاء النقابي: الحركة غير المعوقة للسلع، الخدمات، رأس المال والعمالة.",
        "Lavrov also noted the active cooperation between Moscow and Nur-Sultan in the Eurasian Economic Union to ensure the four freedoms in the union's space: the unhindered movement of goods, services, capital and labour.",
        "Лавров также отметил активное взаимодействие Москвы и Нур-Султана в Евразийском экономическом союзе по обеспечению четырёх свобод на пространстве союза: беспрепятственного движения товаров, услуг, капитала и рабочей силы."),
    "b17": (
        "أوضح وزير الخارجية الروسي - سيرغي لافروف، أن حل القضايا الناشئة في العلاقات مع جمهورية كازاخستان يساعد على تعزيز علاقات الحلفاء بين أستانا وموسكو، وذلك خلال مؤتمر صحفي عقب زيارة عمل لكازاخستان اليوم الخميس 7 نوفمبر/تشرين الثاني 2024.",
        "Speaking at a press conference after a working visit to Kazakhstan on Thursday, November 7, 2024, Russian Foreign Minister Sergey Lavrov explained that settling the issues that arise in relations with the Republic of Kazakhstan helps strengthen the allied ties between Astana and Moscow.",
        "Министр иностранных дел России Сергей Лавров пояснил, что решение возникающих в отношениях с Республикой Казахстан вопросов помогает укреплять союзнические связи между Астаной и Москвой; он выступил на пресс-конференции по итогам рабочего визита в Казахстан в четверг, 7 ноября 2024 года."),
    "b18": (
        "كما أشار الوزير الروسي إلى أن مجال العلاقات الثقافية والتعليمية تمت مناقشته في الاجتماع مع نظيره الكازاخستاني، على وجه الخصوص، بناء ثلاث مدارس مشتركة في كازاخستان، والتي ستقدم خدمات تعليمية باللغة الروسية.",
        "The Russian minister also said that cultural and educational ties had been discussed at the meeting with his Kazakh counterpart, in particular the construction of three joint schools in Kazakhstan that will teach in Russian.",
        "Российский министр также отметил, что на встрече с казахстанским коллегой обсуждалась сфера культурных и образовательных связей, в частности строительство в Казахстане трёх совместных школ, где обучение будет вестись на русском языке."),
    "b19": (
        "في وقت سابق، قال نائب وزير خارجية كازاخستان - رومان فاسيلينكو، إنه لا توجد مشاكل في العلاقات الثنائية بين أستانا وموسكو، ولكن هناك بعض القضايا.",
        "Earlier, Kazakhstan's Deputy Foreign Minister Roman Vassilenko said there were no problems in bilateral relations between Astana and Moscow, but there were some issues.",
        "Ранее заместитель министра иностранных дел Казахстана Роман Василенко заявил, что проблем в двусторонних отношениях Астаны и Москвы нет, но есть отдельные вопросы."),
    "b20": (
        "يستضيف وزير الخارجية الروسي - سيرغي لافروف نظيره الكازاخستاني - إرزان كازيخانوف، لإجراء محادثات في موسكو.",
        "Russian Foreign Minister Sergey Lavrov is hosting his Kazakh counterpart Yerzhan Kazykhanov for talks in Moscow.",
        "Министр иностранных дел России Сергей Лавров принимает в Москве своего казахстанского коллегу Ержана Казыханова для переговоров."),
    "b21": (
        "وتُعد هذه أول زيارة رسمية لكازيخانوف إلى روسيا منذ توليه منصب وزير خارجية كازاخستان، وذلك اليوم الأربعاء 22 أكتوبر/تشرين الأول 2025.",
        "The visit, on Wednesday, October 22, 2025, is Kazykhanov's first official trip to Russia since he became Kazakhstan's foreign minister.",
        "Визит в среду, 22 октября 2025 года, стал первой официальной поездкой Казыханова в Россию с тех пор, как он занял пост министра иностранных дел Казахстана."),
    "b22": (
        "وأشارت زاخاروفا إلى أنه \"سيتم إيلاء اهتمام خاص للتعاون الروسي - الكازاخستاني في إطار التكامل الأوراسي\".",
        "Zakharova noted that \"special attention will be paid to Russian-Kazakh cooperation within Eurasian integration.\"",
        "Захарова отметила, что «особое внимание будет уделено российско-казахстанскому сотрудничеству в рамках евразийской интеграции»."),
    "b23": (
        "أكد الرئيس الروسي - فلاديمير بوتين تقدير روسيا العميق لعلاقتها مع كازاخستان خلال لقائهما في قمة \"رابطة الدول المستقلة\" في عاصمة طاجيكستان - دوشنبه. بدوره أكد توكاييف، في كلمته أمام قمة روسيا وآسيا الوسطى، أن روسيا \"كانت ولا تزال وستظل حليفاً وشريكاً استراتيجياً لكازاخستان\".",
        "Russian President Vladimir Putin stressed how deeply Russia values its relationship with Kazakhstan when the two leaders met at the CIS summit in the Tajik capital, Dushanbe. Tokayev, for his part, said in his speech at the Russia–Central Asia summit that Russia \"has been, is and will remain an ally and strategic partner of Kazakhstan.\"",
        "Президент России Владимир Путин подчеркнул, что Россия глубоко ценит отношения с Казахстаном, во время их встречи на саммите СНГ в столице Таджикистана Душанбе. Токаев, в свою очередь, в выступлении на саммите «Россия – Центральная Азия» заявил, что Россия «была, есть и будет союзником и стратегическим партнёром Казахстана»."),
    "b24": (
        "من المقرر أن يقوم الرئيس توكاييف بزيارة دولة إلى روسيا في 12 نوفمبر/تشرين الثاني المقبل. وصرح توكاييف خلال لقائه في دوشنبه مع بوتين: \"نولي أهمية كبيرة لهذا الحدث ونستعد له بكل جدية\".",
        "President Tokayev is due to pay a state visit to Russia on November 12. \"We attach great importance to this event and are preparing for it very seriously,\" Tokayev told Putin at their meeting in Dushanbe.",
        "Президент Токаев 12 ноября совершит государственный визит в Россию. «Мы придаём этому событию большое значение и очень серьёзно к нему готовимся», — заявил Токаев на встрече с Путиным в Душанбе."),
    "b25": (
        "كما أكد الرئيس الكازاخستاني أن بلاده تشترك مع روسيا في أطول حدود برية متصلة في العالم، بطول 7,591 كيلومتراً.",
        "The Kazakh president also pointed out that his country shares with Russia the world's longest continuous land border, 7,591 kilometres long.",
        "Казахстанский президент также указал, что его страна и Россия имеют самую длинную в мире непрерывную сухопутную границу протяжённостью 7591 километр."),
    "b26": (
        "أشار السفير الروسي لدى كازاخستان - أليكسي بورودافكين، في مقابلة مع وكالة \"تاس\" للأنباء في فبراير/شباط الماضي، إلى أن العلاقات الثنائية تتطور \"على جميع الأصعدة\"، موضحاً أنه \"لا يمكن لأي عقوبات غربية أن توقف هذا التقدم\".",
        "In an interview with the TASS news agency last February, Russian Ambassador to Kazakhstan Alexey Borodavkin said bilateral relations were developing \"on all fronts\", explaining that \"no Western sanctions can stop this progress.\"",
        "Посол России в Казахстане Алексей Бородавкин в интервью агентству ТАСС в феврале отметил, что двусторонние отношения развиваются «по всем направлениям», пояснив, что «никакие западные санкции не могут остановить этот прогресс»."),
    "b27": (
        "وخلال اجتماع عُقد في 10 أكتوبر، اقترح الرئيس الكازاخستاني مناقشة العديد من المشاريع المشتركة مع روسيا، بما في ذلك بناء محطة للطاقة النووية في كازاخستان.",
        "At a meeting held on October 10, the Kazakh president proposed discussing a number of joint projects with Russia, including the construction of a nuclear power plant in Kazakhstan.",
        "На совещании 10 октября президент Казахстана предложил обсудить ряд совместных с Россией проектов, в том числе строительство в Казахстане атомной электростанции."),
    "b28": (
        "وختم لافروف: \"اليوم، يدعم عدد متزايد من شركائنا مبادرة الرئيس (الروسي) فلاديمير بوتين لتشكيل شراكة أوراسية أكبر\".",
        "Lavrov concluded: \"Today a growing number of our partners support the initiative of (Russian) President Vladimir Putin to form a Greater Eurasian Partnership.\"",
        "Лавров заключил: «Сегодня всё больше наших партнёров поддерживают инициативу президента (России) Владимира Путина по формированию Большого евразийского партнёрства»."),
}

# (base, lang of the target, kinds, [(old, new), ...] applied to that language's reference; with_other)
# with_other False: the case has no `other` (a single-language check, as on a one-target article).
PERTURBED: list[tuple[str, str, list[str], list[tuple[str, str]], bool]] = [
    # --- numbers: changed, dropped, moved onto another noun, misread ordinals, wrong year
    ("b02", "en", ["number"], [("30th", "20th")], True),
    ("b02", "ru", ["number"], [("30-летия", "40-летия")], False),
    ("b05", "en", ["number"], [("three decades", "four decades")], True),
    ("b05", "ru", ["number"], [("три десятилетия", "два десятилетия")], True),
    ("b09", "en", ["number"], [("July 16", "July 26")], True),
    ("b09", "ru", ["number"], [("16 июля", "15 июля")], False),
    ("b10", "en", ["number"], [("some 20", "some 200")], True),
    ("b10", "ru", ["number"], [("примерно 20", "примерно 12")], True),
    ("b13", "en", ["number"], [("January 1, 2015", "January 1, 2016")], True),
    ("b14", "ru", ["number"], [("в 1994 году", "в 1991 году")], True),
    ("b15", "en", ["number"], [("more than 300 events", "more than 30 events")], True),
    ("b15", "ru", ["number"], [("до 2025 года", "до 2030 года")], False),
    ("b16", "en", ["number"], [("the four freedoms", "the three freedoms")], True),
    ("b17", "ru", ["number"], [("7 ноября 2024", "17 ноября 2024")], True),
    ("b18", "en", ["number"], [("three joint schools", "two joint schools")], False),
    ("b21", "en", ["number"], [("October 22, 2025", "October 22, 2024")], True),
    ("b24", "ru", ["number"], [("12 ноября", "21 ноября")], True),
    ("b25", "en", ["number"], [("7,591", "7,951")], True),
    ("b25", "ru", ["number"], [("7591", "7519")], True),
    ("b27", "en", ["number"], [("October 10", "October 1")], False),
    ("b21", "ru", ["number"], [("22 октября 2025 года", "октябре 2025 года")], True),
    # --- names: another spelling, another person, a garbled transliteration, a dropped name
    ("b01", "en", ["name"], [("Sergey Lavrov", "Sergey Lavrentyev")], True),
    ("b01", "ru", ["name"], [("Сергей Лавров", "Сергей Лавреньтев")], False),
    ("b08", "en", ["name"], [("Andrey Rudenko", "Andrey Rodenko")], True),
    ("b08", "ru", ["name"], [("Андрей Руденко", "Андрей Родинко")], True),
    ("b13", "en", ["name"], [("Nazarbayev became", "Tokayev became")], True),
    ("b13", "ru", ["name"], [("Назарбаев стал", "Токаев стал")], True),
    ("b14", "en", ["name"], [("since Nazarbayev put", "since Nazarbaev put")], True),
    ("b16", "ru", ["name"], [("Лавров также", "Лаврентьев также")], True),
    ("b19", "en", ["name"], [("Astana and Moscow", "Almaty and Moscow")], True),
    ("b20", "en", ["name"], [("Yerzhan Kazykhanov", "Yerzhan Kazikhanov")], False),
    ("b20", "ru", ["name"], [("Ержана Казыханова", "Ержана Казиханова")], True),
    ("b22", "en", ["name"], [("Zakharova noted", "Zakharov noted")], True),
    ("b22", "ru", ["name"], [("Захарова отметила", "Захаров отметил")], True),
    ("b24", "en", ["name"], [("President Tokayev is due", "President Tokaev is due")], True),
    ("b26", "ru", ["name"], [("Алексей Бородавкин", "Алексей Бородин")], True),
    ("b27", "en", ["name"], [("in Kazakhstan.", "in Kyrgyzstan.")], True),
    ("b11", "ru", ["name"], [("Мирзиёева", "Мирзаева")], False),
    # --- quotations: re-attributed, quote marks and speaker dropped, two quotations merged into one speaker's
    ("b23", "en", ["quote"], [("Tokayev, for his part, said", "Putin, for his part, said"),
                              ("Russian President Vladimir Putin stressed", "Kazakh President Tokayev stressed")], True),
    ("b23", "ru", ["quote"], [("Токаев, в свою очередь", "Путин, в свою очередь"),
                              ("Президент России Владимир Путин подчеркнул", "Президент Казахстана Токаев подчеркнул")], True),
    ("b24", "en", ["quote"], [("Tokayev told Putin", "Putin told Tokayev")], True),
    ("b24", "ru", ["quote"], [("заявил Токаев на встрече с Путиным", "заявил Путин на встрече с Токаевым")], True),
    ("b04", "en", ["quote", "name"], [("Lavrov added", "Zakharova added")], True),
    ("b04", "ru", ["quote", "name"], [("Лавров добавил", "Захарова добавила")], False),
    ("b12", "en", ["quote", "name"], [("Minister Lavrov said", "Minister Kazykhanov said")], True),
    ("b12", "ru", ["quote", "name"], [("министр Лавров сказал", "министр Казыханов сказал")], True),
    ("b13", "en", ["quote"], [("\"Together we work to ensure regional security and help maintain stability in Eurasia as a whole,\" Lavrov added, pointing out that Nazarbayev",
                               "Lavrov added, pointing out that Nazarbayev, who said that together they work to ensure regional security and help maintain stability in Eurasia as a whole,")], True),
    ("b22", "ru", ["quote", "name"], [("Захарова отметила, что «особое внимание будет уделено", "Отмечается, что особое внимание будет уделено"),
                              ("интеграции».", "интеграции.")], True),
    ("b22", "en", ["quote", "name"], [("Zakharova noted that \"special attention will be paid", "Special attention will be paid"),
                              ("integration.\"", "integration.")], False),
    ("b28", "en", ["quote", "name"], [("Lavrov concluded: \"Today a growing number", "Today a growing number"),
                              ("Partnership.\"", "Partnership.")], True),
    ("b28", "ru", ["quote", "name"], [("Лавров заключил: «Сегодня всё больше", "Сегодня всё больше"),
                              ("партнёрства».", "партнёрства.")], True),
    ("b06", "ru", ["quote"], [("отметив, что «ярким примером", "отметив, что ярким примером"), ("Байконур».", "Байконур.")], True),
    ("b26", "en", ["quote"], [("explaining that \"no Western sanctions can stop this progress.\"", "explaining that no sanctions could halt it.")], True),
    ("b03", "ru", ["quote", "omission"], [("«При этом мы не остановимся на достигнутом», — продолжил министр, добавив: «Мы", "Министр добавил: «Мы")], True),
    ("b03", "en", ["quote", "omission"], [("The minister went on: \"At the same time, we will not stop there,\" adding: \"We", "The minister added: \"We")], True),
    # --- omissions: a clause or a sentence dropped (an LLM skipping or summarising)
    ("b01", "en", ["omission"], [(", noting that no one will be able to drive a wedge between the two countries", "")], True),
    ("b01", "ru", ["omission"], [(", отметив, что никому не удастся вбить клин между двумя странами", "")], True),
    ("b04", "en", ["omission"], [(" No one can drive a wedge between us.", "")], True),
    ("b04", "ru", ["omission"], [(" Нынешний уровень взаимного доверия позволяет обсуждать даже самые трудные вопросы, которые жизнь порой ставит перед нашими странами, и договариваться о взаимоприемлемых путях их решения", "")], True),
    ("b05", "en", ["omission"], [(" the centuries-old ties of friendship and good-neighbourliness that unite their peoples", " their ties")], True),
    ("b07", "en", ["omission", "name"], [(", held this year in Moscow, Astrakhan and Kazan", "")], True),
    ("b07", "ru", ["omission", "name"], [(", Астрахани и Казани", "")], False),
    ("b08", "ru", ["omission"], [(", несмотря на противодействие внерегиональных игроков", "")], True),
    ("b11", "en", ["omission"], [(", but we hope that it will take place in any case", "")], True),
    ("b13", "ru", ["omission", "number"], [(", а венцом этого, как известно, стал запуск Евразийского экономического союза 1 января 2015 года", "")], True),
    ("b15", "en", ["omission", "number"], [(", and that more than 300 events in various areas of cooperation have been planned under this project", "")], True),
    ("b17", "en", ["omission", "number", "name"], [("Speaking at a press conference after a working visit to Kazakhstan on Thursday, November 7, 2024, Russian", "Russian")], True),
    ("b18", "ru", ["omission"], [(", где обучение будет вестись на русском языке", "")], True),
    ("b19", "en", ["omission"], [(", but there were some issues", "")], False),
    ("b23", "en", ["omission", "quote", "name"], [(" Tokayev, for his part, said in his speech at the Russia–Central Asia summit that Russia \"has been, is and will remain an ally and strategic partner of Kazakhstan.\"", "")], True),
    ("b26", "ru", ["omission", "quote"], [(", пояснив, что «никакие западные санкции не могут остановить этот прогресс»", "")], True),
    ("b27", "ru", ["omission", "name"], [(", в том числе строительство в Казахстане атомной электростанции", "")], True),
    ("b16", "en", ["omission"], [(": the unhindered movement of goods, services, capital and labour", "")], True),
    # --- additions: an LLM explaining, commenting or inventing
    ("b02", "en", ["addition"], [("Russia and Kazakhstan.", "Russia and Kazakhstan, which were established shortly after the collapse of the Soviet Union and have since grown into one of the closest partnerships in the region.")], True),
    ("b05", "ru", ["addition"], [("их народы.", "их народы. Эти слова подчёркивают особый характер российско-казахстанских отношений, которые многие эксперты считают образцовыми.")], True),
    ("b06", "en", ["addition"], [("space centre.\"", "space centre.\" Baikonur, built in the Kazakh steppe in the 1950s, is the world's first and largest spaceport.")], True),
    ("b08", "en", ["addition"], [("outside the region.", "outside the region, a phrase widely understood as a reference to Western countries seeking to weaken Moscow's influence in Central Asia.")], True),
    ("b10", "ru", ["addition"], [("соглашений.", "соглашений, которые охватывают торговлю, энергетику, транспорт, образование и военно-техническое сотрудничество.")], True),
    ("b12", "en", ["addition"], [("Kazinform,", "Kazinform, the state news agency of Kazakhstan founded in 1920,")], True),
    ("b14", "ru", ["addition"], [("экономического союза.", "экономического союза, выступив с этой идеей в лекции в Московском государственном университете и положив начало многолетней дискуссии о будущем постсоветского пространства.")], True),
    ("b16", "ru", ["addition"], [("рабочей силы.", "рабочей силы, что на практике означает отмену таможенных барьеров, единые технические стандарты и свободный доступ граждан к рынкам труда всех стран союза.")], False),
    ("b18", "en", ["addition"], [("teach in Russian.", "teach in Russian, a language spoken by most of Kazakhstan's population and still widely used in business, science and government.")], True),
    ("b19", "ru", ["addition"], [("отдельные вопросы.", "отдельные вопросы, касающиеся прежде всего торговли, транзита и использования русского языка, о которых стороны регулярно говорят на переговорах.")], True),
    ("b20", "en", ["addition"], [("for talks in Moscow.", "for talks in Moscow. The two ministers are expected to sign several documents and to hold a joint press conference after the meeting.")], True),
    ("b21", "ru", ["addition"], [("Казахстана.", "Казахстана. Ранее он много лет работал послом в разных странах и считается одним из самых опытных дипломатов республики.")], True),
    ("b25", "en", ["addition"], [("kilometres long.", "kilometres long, stretching from the Caspian Sea to the Altai mountains and crossing steppes, deserts and forests.")], True),
    ("b27", "en", ["addition"], [("in Kazakhstan.", "in Kazakhstan, a project that Rosatom has long sought and that Kazakh voters approved in a referendum.")], True),
    ("b09", "ru", ["addition"], [("Михаилу Гусману.", "Михаилу Гусману, известному телеведущему и автору программы интервью с мировыми лидерами.")], True),
    ("b22", "en", ["addition"], [("Eurasian integration.\"", "Eurasian integration.\" She also said the ministers would discuss energy, transport corridors and the situation in Afghanistan.")], True),
    # --- en/ru disagreement with the target itself right: the other language was changed
]

# The other language is wrong; the target is right. (base, lang of the TARGET, [(old, new)] applied to the OTHER)
OTHER_WRONG: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("b02", "en", [("30-летия", "25-летия")]),
    ("b05", "ru", [("three decades", "two decades")]),
    ("b09", "en", [("16 июля", "18 июля")]),
    ("b10", "ru", [("some 20", "some 30")]),
    ("b13", "en", [("1 января 2015 года", "1 января 2014 года")]),
    ("b14", "ru", [("in 1994", "in 1992")]),
    ("b25", "ru", [("7,591", "7,159")]),
    ("b24", "en", [("12 ноября", "2 ноября")]),
    ("b01", "ru", [("Sergey Lavrov", "Sergey Shoigu")]),
    ("b08", "en", [("Андрей Руденко", "Андрей Рябков")]),
    ("b13", "ru", [("Nazarbayev became", "Tokayev became")]),
    ("b20", "en", [("Ержана Казыханова", "Ержана Карина")]),
    ("b22", "en", [("Захарова отметила", "Кузнецова отметила")]),
    ("b24", "ru", [("Tokayev told Putin", "Putin told Tokayev")]),
    ("b23", "en", [("Токаев, в свою очередь", "Путин, в свою очередь")]),
    ("b17", "en", [("7 ноября 2024", "8 ноября 2024")]),
]

# The wrong language: (base, lang expected, the text given) — another target's reference, Ukrainian, French,
# German, or the Arabic left as it was.
WRONG_LANGUAGE: list[tuple[str, str, str]] = [
    ("b01", "ru", "@en"), ("b04", "en", "@ru"), ("b08", "ru", "@en"), ("b10", "en", "@ru"), ("b12", "ru", "@en"),
    ("b16", "en", "@ru"), ("b19", "ru", "@en"), ("b27", "en", "@ru"),
    ("b10", "ru", "Руденко також повідомив, що Росія та Узбекистан готуються підписати приблизно 20 проєктів міжурядових угод."),
    ("b20", "ru", "Міністр закордонних справ Росії Сергій Лавров приймає в Москві свого казахстанського колегу Єржана Казиханова для переговорів."),
    ("b27", "ru", "На нараді 10 жовтня президент Казахстану запропонував обговорити низку спільних із Росією проєктів, зокрема будівництво в Казахстані атомної електростанції."),
    ("b25", "en", "Le président kazakh a également souligné que son pays partage avec la Russie la plus longue frontière terrestre continue du monde, longue de 7 591 kilomètres."),
    ("b20", "en", "Le ministre russe des Affaires étrangères Sergueï Lavrov reçoit son homologue kazakh Yerzhan Kazykhanov pour des entretiens à Moscou."),
    ("b10", "en", "Rudenko sagte außerdem, Russland und Usbekistan bereiteten die Unterzeichnung von rund 20 Entwürfen zwischenstaatlicher Abkommen vor."),
    ("b19", "en", "@ar"), ("b27", "ru", "@ar"),
]

# Clean variants that say the same as the source: (base, lang, text). Paraphrases, reordered clauses, other
# Russian cases of the names, numbers written out in words.
CLEAN_VARIANTS: list[tuple[str, str, str]] = [
    ("b01", "en", "The level of mutual trust between Russia and Kazakhstan makes it possible to discuss and frankly settle even the hardest questions, Russian Foreign Minister Sergey Lavrov said, adding that nobody would manage to drive a wedge between the two countries."),
    ("b01", "ru", "Уровень взаимного доверия России и Казахстана позволяет откровенно обсуждать и решать самые трудные вопросы, заявил глава МИД России Сергей Лавров, подчеркнув, что вбить клин между двумя странами никому не удастся."),
    ("b02", "en", "Lavrov's words came in a message to the readers of \"International Affairs\" magazine marking the thirtieth anniversary of diplomatic relations between Russia and Kazakhstan."),
    ("b02", "ru", "Слова Лаврова прозвучали в обращении к читателям журнала «Международная жизнь», приуроченном к тридцатилетию установления дипломатических отношений между Россией и Казахстаном."),
    ("b05", "en", "Over the last 3 decades, the head of Russian diplomacy noted in the same context, the two countries have succeeded in strengthening the age-old bonds of friendship and good neighbourliness uniting their peoples."),
    ("b09", "en", "Rudenko's remarks were made on Thursday, the 16th of July, in an open interview with TASS first deputy director general Mikhail Gusman."),
    ("b09", "ru", "Слова Руденко прозвучали накануне, в четверг 16 июля, в открытом интервью Михаила Гусмана, первого заместителя генерального директора ТАСС."),
    ("b10", "en", "Rudenko also noted that Russia and Uzbekistan were preparing to sign about twenty draft intergovernmental agreements."),
    ("b10", "ru", "Кроме того, по словам Руденко, Россия и Узбекистан готовятся подписать около двадцати проектов межправительственных соглашений."),
    ("b13", "en", "Lavrov added that \"together we work to ensure regional security and contribute to maintaining stability in Eurasia as a whole\", noting that Nazarbayev became one of the architects of economic convergence among the post-Soviet states, crowned, as is well known, by the launch of the Eurasian Economic Union on 1 January 2015."),
    ("b14", "en", "Since Nazarbayev proposed creating the Eurasian Economic Union in 1994, Kazakhstan has become \"one of the locomotives of integration processes in Eurasia\", according to the Russian minister."),
    ("b16", "en", "Lavrov also pointed to active cooperation between Moscow and Nur-Sultan within the Eurasian Economic Union on guaranteeing 4 freedoms across the union: free movement of goods, services, capital and labour."),
    ("b16", "ru", "Лавров также указал на активное сотрудничество Москвы и Нур-Султана в Евразийском экономическом союзе для обеспечения 4 свобод в пространстве союза: свободного движения товаров, услуг, капитала и рабочей силы."),
    ("b17", "en", "Russian Foreign Minister Sergey Lavrov explained that resolving issues that arise in relations with the Republic of Kazakhstan helps strengthen allied relations between Astana and Moscow; he was speaking at a press conference after a working visit to Kazakhstan on Thursday, 7 November 2024."),
    ("b18", "ru", "Российский министр также сообщил, что на встрече с казахстанским коллегой обсуждались культурные и образовательные связи, в частности строительство трех совместных школ в Казахстане с обучением на русском языке."),
    ("b19", "ru", "Ранее замглавы МИД Казахстана Роман Василенко сказал, что в двусторонних отношениях между Астаной и Москвой проблем нет, хотя отдельные вопросы есть."),
    ("b20", "ru", "Глава МИД России Сергей Лавров проводит в Москве переговоры с казахстанским коллегой Ержаном Казыхановым."),
    ("b21", "en", "It is Kazykhanov's first official visit to Russia since taking office as Kazakhstan's foreign minister; it takes place today, Wednesday 22 October 2025."),
    ("b22", "ru", "По словам Захаровой, «особое внимание будет уделено российско-казахстанскому сотрудничеству в рамках евразийской интеграции»."),
    ("b23", "ru", "Во время встречи на саммите СНГ в столице Таджикистана Душанбе президент России Владимир Путин подчеркнул, как высоко Россия ценит отношения с Казахстаном. Токаев же в речи на саммите «Россия – Центральная Азия» заявил, что Россия «была, есть и будет союзником и стратегическим партнером Казахстана»."),
    ("b24", "en", "Tokayev is scheduled to make a state visit to Russia on 12 November. Meeting Putin in Dushanbe, Tokayev said: \"We attach great importance to this event and are preparing for it very seriously.\""),
    ("b24", "ru", "Государственный визит президента Токаева в Россию запланирован на 12 ноября. На встрече с Путиным в Душанбе Токаев заявил: «Мы придаем этому событию большое значение и готовимся к нему со всей серьезностью»."),
    ("b25", "en", "The Kazakh president also stressed that his country and Russia share the longest continuous land border in the world, 7591 km long."),
    ("b25", "ru", "Президент Казахстана также подчеркнул, что его страна граничит с Россией по самой протяжённой в мире непрерывной сухопутной границе длиной 7 591 км."),
    ("b26", "ru", "В интервью ТАСС в феврале посол России в Казахстане Алексей Бородавкин сказал, что двусторонние отношения развиваются «по всем направлениям», и пояснил, что «никакие западные санкции не могут остановить этот прогресс»."),
    ("b27", "en", "At a meeting on 10 October, the Kazakh president suggested discussing several joint projects with Russia, among them building a nuclear power plant in Kazakhstan."),
    ("b28", "ru", "«Сегодня всё больше наших партнёров поддерживают инициативу президента (России) Владимира Путина по формированию Большого евразийского партнёрства», — заключил Лавров."),
    ("b11", "en", "\"Unfortunately, because of the pandemic we had to postpone to a later date the state visit to the Russian Federation by Mr (Uzbek President Shavkat) Mirziyoyev, but we hope it will happen in any case,\" he added."),
    ("b12", "ru", "Министр Лавров в интервью международному агентству «Казинформ» сказал: «Вклад Первого Президента в развитие отношений союзничества и стратегического партнёрства с Россией особенно ценен»."),
    ("b07", "en", "The minister also spoke of growing cultural and humanitarian exchanges and of the regular \"Days of Russia in Kazakhstan\" and \"Days of Kazakhstan in Russia\", which this year took place in Moscow, Astrakhan and Kazan."),
    ("b03", "en", "\"At the same time, we will not stop there,\" the minister continued, adding: \"We will keep working together to take bilateral relations to new horizons for the benefit of our fraternal peoples, for the sake of stronger regional security and stability.\""),
    ("b06", "en", "Cooperation is growing along the world's longest land border, Sergey Lavrov said, noting that \"a striking example of a true strategic partnership is the joint use of the Baikonur cosmodrome.\""),
]


def _apply(text: str, edits: list[tuple[str, str]], where: str) -> str:
    for old, new in edits:
        if old not in text:
            raise SystemExit(f"{where}: {old!r} is not in the reference")
        text = text.replace(old, new, 1)
    return text


def cases() -> list[dict[str, object]]:
    """Every case of the corpus, clean references first."""
    out: list[dict[str, object]] = []
    refs = {base: {"ar": ar, "en": en, "ru": ru} for base, (ar, en, ru) in BASE.items()}
    for base, ref in refs.items():
        for lang, other in (("en", "ru"), ("ru", "en")):
            out.append({"id": f"{base}-{lang}-ref", "source": ref["ar"], "lang": lang, "target": ref[lang],
                        "other": ref[other], "errors": []})
    for n, (base, lang, text) in enumerate(CLEAN_VARIANTS):
        other = "ru" if lang == "en" else "en"
        out.append({"id": f"{base}-{lang}-clean{n}", "source": refs[base]["ar"], "lang": lang, "target": text,
                    "other": refs[base][other], "errors": []})
    for n, (base, lang, kinds, edits, with_other) in enumerate(PERTURBED):
        other = "ru" if lang == "en" else "en"
        labels = list(kinds)
        if with_other and {"number", "name", "quote"} & set(kinds):
            labels.append("cross_language")
        case: dict[str, object] = {"id": f"{base}-{lang}-{kinds[0]}{n}", "source": refs[base]["ar"], "lang": lang,
                                   "target": _apply(refs[base][lang], edits, f"{base} {lang}")}
        if with_other:
            case["other"] = refs[base][other]
        case["errors"] = labels
        out.append(case)
    for n, (base, lang, edits) in enumerate(OTHER_WRONG):
        other = "ru" if lang == "en" else "en"
        out.append({"id": f"{base}-{lang}-other{n}", "source": refs[base]["ar"], "lang": lang, "target": refs[base][lang],
                    "other": _apply(refs[base][other], edits, f"{base} {other}"), "errors": ["cross_language"]})
    for n, (base, lang, given) in enumerate(WRONG_LANGUAGE):
        other = "ru" if lang == "en" else "en"
        text = refs[base][given[1:]] if given.startswith("@") else given
        out.append({"id": f"{base}-{lang}-language{n}", "source": refs[base]["ar"], "lang": lang, "target": text,
                    "other": refs[base][other], "errors": ["language"]})
    return out


def main() -> None:
    path = Path(__file__).resolve().parent / "seeded_errors.jsonl"
    rows = cases()
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    kinds: dict[str, int] = {}
    for row in rows:
        for kind in row["errors"] or ["clean"]:  # type: ignore[attr-defined]
            kinds[kind] = kinds.get(kind, 0) + 1
    print(path, len(rows), "cases", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
