/*
id = "standards_stale_share"
topic = "standards"
title = { kk = "Бес жылдан астам өзектендірілмеген стандарттардың үлесі", ru = "Доля стандартов, не актуализированных более пяти лет" }
definition = { kk = "Жыл соңында қолданыстағы кәсіптік стандарттардың ішінде бекітілгеннен немесе соңғы өзектендіруден бері бес жылдан астам уақыт өткендерінің үлесі.", ru = "Доля профессиональных стандартов, действующих на конец года, со дня утверждения или последней актуализации которых прошло более пяти лет." }
formula = "100 × count(in force at 31 Dec, latest of approval_date and update_date (if on or before 31 Dec) < 31 Dec − 5 years) / count(in force at 31 Dec)"
unit = "percent"
breakdowns = ["total", "sector"]
higher_is_better = false
sources = ["standards"]
*/
-- Standards in force at the year end not approved or updated in the five years before it.
with s as (
    select year, sector,
           case when update_date is not null and update_date <= make_date(year, 12, 31)
                then update_date else approval_date end
               < make_date(year - 5, 12, 31) as in_numerator
    from standards_at_year_end()
)
select * from share_cells('s')
