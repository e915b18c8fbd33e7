"""Writes tests/data/seeded_errors_holdout.jsonl: a small held-out corpus, written after the checks were built and
run on it once, unchanged, to see how far the main corpus's figures carry to segments the checks never saw
(docs/checks.md reports both). Same schema and labelling rules as build_seeded_errors.py; references by hand."""

from __future__ import annotations

import json
from pathlib import Path

BASE = {
    "h1": ("وأضاف رئيس السلك الدبلوماسي الروسي: \"تترأس روسيا منظمة معاهدة الأمن الجماعي هذا العام. نشعر بدعم كازاخستان الشامل للأولويات الروسية، لأن هذا يعني ضمنا طبيعة علاقاتنا كحلفاء\".",
           "The head of Russian diplomacy added: \"Russia chairs the Collective Security Treaty Organization this year. We feel Kazakhstan's full support for the Russian priorities, because this is implied by the allied nature of our relations.\"",
           "Глава российской дипломатии добавил: «В этом году Россия председательствует в Организации Договора о коллективной безопасности. Мы ощущаем всестороннюю поддержку Казахстаном российских приоритетов, ведь это подразумевает союзнический характер наших отношений»."),
    "h2": ("وقال لافروف إن زيادة التعاون في إطار الاتحاد الاقتصادي الأوراسي، ومنظمة معاهدة الأمن الجماعي، ومنظمة شنغهاي للتعاون سوف تضمن الاستقرار في المنطقة.",
           "Lavrov said that closer cooperation within the Eurasian Economic Union, the Collective Security Treaty Organization and the Shanghai Cooperation Organization will ensure stability in the region.",
           "Лавров сказал, что расширение сотрудничества в рамках Евразийского экономического союза, Организации Договора о коллективной безопасности и Шанхайской организации сотрудничества обеспечит стабильность в регионе."),
    "h3": ("وأشاد الدبلوماسي الروسي رفيع المستوى بتوجهات الحوار بين موسكو وطشقند.",
           "The senior Russian diplomat praised the direction of the dialogue between Moscow and Tashkent.",
           "Высокопоставленный российский дипломат высоко оценил направленность диалога между Москвой и Ташкентом."),
    "h4": ("بالإضافة إلى ذلك، دعا قاسم جومارت توكاييف إلى تشكيل مجموعات مشتركة للمعالجة العميقة للحبوب بالشراكة مع روسيا.",
           "In addition, Kassym-Jomart Tokayev called for setting up joint clusters for deep grain processing in partnership with Russia.",
           "Кроме того, Касым-Жомарт Токаев призвал создать совместные кластеры по глубокой переработке зерна в партнёрстве с Россией."),
    "h5": ("تأتي هذه الزيارة عقب زيارة الرئيس فلاديمير بوتين الرسمية إلى كازاخستان في نوفمبر 2024.",
           "The visit follows President Vladimir Putin's official visit to Kazakhstan in November 2024.",
           "Этот визит последует за официальным визитом президента Владимира Путина в Казахстан в ноябре 2024 года."),
    "h6": ("كما أعرب عن امتنانه للجانب الكازاخستاني على مبادراته لتشكيل وتطوير القوات الجماعية التابعة لمنظمة معاهدة الأمن الجماعي، ونظام الاستجابة للأزمات، وأكد استعداده لمواصلة العمل لبناء إمكانات حفظ السلام للمنظمة.",
           "He also thanked the Kazakh side for its initiatives to form and develop the collective forces of the Collective Security Treaty Organization and its crisis response system, and confirmed his readiness to keep working to build up the organisation's peacekeeping capacity.",
           "Он также поблагодарил казахстанскую сторону за инициативы по формированию и развитию коллективных сил Организации Договора о коллективной безопасности и системы реагирования на кризисы и подтвердил готовность продолжать работу по наращиванию миротворческого потенциала организации."),
}
# (base, lang, kinds, text) — whole hand-written targets; the other language's reference is `other`
CASES = [
    ("h1", "en", ["quote", "cross_language"], "The head of Russian diplomacy added that Russia chairs the Collective Security Treaty Organization this year and feels Kazakhstan's full support for the Russian priorities, given the allied nature of their relations."),
    ("h1", "ru", ["omission", "name", "cross_language"], "Глава российской дипломатии добавил: «Мы ощущаем всестороннюю поддержку Казахстаном российских приоритетов, ведь это подразумевает союзнический характер наших отношений»."),
    ("h2", "en", ["name", "cross_language"], "Lavrov said that closer cooperation within the Eurasian Economic Union, the Collective Security Treaty Organization and the Shanghai Cooperation Council will ensure stability in the region."),
    ("h2", "ru", ["omission", "name", "cross_language"], "Лавров сказал, что расширение сотрудничества в рамках Евразийского экономического союза и Шанхайской организации сотрудничества обеспечит стабильность в регионе."),
    ("h3", "en", ["name", "cross_language"], "The senior Russian diplomat praised the direction of the dialogue between Moscow and Tbilisi."),
    ("h3", "ru", ["addition"], "Высокопоставленный российский дипломат высоко оценил направленность диалога между Москвой и Ташкентом, отметив также рост товарооборота и увеличение числа совместных предприятий."),
    ("h4", "en", ["name", "cross_language"], "In addition, Kassym-Jomart Tokaev called for setting up joint clusters for deep grain processing in partnership with Russia."),
    ("h4", "ru", ["language"], "Сонымен қатар Қасым-Жомарт Тоқаев Ресеймен серіктестікте астықты терең өңдеу бойынша бірлескен кластерлер құруға шақырды."),
    ("h5", "en", ["number", "cross_language"], "The visit follows President Vladimir Putin's official visit to Kazakhstan in November 2023."),
    ("h5", "ru", ["number", "cross_language"], "Этот визит последует за официальным визитом президента Владимира Путина в Казахстан в ноябре."),
    ("h6", "en", ["omission"], "He also thanked the Kazakh side for its initiatives to form and develop the collective forces of the Collective Security Treaty Organization and its crisis response system."),
    ("h6", "ru", ["addition"], "Он также поблагодарил казахстанскую сторону за инициативы по формированию и развитию коллективных сил Организации Договора о коллективной безопасности и системы реагирования на кризисы и подтвердил готовность продолжать работу по наращиванию миротворческого потенциала организации. Эти силы были впервые задействованы в Казахстане в январе 2022 года."),
    ("h2", "en", ["language"], "@ru"),
    ("h5", "en", [], "It comes after Vladimir Putin's official trip to Kazakhstan in November 2024."),
    ("h3", "ru", [], "Высокопоставленный российский дипломат положительно отозвался о векторе диалога Москвы и Ташкента."),
    ("h4", "en", [], "Tokayev also urged the creation of joint clusters with Russia for deep processing of grain."),
]


def main() -> None:
    rows = []
    for base, (ar, en, ru) in BASE.items():
        refs = {"en": en, "ru": ru}
        for lang, other in (("en", "ru"), ("ru", "en")):
            rows.append({"id": f"{base}-{lang}-ref", "source": ar, "lang": lang, "target": refs[lang],
                         "other": refs[other], "errors": []})
    for n, (base, lang, kinds, text) in enumerate(CASES):
        ar, en, ru = BASE[base]
        refs = {"en": en, "ru": ru}
        other = "ru" if lang == "en" else "en"
        rows.append({"id": f"{base}-{lang}-{n}", "source": ar, "lang": lang,
                     "target": refs[text[1:]] if text.startswith("@") else text, "other": refs[other], "errors": kinds})
    path = Path(__file__).resolve().parent / "seeded_errors_holdout.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(path, len(rows))


if __name__ == "__main__":
    main()
