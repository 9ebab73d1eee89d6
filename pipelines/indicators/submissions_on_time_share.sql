/*
id = "submissions_on_time_share"
topic = "data_flow"
title = { kk = "Мерзімінде берілген деректердің үлесі (7-тармақ)", ru = "Доля своевременно представленных данных (пункт 7)" }
definition = { kk = "Қағидалардың 7-тармағы бойынша мерзімі жылы келген міндетті деректер берілімдерінің ішінде мерзімінде келгендерінің үлесі, жеткізушілер мен дереккөздер бойынша. Мерзімі әлі келмегендері есептелмейді.", ru = "Доля представленных в срок среди обязательных представлений данных по пункту 7 Правил со сроком в году, по поставщикам и источникам. Представления, срок которых ещё не наступил, не учитываются." }
formula = "100 × count(submission_status: status = 'on_time') / count(status in (on_time, late, missing)), by the schedule year, from the first year with a received submission"
unit = "percent"
breakdowns = ["total", "provider", "source"]
higher_is_better = true
sources = ["submission_status", "submissions"]
*/
-- Para. 7 submissions due in the year that came on time, of those due (not yet due ones left
-- out), from the first year with a received submission.
with s as (
    select year, provider, source, status = 'on_time' as in_numerator
    from submission_status
    where status in ('on_time', 'late', 'missing')
      and year >= (select min(year(received_date)) from submissions)
)
select * from share_cells('s')
