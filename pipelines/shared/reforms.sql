-- Regions across the administrative-territorial reforms, declared from the acts (see
-- docs/domain.md, "Regions across the reforms"): one row per region a reform divided or
-- renamed (`from_region`, as coded before it) and each region it became (`to_region`), with the
-- day it took effect and the act. A regional series that crosses a reform compares like with
-- like through comparable_region() below. Districts moved whole, so a record coded to a district
-- tells its new region; records coded to the old region only are comparable only as the whole.
create or replace table region_reforms as
select from_region, to_region, cast(in_force_from as date) as in_force_from, act
from (values
    ('510000000', '610000000', '2018-06-19',
     'Указ Президента Республики Казахстан от 19 июня 2018 года «О некоторых вопросах административно-территориального устройства Республики Казахстан»: Южно-Казахстанская область переименована в Туркестанскую, административный центр перенесён в г. Туркестан'),
    ('510000000', '790000000', '2018-06-19',
     'Указ Президента Республики Казахстан от 19 июня 2018 года «О некоторых вопросах административно-территориального устройства Республики Казахстан»: г. Шымкент отнесён к городам республиканского значения'),
    ('630000000', '630000000', '2022-06-08',
     'Указ Президента Республики Казахстан от 3 мая 2022 года «О некоторых вопросах административно-территориального устройства Республики Казахстан» (введён в действие с 8 июня 2022 года)'),
    ('630000000', '100000000', '2022-06-08',
     'Тот же указ: область Абай образована из района Ақсуат, Абайского, Аягозского, Бескарагайского, Бородулихинского, Жарминского, Урджарского, Кокпектинского районов, городов Семея и Курчатова Восточно-Казахстанской области'),
    ('190000000', '190000000', '2022-06-08',
     'Указ Президента Республики Казахстан от 3 мая 2022 года «О некоторых вопросах административно-территориального устройства Республики Казахстан» (введён в действие с 8 июня 2022 года)'),
    ('190000000', '330000000', '2022-06-08',
     'Тот же указ: область Жетісу образована из Аксуского, Алакольского, Ескельдинского, Каратальского, Кербулакского, Коксуского, Панфиловского, Сарканского районов, городов Талдыкоргана и Текели Алматинской области'),
    ('350000000', '350000000', '2022-06-08',
     'Указ Президента Республики Казахстан от 3 мая 2022 года «О некоторых вопросах административно-территориального устройства Республики Казахстан» (введён в действие с 8 июня 2022 года)'),
    ('350000000', '620000000', '2022-06-08',
     'Тот же указ: область Ұлытау образована из Жанааркинского, Улытауского районов, городов Жезказгана, Каражала и Сатпаева Карагандинской области')
) t(from_region, to_region, in_force_from, act);

-- comparable_region(code): the territory a region's figures compare over across the reforms:
-- the region as it was before a reform that divided it (East Kazakhstan with Abai, `630000000`;
-- Almaty region with Jetisu, `190000000`; Karaganda region with Ulytau, `350000000`; South
-- Kazakhstan, `510000000`, for Turkestan region with Shymkent), any other region itself. Any
-- KATO code (a district, a village) is taken at its region first.
create or replace macro comparable_region(code) as
    coalesce((select min(r.from_region) from region_reforms r
              where kato_region(code) in (r.from_region, r.to_region)),
             kato_region(code));
