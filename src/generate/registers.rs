//! The registers and periodic lists: NQF, NCO, normative acts, sectoral frameworks, standards,
//! councils and their meetings, professions, programmes, labour statistics, and at the end the
//! submission log itself.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::bad::{BadKind, Injector};
use super::nco_data::GAP_UNITS;
use super::schema as s;
use super::table::{Cell, Fmt, Header, Row, Style};
use super::world::{MINISTRY_RU, NO_COUNCIL, NO_SQF, World, date, lognormal, month_end, normal};
use super::{GenerateError, Out, rng_for};

pub(crate) fn write_all(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    (out.progress)("registers", 0, 10);
    nqf(w, out)?;
    nco(w, out)?;
    acts(w, out)?;
    (out.progress)("registers", 3, 10);
    sqf(w, out)?;
    standards(w, out)?;
    councils_and_meetings(w, out)?;
    (out.progress)("registers", 6, 10);
    professions(w, out)?;
    programmes(w, out)?;
    labour(w, out)?;
    (out.progress)("registers", 10, 10);
    Ok(())
}

fn s(v: &str) -> Cell {
    Cell::s(v)
}

fn list<I: IntoIterator<Item = String>>(items: I) -> Cell {
    Cell::List(items.into_iter().collect())
}

/// The date a register file was received: a few days after its latest change, never after as_of.
fn received_after(w: &World, rng: &mut ChaCha8Rng, last_change: NaiveDate) -> NaiveDate {
    let d = w.cal.add_working_days(last_change, rng.gen_range(2..12));
    d.min(w.as_of).max(w.launch)
}

const NQF_LEVELS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Бірінші деңгей",
        "Первый уровень",
        "Элементарные общие знания",
        "Выполнение простых типовых заданий по образцу",
        "Работа под непосредственным руководством",
    ),
    (
        "Екінші деңгей",
        "Второй уровень",
        "Базовые общие и практические знания",
        "Выполнение стандартных заданий с выбором способа действия",
        "Ответственность за результат своего труда под руководством",
    ),
    (
        "Үшінші деңгей",
        "Третий уровень",
        "Практические знания в узкой области деятельности",
        "Решение типовых практических задач",
        "Самостоятельность в выполнении заданий, ответственность за их результат",
    ),
    (
        "Төртінші деңгей",
        "Четвёртый уровень",
        "Широкий круг практических и теоретических знаний",
        "Решение практических задач с выбором методов",
        "Руководство работой других и ответственность за качество",
    ),
    (
        "Бесінші деңгей",
        "Пятый уровень",
        "Специальные теоретические и практические знания",
        "Разработка и внедрение решений в рамках подразделения",
        "Ответственность за результаты работы подразделения",
    ),
    (
        "Алтыншы деңгей",
        "Шестой уровень",
        "Углублённые теоретические знания в профессиональной области",
        "Решение сложных задач в изменяющихся условиях",
        "Ответственность за принятие решений на уровне организации",
    ),
    (
        "Жетінші деңгей",
        "Седьмой уровень",
        "Концептуальные знания на стыке областей",
        "Развитие новых знаний и процедур, стратегическое управление",
        "Ответственность за развитие направления деятельности",
    ),
    (
        "Сегізінші деңгей",
        "Восьмой уровень",
        "Знания на передовом рубеже науки и практики",
        "Создание новых знаний, исследовательская и инновационная деятельность",
        "Ответственность за стратегию отрасли и общества",
    ),
];

fn nqf(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "nqf_levels", 0);
    let mut rows: Vec<Row> = NQF_LEVELS
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                Cell::Int(i as i64 + 1),
                s(l.0),
                s(l.1),
                s(l.2),
                s(l.3),
                s(l.4),
            ]
        })
        .collect();
    let mut inj = Injector::new(&s::NQF_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    inj.inject_n(&mut rows, 2, s::NQF, &mut rng, &ghost, |_, _| {});
    let rel = "nqf/nqf_levels.json";
    out.write("nqf_levels", rel, s::NQF, &rows, &Style::JSON)?;
    out.bad("nqf_levels", &inj);
    let received = received_after(w, &mut rng, w.launch);
    out.submit(
        "ministry",
        MINISTRY_RU,
        "nqf_levels",
        received.year().to_string(),
        received,
        rel,
    );
    Ok(())
}

