/*
id = "normative_acts_in_force"
topic = "frameworks"
title = { kk = "Біліктілікті тану мәселелері бойынша қолданыстағы нормативтік құқықтық актілер", ru = "Действующие нормативные правовые акты по вопросам признания квалификаций" }
definition = { kk = "Жыл соңына дейін қабылданған және қазір күшінде тұрған нормативтік құқықтық актілер саны, акт түрі бойынша. Күшін жою күні деректерде жоқ, сондықтан күшін жойған актілер барлық жылдардан алынып тасталады.", ru = "Число нормативных правовых актов, принятых до конца года и действующих в настоящее время, по виду акта. Дата утраты силы в данных отсутствует, поэтому утратившие силу акты исключаются за все годы." }
formula = "count(normative_acts: in_force and adopted_date <= 31 Dec); category = kind"
unit = "count"
breakdowns = ["total", "category"]
sources = ["normative_acts"]
*/
-- Normative legal acts adopted by the year end and in force today, by kind of act.
with a as (
    select y.year, n.act_id as counted, n.kind as category
    from report_years y
    join normative_acts n on n.adopted_date <= make_date(y.year, 12, 31)
    where n.in_force
)
select * from count_cells('a', 0)
