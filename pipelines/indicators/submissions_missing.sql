/*
id = "submissions_missing"
topic = "data_flow"
title = { kk = "Берілмеген міндетті деректер (7-тармақ)", ru = "Непредставленные обязательные данные (пункт 7)" }
definition = { kk = "Қағидалардың 7-тармағы бойынша мерзімі өтіп кеткен, бірақ мүлде берілмеген міндетті деректер берілімдерінің саны, жеткізушілер мен дереккөздер бойынша.", ru = "Число обязательных представлений данных по пункту 7 Правил, срок которых истёк, но которые так и не поступили, по поставщикам и источникам." }
formula = "count(submission_status: status = 'missing'), by the schedule year, from the first year with a received submission"
unit = "count"
breakdowns = ["total", "provider", "source"]
higher_is_better = false
sources = ["submission_status", "submissions"]
*/
-- Para. 7 submissions past their deadline that never came, by provider and source; each expected
-- submission is one (provider, source, sender, period). Every provider and source of the
-- schedule shows, 0 where none is missing.
with s as (
    select year, {'provider': provider, 'source': source, 'sender': sender, 'period': period} as counted,
           provider, source
    from submission_status
    where status = 'missing'
),
listed as (
    select distinct 'provider' as breakdown, provider as breakdown_value from submission_status
    union all
    select distinct 'source', source from submission_status
)
select * from count_cells_listed('s', (select min(year(received_date)) from submissions), 'listed')