fn nco(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "nco", 0);
    // Internal ids as a database assigns them, unrelated to the codes' order (a bijection of
    // the positions, so unique without drawing from the generator's stream).
    let id_of = |i: usize| 1000 + (i as i64 * 7919) % 99_991;
    let ids: std::collections::HashMap<&str, i64> = w
        .nco
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code.as_str(), id_of(i)))
        .collect();
    let current = date(2017, 12, 1);
    let mut rows: Vec<Row> = w
        .nco
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::Int(id_of(i)),
                e.parent
                    .as_deref()
                    .and_then(|p| ids.get(p))
                    .map_or(Cell::Empty, |id| Cell::Int(*id)),
                s(&e.code),
                s(&e.ru),
                s(&e.kk),
                Cell::Int(1),
                Cell::Date(current),
            ]
        })
        .collect();
    let mut inj = Injector::new(&s::NCO_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    // A re-keyed bad row becomes a new occupation under the same unit group.
    inj.inject_n(&mut rows, 4, s::NCO, &mut rng, &ghost, |row, k| {
        let code = row[2].key().to_string();
        let unit = w
            .units
            .iter()
            .find(|u| u.code.starts_with(&code[..code.len().min(4)]))
            .map_or("9999", |u| u.code.as_str());
        row[0] = Cell::Int(300_000 + k as i64);
        row[1] = ids.get(unit).map_or(Cell::Empty, |id| Cell::Int(*id));
        row[2] = s(&format!("{unit}-9-{:03}", 900 + k));
        row[5] = Cell::Int(1);
    });
    // The vintage before the 2017 classifier: six-digit codes under the unit groups, kept by
    // the directory as not actual.
    let legacy: Vec<Row> = w
        .nco
        .iter()
        .filter(|e| e.level == "unit")
        .take(12)
        .enumerate()
        .map(|(k, e)| {
            vec![
                Cell::Int(200_000 + k as i64),
                Cell::Int(ids[e.code.as_str()]),
                s(&format!("{}01", e.code)),
                s(&e.ru),
                s(&e.kk),
                Cell::Int(0),
                Cell::Date(date(2017, 11, 30)),
            ]
        })
        .collect();
    rows.extend(legacy);
    let rel = "nco/nco.xlsx";
    out.write("nco", rel, s::NCO, &rows, &Style::XLSX)?;
    out.bad("nco", &inj);
    let received = received_after(w, &mut rng, w.launch + Duration::days(20));
    out.submit(
        "ministry",
        MINISTRY_RU,
        "nco",
        received.year().to_string(),
        received,
        rel,
    );
    Ok(())
}

/// (kind, number, kk, ru, issuer, adopted, amended, in force). Sample entries modelled on the
/// acts that govern recognition; numbers and dates of orders are illustrative.
type Act = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (i32, u32, u32),
    Option<(i32, u32, u32)>,
    bool,
);

const ACT_LIST: &[Act] = &[
    (
        "law",
        "414-V",
        "Қазақстан Республикасының Еңбек кодексі",
        "Трудовой кодекс Республики Казахстан",
        "Парламент Республики Казахстан",
        (2015, 11, 23),
        Some((2025, 6, 30)),
        true,
    ),
    (
        "law",
        "129-V",
        "«Қазақстан Республикасының Ұлттық кәсіпкерлер палатасы туралы» Қазақстан Республикасының Заңы",
        "Закон Республики Казахстан «О Национальной палате предпринимателей Республики Казахстан»",
        "Парламент Республики Казахстан",
        (2013, 7, 4),
        Some((2024, 1, 5)),
        true,
    ),
    (
        "law",
        "94-V",
        "«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының Заңы",
        "Закон Республики Казахстан «О персональных данных и их защите»",
        "Парламент Республики Казахстан",
        (2013, 5, 21),
        Some((2025, 3, 14)),
        true,
    ),
    (
        "law",
        "224-VII",
        "Қазақстан Республикасының Әлеуметтік кодексі",
        "Социальный кодекс Республики Казахстан",
        "Парламент Республики Казахстан",
        (2023, 4, 20),
        Some((2025, 7, 1)),
        true,
    ),
    (
        "decree",
        "853",
        "Жеке сәйкестендіру нөмірлері туралы Қазақстан Республикасы Үкіметінің қаулысы",
        "Постановление Правительства Республики Казахстан об индивидуальных идентификационных номерах",
        "Правительство Республики Казахстан",
        (2013, 8, 26),
        None,
        true,
    ),
    (
        "rules",
        "391",
        "Ұлттық біліктілік жүйесінің цифрлық платформасын қалыптастыру және жүргізу қағидалары",
        "Правила формирования и ведения цифровой платформы Национальной системы квалификаций",
        MINISTRY_RU,
        (2023, 9, 18),
        Some((2026, 4, 10)),
        true,
    ),
    (
        "order",
        "129",
        "№ 391 бұйрыққа өзгерістер енгізу туралы бұйрық",
        "Приказ о внесении изменений в приказ № 391",
        MINISTRY_RU,
        (2026, 4, 10),
        None,
        true,
    ),
    (
        "rules",
        "215",
        "Кәсіптік біліктілікті тану және беру қағидалары",
        "Правила признания и присвоения профессиональной квалификации",
        MINISTRY_RU,
        (2020, 10, 12),
        Some((2023, 11, 2)),
        true,
    ),
    (
        "rules",
        "114",
        "Кәсіптік біліктілікті растау қағидалары (күші жойылған)",
        "Правила подтверждения профессиональной квалификации (утратили силу)",
        MINISTRY_RU,
        (2018, 3, 5),
        None,
        false,
    ),
    (
        "order",
        "287",
        "Кәсіптік стандарттарды әзірлеу, сынақтан өткізу және бекіту қағидалары",
        "Правила разработки, апробации и утверждения профессиональных стандартов",
        MINISTRY_RU,
        (2021, 7, 20),
        Some((2024, 2, 28)),
        true,
    ),
    (
        "order",
        "122",
        "Ұлттық біліктілік шеңберін бекіту туралы",
        "Об утверждении Национальной рамки квалификаций",
        MINISTRY_RU,
        (2016, 3, 16),
        Some((2023, 6, 1)),
        true,
    ),
    (
        "order",
        "4",
        "Ұлттық кәсіптер сыныптауышын бекіту туралы",
        "Об утверждении Национального классификатора занятий",
        "Комитет технического регулирования и метрологии",
        (2017, 1, 11),
        Some((2023, 12, 15)),
        true,
    ),
];

