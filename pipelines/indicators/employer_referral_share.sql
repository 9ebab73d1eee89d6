/*
id = "employer_referral_share"
topic = "recognition"
title = { kk = "Жұмыс беруші жолдамасымен келген кандидаттардың үлесі", ru = "Доля кандидатов, направленных работодателем" }
definition = { kk = "Жылы шешім шығарылған өтінімдердің ішінде кандидатты жұмыс беруші жолдаған өтінімдердің үлесі.", ru = "Доля заявок, по которым кандидат направлен работодателем, среди заявок с решением в году." }
formula = "100 × count(referral = 'employer') / count(all results), by decision year"
unit = "percent"
breakdowns = ["total", "region", "nqf_level", "sector"]
higher_is_better = true
sources = ["recognition_results", "professions"]
counts_persons = true
[relations]
adds_up = ["region", "nqf_level", "sector"]
same_as = [{ part = "denominator", indicator = "candidates_absent_share", other_part = "denominator" }]
*/
-- Decisions of the year where the employer sent the candidate, by region, NQF level and sector.
with r as (
    select d.year, d.region, d.nqf_level, coalesce(p.sector, 'unknown') as sector,
           d.referral = 'employer' as in_numerator
    from decisions() d
    left join profession_sector() p using (profession_id)
)
select * from share_cells('r')
