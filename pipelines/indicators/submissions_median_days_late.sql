/*
id = "submissions_median_days_late"
topic = "data_flow"
title = { kk = "Кешіккен берілімдердің кешігу мерзімі (медиана)", ru = "Срок опоздания запоздавших представлений (медиана)" }
definition = { kk = "Қағидалардың 7-тармағы бойынша мерзімінен кеш келген деректер берілімдерінің кешігу күндерінің медианасы (жұмыс күндерімен, кесте бойынша), жеткізушілер бойынша.", ru = "Медиана дней опоздания представлений данных по пункту 7 Правил, поступивших позже срока (в рабочих днях, по графику), по поставщикам." }
formula = "median(submission_status.days_late) over status = 'late'; denominator = number of late submissions"
unit = "days"
breakdowns = ["total", "provider"]
higher_is_better = false
sources = ["submission_status"]
*/
-- Median working days late of the para. 7 submissions that came after their deadline.
with s as (
    select year, provider, days_late as measure
    from submission_status
    where status = 'late' and days_late is not null
)
select * from median_cells('s')