fn acts(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "normative_acts", 0);
    let mut rows = Vec::new();
    let mut last = w.launch;
    for (i, a) in ACT_LIST.iter().enumerate() {
        let adopted = date(a.5.0, a.5.1, a.5.2);
        if adopted > w.as_of - Duration::days(10) {
            continue;
        }
        let amended =
            a.6.map(|d| date(d.0, d.1, d.2))
                .filter(|d| *d <= w.as_of - Duration::days(10));
        last = last.max(amended.unwrap_or(adopted));
        rows.push(vec![
            s(&format!("NPA-{:03}", i + 1)),
            s(a.0),
            s(a.1),
            s(a.2),
            s(a.3),
            s(a.4),
            Cell::Date(adopted),
            Cell::opt_date(amended),
            Cell::Bool(a.7),
        ]);
    }
    let mut inj = Injector::new(&s::ACTS_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    inj.inject_n(&mut rows, 3, s::ACTS, &mut rng, &ghost, |row, k| {
        row[0] = s(&format!("NPA-{:03}", 900 + k))
    });
    let rel = "normative_acts/normative_acts.csv";
    out.write("normative_acts", rel, s::ACTS, &rows, &Style::CSV)?;
    out.bad("normative_acts", &inj);
    let received = received_after(w, &mut rng, last);
    out.submit(
        "ministry",
        MINISTRY_RU,
        "normative_acts",
        received.year().to_string(),
        received,
        rel,
    );
    Ok(())
}

fn sqf(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "sqf", 0);
    let mut inj = Injector::new(&s::SQF_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    for (bi, body) in w.bodies.iter().enumerate() {
        let mut rows = Vec::new();
        let mut last = w.launch;
        for code in body.sectors {
            if NO_SQF.contains(code) {
                continue;
            }
            let si = w.sector_idx(code);
            let sector = &w.sectors[si];
            let approval = date(2017, 1, 1) + Duration::days(rng.gen_range(0..1800));
            // One framework was revoked and approved anew.
            if *code == "MIN" {
                let newer = approval + Duration::days(rng.gen_range(700..1200));
                rows.push(sqf_row(code, 1, sector, body.ru, approval, None, "revoked"));
                rows.push(sqf_row(code, 2, sector, body.ru, newer, None, "in_force"));
                last = last.max(newer);
                continue;
            }
            let update = rng
                .gen_bool(0.4)
                .then(|| approval + Duration::days(rng.gen_range(300..2000)))
                .filter(|d| *d < w.as_of - Duration::days(15));
            last = last.max(update.unwrap_or(approval));
            rows.push(sqf_row(
                code, 1, sector, body.ru, approval, update, "in_force",
            ));
        }
        if rows.is_empty() {
            continue;
        }
        if bi % 3 == 0 {
            inj.inject_n(&mut rows, 1, s::SQF, &mut rng, &ghost, |row, k| {
                row[0] = s(&format!("SQF-X{bi}-{k}"))
            });
        }
        let rel = format!("sqf/sqf_{}.{}", body.code, body.style.fmt.ext());
        out.write("sqf", &rel, s::SQF, &rows, &body.style)?;
        let received = received_after(w, &mut rng, last);
        out.submit(
            "sectoral_bodies",
            body.ru,
            "sqf",
            received.year().to_string(),
            received,
            &rel,
        );
    }
    out.bad("sqf", &inj);
    Ok(())
}

fn sqf_row(
    code: &str,
    n: u32,
    sector: &super::world::Sector,
    body: &str,
    approval: NaiveDate,
    update: Option<NaiveDate>,
    status: &str,
) -> Row {
    vec![
        s(&format!("SQF-{code}-{n}")),
        s(code),
        s(&format!("{} саласының біліктілік шеңбері", sector.kk)),
        s(&format!("Отраслевая рамка квалификаций «{}»", sector.ru)),
        s(body),
        Cell::Date(approval),
        Cell::opt_date(update),
        s(status),
    ]
}

