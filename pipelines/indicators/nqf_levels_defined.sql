/*
id = "nqf_levels_defined"
topic = "frameworks"
title = { kk = "Ұлттық біліктілік шеңберінде сипатталған деңгейлер", ru = "Уровни, описанные в Национальной рамке квалификаций" }
definition = { kk = "Ұлттық біліктілік шеңберінің білім, білік және жауапкершілік дескрипторлары толық сипатталған деңгейлерінің саны (сегіз деңгей күтіледі).", ru = "Число уровней Национальной рамки квалификаций, для которых полностью описаны дескрипторы знаний, умений и ответственности (ожидается восемь уровней)." }
formula = "count(nqf_levels with non-empty name, knowledge, skills and responsibility descriptors); numerator = described levels, denominator = 8"
unit = "count"
breakdowns = ["total"]
higher_is_better = true
sources = ["nqf_levels"]
*/
-- NQF levels whose name and knowledge, skills and responsibility descriptors are all filled in
-- (eight are expected).
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct level) from nqf_levels
         where coalesce(name_ru, '') <> '' and coalesce(name_kk, '') <> ''
           and coalesce(knowledge_ru, '') <> '' and coalesce(skills_ru, '') <> ''
           and coalesce(responsibility_ru, '') <> '') as value,
       null as numerator, null as denominator
from report_years y
