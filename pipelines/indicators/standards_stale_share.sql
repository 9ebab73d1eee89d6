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
with s as (
    select y.year, st.sector,
           case when st.update_date is not null and st.update_date <= make_date(y.year, 12, 31)
                then st.update_date else st.approval_date end
               < make_date(y.year - 5, 12, 31) as stale
    from report_years y
    join standards st on st.approval_date <= make_date(y.year, 12, 31)
    where st.status = 'in_force'
),
long as (
    select year, 'total' as breakdown, 'total' as breakdown_value, stale from s
    union all select year, 'sector', sector, stale from s
)
select year, breakdown, breakdown_value,
       100.0 * count(*) filter (where stale) / count(*) as value,
       count(*) filter (where stale) as numerator,
       count(*) as denominator
from (select * replace (coalesce(breakdown_value::varchar, 'unknown') as breakdown_value) from long)
group by year, breakdown, breakdown_value