fn standards(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "standards", 0);
    let mut inj = Injector::new(&s::STANDARDS_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    for (bi, body) in w.bodies.iter().enumerate() {
        let mut rows = Vec::new();
        let mut last = w.launch;
        for st in w
            .standards
            .iter()
            .filter(|st| body.sectors.contains(&w.sectors[st.sector].code.as_str()))
        {
            last = last.max(st.update.unwrap_or(st.approval));
            rows.push(vec![
                s(&st.id),
                s(&st.kk),
                s(&st.ru),
                s(&w.sectors[st.sector].code),
                list(st.occs.iter().map(|&o| w.occs[o].code.clone())),
                list(st.levels.iter().map(|l| l.to_string())),
                s(st.developer),
                Cell::Date(st.approval),
                Cell::opt_date(st.update),
                s(st.status),
            ]);
        }
        if rows.is_empty() {
            continue;
        }
        let n = if rows.len() > 20 {
            2
        } else {
            usize::from(bi % 2 == 0)
        };
        inj.inject_n(&mut rows, n, s::STANDARDS, &mut rng, &ghost, |row, k| {
            row[0] = s(&format!("PS-2099-{:03}", 10 * bi + k));
        });
        // One body writes Russian headers, as its own system exports them.
        let style = if body.code == "MEN" {
            body.style.with_header(Header::Ru)
        } else {
            body.style
        };
        let rel = format!("standards/standards_{}.{}", body.code, style.fmt.ext());
        out.write("standards", &rel, s::STANDARDS, &rows, &style)?;
        let received = received_after(w, &mut rng, last);
        out.submit(
            "sectoral_bodies",
            body.ru,
            "standards",
            received.year().to_string(),
            received,
            &rel,
        );
    }
    out.bad("standards", &inj);
    Ok(())
}

struct Council {
    id: String,
    sector: Option<usize>,
    established: NaiveDate,
    dissolved: Option<NaiveDate>,
}

