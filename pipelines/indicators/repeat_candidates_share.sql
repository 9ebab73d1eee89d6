/*
id = "repeat_candidates_share"
topic = "recognition"
title = { kk = "Қайта бағаланған кандидаттардың үлесі", ru = "Доля повторно оцениваемых кандидатов" }
definition = { kk = "Жылы бағалаудан өткен кандидаттардың ішінде бұған дейін де (кез келген ертерек күні) тану рәсіміне қатысқандарының үлесі. Деректер 2022 жылдан басталатындықтан, алғашқы жылдың көрсеткіші төмендетілген.", ru = "Доля кандидатов, прошедших оценку в году, которые и ранее (на любую более раннюю дату) участвовали в процедуре признания. Данные начинаются с 2022 года, поэтому показатель первого года занижен." }
formula = "100 × count(distinct persons assessed in the year with an earlier decision of any result) / count(distinct persons assessed in the year)"
unit = "percent"
breakdowns = ["total", "sex", "referral"]
sources = ["recognition_results"]
counts_persons = true
[relations]
adds_up = ["sex", "referral"]
same_as = [{ part = "denominator", indicator = "candidates_assessed", other_part = "value", breakdowns = ["total"] }]
*/
-- Candidates assessed in the year who had taken part in the procedure before, of all candidates
-- assessed in the year; each candidate once, with the sex and referral of the latest assessment
-- of the year (assessed_candidates).
with p as (select year, sex, referral, repeat as in_numerator from assessed_candidates())
select * from share_cells('p')
