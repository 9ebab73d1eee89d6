-- NQF levels whose name and knowledge, skills and responsibility descriptors are all filled in
-- (eight are expected).
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(distinct level) from nqf_levels
         where coalesce(name_ru, '') <> '' and coalesce(name_kk, '') <> ''
           and coalesce(knowledge_ru, '') <> '' and coalesce(skills_ru, '') <> ''
           and coalesce(responsibility_ru, '') <> '') as value,
       null as numerator, null as denominator
from report_years y