fn councils_and_meetings(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "councils", 0);
    let mut inj = Injector::new(&s::COUNCILS_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    let national = Council {
        id: "NC".into(),
        sector: None,
        established: date(2016, 12, 8),
        dissolved: None,
    };
    // Per body: its councils. The ministry's file also carries the National Council.
    let mut by_body: Vec<Vec<Council>> = Vec::new();
    for body in &w.bodies {
        let mut list = Vec::new();
        if body.code == "MTSZN" {
            list.push(Council {
                id: national.id.clone(),
                sector: None,
                established: national.established,
                dissolved: None,
            });
        }
        for code in body.sectors {
            if NO_COUNCIL.contains(code) {
                continue;
            }
            let established = date(2017, 1, 1) + Duration::days(rng.gen_range(0..1500));
            // The chemical industry's council was folded into manufacturing's: a sector left
            // without a council partway through the years.
            let dissolved = (*code == "CHE")
                .then(|| date(w.last_year.min(2024).max(w.first_year), 5, 17))
                .filter(|d| *d <= w.as_of && *d > established);
            list.push(Council {
                id: format!("SC-{code}"),
                sector: Some(w.sector_idx(code)),
                established,
                dissolved,
            });
        }
        by_body.push(list);
    }
    for (bi, body) in w.bodies.iter().enumerate() {
        let list = &by_body[bi];
        if list.is_empty() {
            continue;
        }
        let mut rows: Vec<Row> = list
            .iter()
            .map(|c| {
                let (kk, ru, kind) = match c.sector {
                    None => (
                        "Кәсіптік біліктіліктер жөніндегі ұлттық кеңес".to_string(),
                        "Национальный совет по профессиональным квалификациям".to_string(),
                        "national",
                    ),
                    Some(si) => (
                        format!(
                            "{} саласындағы кәсіптік біліктіліктер жөніндегі салалық кеңес",
                            w.sectors[si].kk
                        ),
                        format!(
                            "Отраслевой совет по профессиональным квалификациям: {}",
                            w.sectors[si].ru
                        ),
                        "sectoral",
                    ),
                };
                vec![
                    s(&c.id),
                    s(kind),
                    c.sector.map_or(Cell::Empty, |si| s(&w.sectors[si].code)),
                    s(&kk),
                    s(&ru),
                    s(body.ru),
                    Cell::Date(c.established),
                    Cell::opt_date(c.dissolved),
                ]
            })
            .collect();
        if bi % 4 == 1 {
            inj.inject_n(&mut rows, 1, s::COUNCILS, &mut rng, &ghost, |row, k| {
                row[0] = s(&format!("SC-X{bi}{k}"))
            });
        }
        let last = list
            .iter()
            .map(|c| c.dissolved.unwrap_or(c.established))
            .max()
            .expect("non-empty");
        let rel = format!("councils/councils_{}.{}", body.code, body.style.fmt.ext());
        out.write("councils", &rel, s::COUNCILS, &rows, &body.style)?;
        let received = received_after(w, &mut rng, last);
        out.submit(
            "sectoral_bodies",
            body.ru,
            "councils",
            received.year().to_string(),
            received,
            &rel,
        );
    }
    out.bad("councils", &inj);

    // Council activity: sectoral bodies quarterly, the ministry (National Council) half-yearly.
    let mut rng = rng_for(w.seed, "council_meetings", 0);
    let mut inj = Injector::new(&s::MEETINGS_BAD, 0.04, &mut rng);
    let mut seq: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for (bi, body) in w.bodies.iter().enumerate() {
        // Two report streams: a body's sectoral councils quarterly, and from the ministry the
        // National Council half-yearly. Each report is one file with all its councils' meetings.
        for half_yearly in [false, true] {
            let councils: Vec<&Council> = by_body[bi]
                .iter()
                .filter(|c| c.sector.is_none() == half_yearly)
                .collect();
            if councils.is_empty() {
                continue;
            }
            let periods: Vec<(String, NaiveDate, NaiveDate)> = (w.first_year..=w.last_year)
                .flat_map(|y| {
                    if half_yearly {
                        (1..=2)
                            .map(|h| {
                                (
                                    format!("{y}-H{h}"),
                                    date(y, 6 * h - 5, 1),
                                    month_end(y, 6 * h),
                                )
                            })
                            .collect::<Vec<_>>()
                    } else {
                        (1..=4)
                            .map(|q| {
                                (
                                    format!("{y}-Q{q}"),
                                    date(y, 3 * q - 2, 1),
                                    month_end(y, 3 * q),
                                )
                            })
                            .collect()
                    }
                })
                .collect();
            for (period, start, end) in periods {
                let delay = if body.laggard {
                    // Weeks late, and some quarters never at all.
                    if rng.gen_bool(0.4) {
                        continue;
                    }
                    rng.gen_range(35..100)
                } else if rng.gen_bool(0.06) {
                    rng.gen_range(25..60)
                } else {
                    rng.gen_range(4..20)
                };
                let received = w.cal.next_working(end + Duration::days(delay));
                if received > w.as_of {
                    continue;
                }
                let mut rows = Vec::new();
                for c in &councils {
                    if end < c.established || c.dissolved.is_some_and(|d| d < start) {
                        continue;
                    }
                    let n_meetings = if half_yearly {
                        rng.gen_range(1..=3)
                    } else {
                        rng.gen_range(0..=2)
                    };
                    let mut dates: Vec<NaiveDate> = (0..n_meetings)
                        .map(|_| {
                            w.cal.next_working(
                                start + Duration::days(rng.gen_range(0..(end - start).num_days())),
                            )
                        })
                        .filter(|d| {
                            *d <= end && *d >= c.established && c.dissolved.is_none_or(|x| *d <= x)
                        })
                        .collect();
                    dates.sort();
                    let approved_in_period = w
                        .standards
                        .iter()
                        .filter(|st| {
                            Some(st.sector) == c.sector
                                && st.approval >= start
                                && st.approval <= end
                        })
                        .count() as i64;
                    for (k, d) in dates.iter().enumerate() {
                        let n = seq.entry(c.id.clone()).or_default();
                        *n += 1;
                        let n = *n;
                        let standards_approved = if k + 1 == dates.len() {
                            approved_in_period
                        } else {
                            0
                        };
                        rows.push(vec![
                            s(&format!("{}-{}-{:02}", c.id, d.year(), n)),
                            s(&c.id),
                            Cell::Date(*d),
                            if rng.gen_bool(0.9) {
                                s(&format!("№{n}"))
                            } else {
                                Cell::Empty
                            },
                            Cell::Int(rng.gen_range(2..10)),
                            if c.sector.is_some() {
                                Cell::Int(standards_approved)
                            } else {
                                Cell::Empty
                            },
                        ]);
                        if let Some(kind) = inj.roll(&mut rng) {
                            let mut extra = rows.last().expect("just pushed").clone();
                            if kind != BadKind::DuplicateKey {
                                extra[0] = s(&format!("{}-{}-X{:02}", c.id, d.year(), n));
                            }
                            inj.corrupt(kind, &mut extra, s::MEETINGS, &mut rng, &ghost);
                            rows.push(extra);
                        }
                    }
                }
                // Activity reports go through the body's document flow; only the industry
                // ministry sends them as spreadsheets like its registers.
                let style = if body.style.fmt == Fmt::Xlsx && body.code != "MPS" {
                    Style::CSV
                } else {
                    body.style
                };
                let (provider, sender) = if half_yearly {
                    ("ministry", MINISTRY_RU)
                } else {
                    ("sectoral_bodies", body.ru)
                };
                let tag = if half_yearly { "NC" } else { body.code };
                let rel = format!(
                    "council_meetings/council_meetings_{period}_{tag}.{}",
                    style.fmt.ext()
                );
                out.write("council_meetings", &rel, s::MEETINGS, &rows, &style)?;
                out.submit(provider, sender, "council_meetings", period, received, &rel);
            }
        }
    }
    out.bad("council_meetings", &inj);
    Ok(())
}

/// Half-years whose snapshot a provider sends, with the snapshot date.
fn half_years(w: &World) -> Vec<(String, NaiveDate)> {
    (w.first_year..=w.last_year)
        .flat_map(|y| (1..=2).map(move |h| (format!("{y}-H{h}"), month_end(y, 6 * h))))
        .collect()
}

