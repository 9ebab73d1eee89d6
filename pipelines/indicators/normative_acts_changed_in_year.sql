/*
id = "normative_acts_changed_in_year"
topic = "frameworks"
title = { kk = "Жылы қабылданған немесе өзгертілген нормативтік құқықтық актілер", ru = "Нормативные правовые акты, принятые или изменённые в году" }
definition = { kk = "Қабылдау күні немесе соңғы өзгерту күні есепті жылға түсетін нормативтік құқықтық актілер саны (деректерде тек соңғы өзгерту күні сақталады).", ru = "Число нормативных правовых актов, дата принятия или последнего изменения которых приходится на год (в данных хранится только дата последнего изменения)." }
formula = "count(normative_acts: year(adopted_date) = year or year(amended_date) = year)"
unit = "count"
breakdowns = ["total"]
sources = ["normative_acts"]
*/
-- Normative legal acts adopted or last amended in the year (only the last amendment date is kept).
select y.year, 'total' as breakdown, 'total' as breakdown_value,
       (select count(*) from normative_acts n
         where year(n.adopted_date) = y.year or year(n.amended_date) = y.year) as value,
       null as numerator, null as denominator
from report_years y