fn professions(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "professions", 0);
    let mut inj = Injector::new(&s::PROFESSIONS_BAD, 0.0, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    for (i, (period, snap)) in half_years(w).into_iter().enumerate() {
        let delay = if rng.gen_bool(0.15) {
            rng.gen_range(30..50)
        } else {
            rng.gen_range(5..20)
        };
        let received = w.cal.next_working(snap + Duration::days(delay));
        if received > w.as_of {
            continue;
        }
        let mut rows: Vec<Row> = w
            .professions
            .iter()
            .filter(|p| p.included <= snap)
            .map(|p| {
                let o = &w.occs[p.occ];
                vec![
                    Cell::Date(snap),
                    s(&p.id),
                    s(&o.kk),
                    s(&o.ru),
                    s(&o.code),
                    s(&w.sectors[p.sector].code),
                    list(p.levels.iter().map(|l| l.to_string())),
                    Cell::Date(p.included),
                ]
            })
            .collect();
        inj.inject_n(
            &mut rows,
            1 + i % 2,
            s::PROFESSIONS,
            &mut rng,
            &ghost,
            |row, k| {
                row[1] = s(&format!("P9{:04}", 100 * i + k));
            },
        );
        // The first year's register came as a spreadsheet with text dates.
        let style = if i < 2 {
            Style::XLSX.text_dates(false)
        } else {
            Style::CSV
        };
        let rel = format!("professions/professions_{period}.{}", style.fmt.ext());
        out.write("professions", &rel, s::PROFESSIONS, &rows, &style)?;
        out.submit(
            "ministry",
            MINISTRY_RU,
            "professions",
            period,
            received,
            &rel,
        );
    }
    out.bad("professions", &inj);
    Ok(())
}

const EDUCATION_BODY: &str = "Министерство просвещения Республики Казахстан; Министерство науки и высшего образования Республики Казахстан";

fn programmes(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "programmes", 0);
    let mut inj = Injector::new(&s::PROGRAMMES_BAD, 0.006, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    for (i, (period, snap)) in half_years(w).into_iter().enumerate() {
        // The integration runs late: the register arrives weeks after the half-year.
        let received = w
            .cal
            .next_working(snap + Duration::days(rng.gen_range(30..75)));
        if received > w.as_of {
            continue;
        }
        let mut rows = Vec::new();
        for p in w.programmes.iter().filter(|p| p.registered <= snap) {
            if p.closed.is_some_and(|d| d + Duration::days(365) < snap) {
                continue;
            }
            let inst = &w.institutions[p.inst];
            let o = &w.occs[p.occ];
            let closed = p.closed.is_some_and(|d| d <= snap);
            rows.push(vec![
                Cell::Date(snap),
                s(&p.id),
                s(&format!("Образовательная программа «{}»", o.ru)),
                s(&format!("«{}» білім беру бағдарламасы", o.kk)),
                s(p.level),
                s(&inst.bin),
                s(&inst.name),
                s(&w.regions[inst.region].code),
                list(p.nco_codes.iter().cloned()),
                list(p.standard_ids.iter().cloned()),
                Cell::Date(p.registered),
                s(if closed { "closed" } else { "active" }),
            ]);
        }
        let mut k = 0;
        let mut with_bad = Vec::with_capacity(rows.len() + 8);
        for row in rows {
            let kind = inj.roll(&mut rng);
            with_bad.push(row);
            if let Some(kind) = kind {
                let mut extra = with_bad.last().expect("just pushed").clone();
                if kind != BadKind::DuplicateKey {
                    k += 1;
                    extra[1] = s(&format!("EP-9{i:02}{k:03}"));
                }
                inj.corrupt(kind, &mut extra, s::PROGRAMMES, &mut rng, &ghost);
                with_bad.push(extra);
            }
        }
        let rel = format!("programmes/programmes_{period}.json");
        out.write("programmes", &rel, s::PROGRAMMES, &with_bad, &Style::JSON)?;
        out.submit(
            "education_bodies",
            EDUCATION_BODY,
            "programmes",
            period,
            received,
            &rel,
        );
    }
    out.bad("programmes", &inj);
    Ok(())
}

/// Employment concentrates where the sector is: oil in the west, mining in the centre and east,
/// agriculture outside the cities, ICT and finance in the cities.
fn sector_region_factor(w: &World, sector: Option<usize>, region: usize) -> f64 {
    let r = &w.regions[region];
    let Some(si) = sector else { return 1.0 };
    match (w.sectors[si].code.as_str(), r.code.as_str()) {
        ("OIL", "230000000") => 6.0,
        ("OIL", "470000000") => 5.0,
        ("OIL", "270000000" | "150000000" | "430000000") => 2.0,
        ("OIL", _) => 0.3,
        ("MIN", "350000000") => 4.0,
        ("MIN", "620000000") => 7.0,
        ("MIN", "630000000" | "100000000") => 2.5,
        ("MIN", "550000000" | "150000000" | "390000000") => 1.8,
        ("MIN", _) => 0.3,
        ("AGR", _) if r.city => 0.15,
        ("AGR", _) => 1.5,
        ("ICT" | "FIN", _) if r.city => 2.5,
        ("ICT" | "FIN", _) => 0.6,
        _ => 1.0,
    }
}

/// Open statistics (para. 19) at the grain and in the shapes their publishers use: employment
/// by occupation major group and region (the Bureau's table: title, two-row header, region
/// named once per block, total rows, footnote; Windows-1251), the average wage at the same
/// grain (one file a year, decimal commas), vacancies by NCO unit group and region for the
/// year (the electronic labour exchange). The statistics of a year come out the next spring.
fn labour(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    // The stream keeps the name of the source these figures were first written for, so that the
    // same seed gives the same figures.
    let mut rng = rng_for(w.seed, "labour_stats", 0);
    let units: Vec<usize> = (0..w.units.len())
        .filter(|&u| w.units[u].major != 0)
        .collect();
    let total_size: f64 = units.iter().map(|&u| w.units[u].size).sum();
    let total_pop: f64 = w.regions.iter().map(|r| r.pop).sum();
    let vacancy_rate: Vec<f64> = w
        .units
        .iter()
        .map(|u| {
            if GAP_UNITS.contains(&u.code.as_str()) {
                rng.gen_range(0.06..0.09)
            } else {
                0.012 * lognormal(&mut rng, 0.4)
            }
        })
        .collect();
    let majors: Vec<(String, String)> = w
        .nco
        .iter()
        .filter(|e| e.level == "major")
        .map(|e| (e.code.clone(), e.ru.clone()))
        .collect();
    let decimal = |v: f64, places: usize| format!("{v:.places$}").replace('.', ",");
    let cp1251 = |text: &str| encoding_rs::WINDOWS_1251.encode(text).0.into_owned();
    for y in w.first_year..=w.last_year {
        let received = w
            .cal
            .next_working(date(y + 1, 4, 15) + Duration::days(rng.gen_range(0..50)));
        if received > w.as_of {
            continue;
        }
        let growth = 1.015f64.powi(y - w.first_year);
        let wage_growth = 1.11f64.powi(y - 2022);
        // (region, major) → (employed, wage bill); (unit, region) → vacancies.
        let mut cells: std::collections::BTreeMap<(usize, u8), (f64, f64)> = Default::default();
        let mut vacancies: Vec<(String, String, i64)> = Vec::new();
        for &u in &units {
            let unit = &w.units[u];
            let factors: Vec<f64> = (0..w.regions.len())
                .map(|r| w.regions[r].pop / total_pop * sector_region_factor(w, unit.sector, r))
                .collect();
            let fsum: f64 = factors.iter().sum();
            let national = unit.size / total_size * 9_000_000.0 * growth;
            let base_wage = match unit.major {
                1 => 650_000.0,
                2 => 420_000.0,
                3 => 330_000.0,
                4 => 250_000.0,
                5 => 210_000.0,
                6 => 180_000.0,
                7 => 300_000.0,
                8 => 310_000.0,
                _ => 170_000.0,
            } * unit
                .sector
                .map_or(1.0, |si| match w.sectors[si].code.as_str() {
                    "OIL" => 1.6,
                    "MIN" | "FIN" | "ICT" => 1.3,
                    _ => 1.0,
                });
            for (r, region) in w.regions.iter().enumerate() {
                let employed = (national * factors[r] / fsum * (1.0 + 0.08 * normal(&mut rng)))
                    .max(0.0)
                    .round();
                let v = (employed * vacancy_rate[u] * (1.0 + 0.15 * normal(&mut rng)))
                    .max(0.0)
                    .round() as i64;
                let wage = base_wage * region.wage * wage_growth * (1.0 + 0.05 * normal(&mut rng));
                let e = cells.entry((r, unit.major)).or_default();
                e.0 += employed;
                e.1 += employed * wage;
                if v > 0 {
                    vacancies.push((unit.code.clone(), region.code.clone(), v));
                }
            }
        }
        // Employment, thousands, one decimal, as the Bureau prints it.
        let thousands = |persons: f64| decimal(persons / 1000.0, 1);
        let mut text = format!(
            "Численность занятого населения по группам занятий и регионам, тыс. человек\r\n\
             Регион;Группа занятий;Годы\r\n;;{y}\r\n"
        );
        let country: Vec<f64> = majors
            .iter()
            .map(|(code, _)| {
                let m: u8 = code.parse().unwrap_or(0);
                (0..w.regions.len())
                    .map(|r| cells.get(&(r, m)).map_or(0.0, |c| c.0))
                    .sum()
            })
            .collect();
        let mut rows = 0u64;
        let blocks = std::iter::once(("Всего по Республике".to_string(), country)).chain(
            w.regions.iter().enumerate().map(|(r, region)| {
                let values = majors
                    .iter()
                    .map(|(code, _)| {
                        let m: u8 = code.parse().unwrap_or(0);
                        cells.get(&(r, m)).map_or(0.0, |c| c.0)
                    })
                    .collect();
                // Windows-1251 has no `Ұ`: the Bureau's Russian tables write `Улытау`.
                (region.ru.replace('Ұ', "У"), values)
            }),
        );
        for (label, values) in blocks {
            let total: f64 = values.iter().sum();
            text.push_str(&format!("{label};Всего;{}\r\n", thousands(total)));
            for ((code, name), v) in majors.iter().zip(&values) {
                // The armed forces are not surveyed by region: the Bureau prints a dash.
                let cell = if code == "0" {
                    "-".to_string()
                } else {
                    thousands(*v)
                };
                text.push_str(&format!(";{code} {name};{cell}\r\n"));
            }
            rows += 1 + majors.len() as u64;
        }
        text.push_str("Примечание: по данным выборочного обследования рабочей силы.;;\r\n");
        let rel = format!("labour_employment/employment_{y}.csv");
        out.write_raw("employment", &rel, &cp1251(&text), rows)?;
        out.submit(
            "statistics",
            BUREAU,
            "employment",
            y.to_string(),
            received,
            &rel,
        );

        let mut text =
            "Регион (КАТО);Группа занятий;Средняя заработная плата, тенге\r\n".to_string();
        let mut rows = 0u64;
        for (r, region) in w.regions.iter().enumerate() {
            for (code, name) in &majors {
                let m: u8 = code.parse().unwrap_or(0);
                let Some((employed, bill)) = cells.get(&(r, m)).filter(|c| c.0 > 0.0) else {
                    continue;
                };
                let wage = bill / employed;
                // Thousands grouped by spaces, as the Bureau's tables print them.
                let whole = wage.trunc() as i64;
                let grouped = whole
                    .to_string()
                    .as_bytes()
                    .rchunks(3)
                    .rev()
                    .map(|c| std::str::from_utf8(c).expect("digits"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let tenths = ((wage - wage.trunc()) * 10.0).round().min(9.0) as i64;
                text.push_str(&format!(
                    "{};{code} {name};{grouped},{tenths}\r\n",
                    region.code
                ));
                rows += 1;
            }
        }
        let rel = format!("labour_wages/wages_{y}.csv");
        out.write_raw("wages", &rel, &cp1251(&text), rows)?;
        out.submit("statistics", BUREAU, "wages", y.to_string(), received, &rel);

        let mut text = "Код НКЗ,КАТО,Период,Количество вакансий\n".to_string();
        for (unit, region, v) in &vacancies {
            text.push_str(&format!("{unit},{region},{y},{v}\n"));
        }
        let rel = format!("vacancies/vacancies_{y}.csv");
        out.write_raw("vacancies", &rel, text.as_bytes(), vacancies.len() as u64)?;
        out.submit(
            "statistics",
            BUREAU,
            "vacancies",
            y.to_string(),
            received,
            &rel,
        );
    }
    Ok(())
}

const BUREAU: &str = "Бюро национальной статистики АСПИР РК";

/// The submission log, written last because it lists every other file.
pub(crate) fn write_submissions(w: &World, out: &mut Out) -> Result<(), GenerateError> {
    let mut rng = rng_for(w.seed, "submissions", 0);
    let mut subs = std::mem::take(&mut out.submissions);
    subs.retain(|s| s.received <= w.as_of);
    subs.sort_by(|a, b| {
        (
            a.received, a.provider, &a.sender, a.source, &a.period, &a.file,
        )
            .cmp(&(
                b.received, b.provider, &b.sender, b.source, &b.period, &b.file,
            ))
    });
    let mut inj = Injector::new(&s::SUBMISSIONS_BAD, 0.003, &mut rng);
    let ghost = w.ghost_bin(&mut rng);
    let mut by_year: std::collections::BTreeMap<i32, Vec<Row>> = std::collections::BTreeMap::new();
    for (i, sub) in subs.iter().enumerate() {
        let rows = by_year.entry(sub.received.year()).or_default();
        rows.push(vec![
            s(&format!("SUB-{:07}", i + 1)),
            s(sub.provider),
            s(&sub.sender),
            s(sub.source),
            s(&sub.period),
            Cell::Date(sub.received),
            s(&sub.file),
        ]);
        if let Some(kind) = inj.roll(&mut rng) {
            let mut extra = rows.last().expect("just pushed").clone();
            if kind != BadKind::DuplicateKey {
                extra[0] = s(&format!("SUB-X{:06}", i + 1));
            }
            inj.corrupt(kind, &mut extra, s::SUBMISSIONS, &mut rng, &ghost);
            rows.push(extra);
        }
    }
    for (y, mut rows) in by_year {
        if inj.total() < 3 && rows.len() > 3 {
            let need = 3 - inj.total() as usize;
            inj.inject_n(
                &mut rows,
                need,
                s::SUBMISSIONS,
                &mut rng,
                &ghost,
                |row, k| row[0] = s(&format!("SUB-Y{y}{k:03}")),
            );
        }
        let rel = format!("submissions/submissions_{y}.csv");
        out.write("submissions", &rel, s::SUBMISSIONS, &rows, &Style::CSV)?;
    }
    out.bad("submissions", &inj);
    Ok(())
}
