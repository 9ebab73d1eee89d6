//! The invented country the files describe: regions, sectors, state bodies, the NCO, standards,
//! professions, centres with their accreditation history, institutions and employers. Everything
//! here is drawn once from the seed; the sources only read it.

use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::calendar::WorkingDays;
use super::ids::BinFactory;
use super::nco_data::{GAP_UNITS, NCO};
use super::table::{Header, Style};
use super::{Scale, rng_for};

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub(crate) fn month_end(y: i32, m: u32) -> NaiveDate {
    date(y, m, 1) + Months::new(1) - Duration::days(1)
}

pub(crate) fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d + Months::new(12 * years)
}

#[derive(Deserialize)]
struct CodeFile {
    code: Vec<CodeEntry>,
}

#[derive(Deserialize)]
struct CodeEntry {
    code: String,
    kk: String,
    ru: String,
}

pub(crate) struct Region {
    pub code: String,
    pub ru: String,
    /// Population, thousands.
    pub pop: f64,
    pub wage: f64,
    /// Added to the pass probability; the laggard region also loses ground each year.
    pub pass_offset: f64,
    pub russian_share: f64,
    /// North and centre, where senders' software more often writes Russian only.
    pub north: bool,
    pub city: bool,
}

/// (KATO code, population thousands, wage factor, Russian-name share, north, city).
const REGION_FACTS: &[(&str, f64, f64, f64, bool, bool)] = &[
    ("710000000", 1430.0, 1.45, 0.18, true, true),
    ("750000000", 2230.0, 1.40, 0.25, false, true),
    ("790000000", 1230.0, 0.85, 0.05, false, true),
    ("100000000", 610.0, 0.90, 0.30, true, false),
    ("110000000", 790.0, 0.90, 0.40, true, false),
    ("150000000", 930.0, 1.05, 0.12, false, false),
    ("190000000", 1520.0, 0.90, 0.15, false, false),
    ("230000000", 700.0, 1.90, 0.05, false, false),
    ("270000000", 690.0, 1.05, 0.20, false, false),
    ("310000000", 1220.0, 0.80, 0.06, false, false),
    ("330000000", 700.0, 0.78, 0.15, false, false),
    ("350000000", 1130.0, 1.10, 0.38, true, false),
    ("390000000", 830.0, 0.90, 0.42, true, false),
    ("430000000", 830.0, 0.90, 0.03, false, false),
    ("470000000", 770.0, 1.60, 0.05, false, false),
    ("550000000", 750.0, 1.05, 0.42, true, false),
    ("590000000", 530.0, 0.85, 0.48, true, false),
    ("610000000", 2140.0, 0.75, 0.03, false, false),
    ("620000000", 220.0, 1.30, 0.15, true, false),
    ("630000000", 720.0, 0.95, 0.35, true, false),
];

/// The region whose pass rate sits clearly below the national line and worsens each year.
pub(crate) const LAGGARD_REGION: &str = "430000000";

pub(crate) struct Sector {
    pub code: String,
    pub ru: String,
    pub kk: String,
    /// Relative demand for recognition.
    pub weight: f64,
    /// Share of its standards left without update for more than five years.
    pub stale: f64,
}

const SECTOR_FACTS: &[(&str, f64, f64)] = &[
    ("AGR", 6.0, 0.55),
    ("MIN", 9.0, 0.25),
    ("OIL", 10.0, 0.2),
    ("ENE", 8.0, 0.25),
    ("CON", 14.0, 0.3),
    ("MAN", 10.0, 0.3),
    ("TRN", 10.0, 0.3),
    ("ICT", 6.0, 0.05),
    ("FIN", 3.0, 0.15),
    ("HEA", 8.0, 0.35),
    ("EDU", 5.0, 0.5),
    ("TOU", 5.0, 0.3),
    ("TRD", 4.0, 0.4),
    ("HOU", 4.0, 0.6),
    ("SOC", 3.0, 0.4),
    ("CUL", 1.5, 0.6),
    ("EMR", 3.0, 0.2),
    ("CHE", 2.0, 0.35),
];

/// Sectors with no sectoral council and no sectoral framework: a gap the analysis should see.
pub(crate) const NO_COUNCIL: &[&str] = &["TRD", "HOU"];
pub(crate) const NO_SQF: &[&str] = &["TRD", "HOU", "CHE", "TOU"];

pub(crate) struct Body {
    pub code: &'static str,
    pub ru: &'static str,
    pub sectors: &'static [&'static str],
    pub style: Style,
    /// Sends its quarterly council activity weeks late, or not at all.
    pub laggard: bool,
}

pub(crate) const MINISTRY_RU: &str =
    "Министерство труда и социальной защиты населения Республики Казахстан";

fn bodies() -> Vec<Body> {
    let cp = Style::CP1251;
    let xl = Style::XLSX;
    let xl_text = Style::XLSX.text_dates(true);
    let js = Style::JSON;
    let csv = Style::CSV;
    vec![
        Body {
            code: "MSH",
            ru: "Министерство сельского хозяйства Республики Казахстан",
            sectors: &["AGR"],
            style: cp,
            laggard: false,
        },
        Body {
            code: "MPS",
            ru: "Министерство промышленности и строительства Республики Казахстан",
            sectors: &["MIN", "CON", "MAN", "CHE", "HOU"],
            style: xl,
            laggard: false,
        },
        Body {
            code: "MEN",
            ru: "Министерство энергетики Республики Казахстан",
            sectors: &["OIL", "ENE"],
            style: xl_text,
            laggard: false,
        },
        Body {
            code: "MT",
            ru: "Министерство транспорта Республики Казахстан",
            sectors: &["TRN"],
            style: csv,
            laggard: false,
        },
        Body {
            code: "MCRIAP",
            ru: "Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан",
            sectors: &["ICT"],
            style: js,
            laggard: false,
        },
        Body {
            code: "MF",
            ru: "Министерство финансов Республики Казахстан",
            sectors: &["FIN"],
            style: csv,
            laggard: false,
        },
        Body {
            code: "MZ",
            ru: "Министерство здравоохранения Республики Казахстан",
            sectors: &["HEA"],
            style: xl,
            laggard: false,
        },
        Body {
            code: "MP",
            ru: "Министерство просвещения Республики Казахстан",
            sectors: &["EDU"],
            style: cp,
            laggard: false,
        },
        Body {
            code: "MTS",
            ru: "Министерство туризма и спорта Республики Казахстан",
            sectors: &["TOU"],
            style: csv,
            laggard: false,
        },
        Body {
            code: "MTI",
            ru: "Министерство торговли и интеграции Республики Казахстан",
            sectors: &["TRD"],
            style: xl_text,
            laggard: false,
        },
        Body {
            code: "MTSZN",
            ru: MINISTRY_RU,
            sectors: &["SOC"],
            style: csv,
            laggard: false,
        },
        Body {
            code: "MKI",
            ru: "Министерство культуры и информации Республики Казахстан",
            sectors: &["CUL"],
            style: cp,
            laggard: true,
        },
        Body {
            code: "MChS",
            ru: "Министерство по чрезвычайным ситуациям Республики Казахстан",
            sectors: &["EMR"],
            style: js,
            laggard: false,
        },
    ]
}

pub(crate) struct NcoEntry {
    pub code: String,
    pub level: &'static str,
    pub parent: Option<String>,
    pub ru: String,
    pub kk: String,
}

pub(crate) struct Unit {
    pub code: String,
    pub sector: Option<usize>,
    pub ru: String,
    pub kk: String,
    pub major: u8,
    pub occs: Vec<usize>,
    /// Relative employment, drawn once.
    pub size: f64,
}

pub(crate) struct Occupation {
    pub code: String,
    pub unit: usize,
    pub ru: String,
    pub kk: String,
}

pub(crate) struct Standard {
    pub id: String,
    pub ru: String,
    pub kk: String,
    pub sector: usize,
    pub occs: Vec<usize>,
    pub levels: Vec<u8>,
    pub developer: &'static str,
    pub approval: NaiveDate,
    pub update: Option<NaiveDate>,
    pub status: &'static str,
}

/// (sector, occupations, approval, update, status) before the standard gets its id.
type StandardDraft = (
    usize,
    Vec<usize>,
    NaiveDate,
    Option<NaiveDate>,
    &'static str,
);

pub(crate) struct Profession {
    pub id: String,
    pub occ: usize,
    pub sector: usize,
    pub levels: Vec<u8>,
    pub included: NaiveDate,
    pub popularity: f64,
}

#[derive(Clone)]
pub(crate) struct CentreEvent {
    pub kind: &'static str,
    pub date: NaiveDate,
    pub reason: &'static str,
}

pub(crate) struct Accreditation {
    pub no: String,
    pub date: NaiveDate,
    pub expiry: NaiveDate,
}

pub(crate) struct Centre {
    pub no: usize,
    pub bin: String,
    pub name: String,
    pub region: usize,
    pub sectors: Vec<usize>,
    pub founders: Vec<String>,
    pub activity: f64,
    pub quality: f64,
    pub style: Style,
    pub kazakh_spelling: bool,
    /// Skips some monthly submissions altogether.
    pub skipper: bool,
    /// Often sends its monthly results weeks late.
    pub late: bool,
    pub accreditations: Vec<Accreditation>,
    pub events: Vec<CentreEvent>,
    pub idle_years: Vec<i32>,
    /// Professions it assesses, with weights.
    pub professions: Vec<usize>,
    pub profession_weights: Vec<f64>,
}

impl Centre {
    /// Status on `day`, or `None` before the first accreditation.
    pub(crate) fn status(&self, day: NaiveDate) -> Option<&'static str> {
        let last = self.events.iter().rev().find(|e| e.date <= day)?;
        Some(match last.kind {
            "accredited" | "resumed" => "accredited",
            other => other,
        })
    }

    pub(crate) fn accreditation_on(&self, day: NaiveDate) -> Option<&Accreditation> {
        self.accreditations.iter().rev().find(|a| a.date <= day)
    }
}

pub(crate) struct Institution {
    pub bin: String,
    pub name: String,
    pub region: usize,
    pub university: bool,
}

pub(crate) struct Programme {
    pub id: String,
    pub occ: usize,
    pub inst: usize,
    pub level: &'static str,
    pub nco_codes: Vec<String>,
    pub standard_ids: Vec<String>,
    pub registered: NaiveDate,
    pub closed: Option<NaiveDate>,
}

pub(crate) struct OrgRegistration {
    pub kind: &'static str,
    pub bin: String,
    pub trigger: NaiveDate,
    pub registered: NaiveDate,
}

pub(crate) struct Params {
    pub centres: usize,
    pub results_first_year: f64,
    pub support_per_year: f64,
    pub institutions: usize,
    pub employers_per_region: usize,
}

pub(crate) struct World {
    pub seed: u64,
    pub first_year: i32,
    pub last_year: i32,
    pub as_of: NaiveDate,
    pub params: Params,
    pub cal: WorkingDays,
    pub launch: NaiveDate,
    pub regions: Vec<Region>,
    pub sectors: Vec<Sector>,
    pub bodies: Vec<Body>,
    pub nco: Vec<NcoEntry>,
    pub units: Vec<Unit>,
    pub occs: Vec<Occupation>,
    pub standards: Vec<Standard>,
    pub professions: Vec<Profession>,
    pub centres: Vec<Centre>,
    pub institutions: Vec<Institution>,
    pub programmes: Vec<Programme>,
    pub employers: Vec<Vec<String>>,
    /// Valid BINs of no centre: the "unknown centre" fault.
    pub ghost_bins: Vec<String>,
    /// Valid BINs of no one, to re-key bad rows of the centre list without colliding.
    pub stray_bins: Vec<String>,
    pub org_registrations: Vec<OrgRegistration>,
}

impl World {
    pub(crate) fn sector_idx(&self, code: &str) -> usize {
        self.sectors
            .iter()
            .position(|s| s.code == code)
            .unwrap_or_else(|| panic!("sector {code} is not in codes/sectors.toml"))
    }

    pub(crate) fn region_weights(&self) -> Vec<f64> {
        self.regions.iter().map(|r| r.pop).collect()
    }

    pub(crate) fn ghost_bin(&self, rng: &mut ChaCha8Rng) -> String {
        self.ghost_bins
            .choose(rng)
            .expect("ghost bins exist")
            .clone()
    }
}

fn parse_codes(text: &str) -> Vec<CodeEntry> {
    toml::from_str::<CodeFile>(text)
        .expect("embedded code list parses")
        .code
}

pub(crate) fn lognormal<R: Rng>(rng: &mut R, sigma: f64) -> f64 {
    (normal(rng) * sigma).exp()
}

/// A standard normal draw (Box–Muller), enough for sizes and noise.
pub(crate) fn normal<R: Rng>(rng: &mut R) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A Poisson count: exact for small means, normal approximation above.
pub(crate) fn poisson<R: Rng>(rng: &mut R, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    if mean < 30.0 {
        let l = (-mean).exp();
        let mut k = 0u64;
        let mut p = 1.0;
        loop {
            p *= rng.r#gen::<f64>();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u64
}

fn levels_for_major(major: u8) -> Vec<u8> {
    match major {
        1 => vec![6, 7, 8],
        2 => vec![5, 6, 7],
        3 => vec![4, 5],
        4 => vec![3, 4],
        5 | 6 | 8 => vec![2, 3, 4],
        7 => vec![2, 3, 4, 5],
        9 => vec![1, 2],
        _ => vec![],
    }
}

const DEVELOPERS: &[&str] = &[
    "НПП РК «Атамекен»",
    "Отраслевая ассоциация работодателей",
    "АО «Казахстанский институт развития индустрии»",
    "НАО «Центр развития трудовых ресурсов»",
    "ОЮЛ «Союз строителей Казахстана»",
    "Ассоциация KAZENERGY",
    "Ассоциация горнодобывающих и горно-металлургических предприятий",
    "ОЮЛ «Казахстанская ассоциация ИТ-компаний»",
];

const CENTRE_NAME_STEMS: &[&str] = &[
    "Центр признания квалификаций",
    "Центр оценки профессиональных квалификаций",
    "Отраслевой центр сертификации",
    "Центр подтверждения квалификации",
];

const CENTRE_BRANDS: &[&str] = &[
    "Кәсіпқор",
    "Шебер",
    "Energy Skills",
    "Qazaq Skills",
    "Sapa",
    "Өрлеу",
    "KazMinSkills",
    "Құрылыс Сарапшы",
    "TransLogistic",
    "Digital Qazaqstan",
    "Агроквалификация",
    "Медицинский стандарт",
    "Мұнайшы",
    "Профессионал",
    "Temir Zhol Skills",
    "Алтын Шебер",
    "Туран",
    "Достық",
    "Тараз Кәсіп",
    "Ертіс",
    "Жайық",
    "Сарыарқа",
    "Ақ Жол",
    "Best Skills",
];

impl World {
    pub(crate) fn build(
        seed: u64,
        scale: Scale,
        first_year: i32,
        last_year: i32,
        as_of: NaiveDate,
    ) -> World {
        let params = match scale {
            Scale::Small => Params {
                centres: 20,
                results_first_year: 1400.0,
                support_per_year: 150.0,
                institutions: 15,
                employers_per_region: 10,
            },
            Scale::National => Params {
                centres: 320,
                // January to October alone must pass a million, as the default as_of cuts there.
                results_first_year: 1_400_000.0,
                support_per_year: 24_000.0,
                institutions: 420,
                employers_per_region: 250,
            },
        };
        let mut rng = rng_for(seed, "world", 0);
        let cal = WorkingDays::embedded();
        let launch = cal.next_working(date(first_year, 1, 10));

        let regions: Vec<Region> = parse_codes(include_str!("../../pipelines/codes/regions.toml"))
            .into_iter()
            .map(|e| {
                let f = REGION_FACTS
                    .iter()
                    .find(|f| f.0 == e.code)
                    .unwrap_or_else(|| panic!("no facts for region {}", e.code));
                let pass_offset = if e.code == LAGGARD_REGION {
                    -0.13
                } else {
                    rng.gen_range(-0.05..0.05)
                };
                Region {
                    code: e.code,
                    ru: e.ru,
                    pop: f.1,
                    wage: f.2,
                    pass_offset,
                    russian_share: f.3,
                    north: f.4,
                    city: f.5,
                }
            })
            .collect();
        let sectors: Vec<Sector> = parse_codes(include_str!("../../pipelines/codes/sectors.toml"))
            .into_iter()
            .map(|e| {
                let f = SECTOR_FACTS
                    .iter()
                    .find(|f| f.0 == e.code)
                    .copied()
                    .unwrap_or(("", 2.0, 0.3));
                Sector {
                    code: e.code,
                    ru: e.ru,
                    kk: e.kk,
                    weight: f.1,
                    stale: f.2,
                }
            })
            .collect();

        let mut w = World {
            seed,
            first_year,
            last_year,
            as_of,
            params,
            cal,
            launch,
            regions,
            sectors,
            bodies: bodies(),
            nco: Vec::new(),
            units: Vec::new(),
            occs: Vec::new(),
            standards: Vec::new(),
            professions: Vec::new(),
            centres: Vec::new(),
            institutions: Vec::new(),
            programmes: Vec::new(),
            employers: Vec::new(),
            ghost_bins: Vec::new(),
            stray_bins: Vec::new(),
            org_registrations: Vec::new(),
        };
        w.build_nco(&mut rng);
        w.build_standards(&mut rng);
        w.build_professions(&mut rng);
        let mut bins = BinFactory::new(1000);
        w.build_centres(&mut rng, &mut bins);
        w.build_institutions(&mut rng, &mut bins);
        w.build_employers(&mut rng, &mut bins);
        w.ghost_bins = (0..4).map(|_| bins.next(&mut rng, 2010..=2021)).collect();
        w.stray_bins = (0..4).map(|_| bins.next(&mut rng, 2010..=2021)).collect();
        w.build_org_registrations(&mut rng, &mut bins);
        w
    }

    fn build_nco(&mut self, rng: &mut ChaCha8Rng) {
        for line in NCO.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split('|').collect();
            let code = f[1].to_string();
            let level = match code.len() {
                1 => "major",
                2 => "sub_major",
                3 => "minor",
                _ => "unit",
            };
            let parent = (code.len() > 1).then(|| code[..code.len() - 1].to_string());
            let (ru, kk) = if f[0] == "U" {
                (f[3], f[4])
            } else {
                (f[2], f[3])
            };
            self.nco.push(NcoEntry {
                code: code.clone(),
                level,
                parent,
                ru: ru.to_string(),
                kk: kk.to_string(),
            });
            if f[0] != "U" {
                continue;
            }
            let major = code.as_bytes()[0] - b'0';
            let sector = (f[2] != "-").then(|| self.sector_idx(f[2]));
            let u = self.units.len();
            let mut occs = Vec::new();
            for (k, pair) in f[5].split(';').enumerate() {
                let (oru, okk) = pair.split_once('/').expect("occupation is ru/kk");
                let ocode = format!("{code}-{}-{:03}", k % 3 + 1, k + 1);
                occs.push(self.occs.len());
                self.occs.push(Occupation {
                    code: ocode,
                    unit: u,
                    ru: oru.to_string(),
                    kk: okk.to_string(),
                });
            }
            let base = match major {
                9 => 3.0,
                7 | 8 => 2.5,
                5 => 3.0,
                6 => 2.0,
                2 => 1.6,
                3 => 1.4,
                4 => 1.0,
                1 => 0.6,
                _ => 0.4,
            };
            self.units.push(Unit {
                code,
                sector,
                ru: ru.to_string(),
                kk: kk.to_string(),
                major,
                occs,
                size: base * lognormal(rng, 0.6),
            });
        }
        // Occupations go after their unit group, in code order, as the classifier prints them.
        for (ui, unit) in self.units.iter().enumerate() {
            let pos = self
                .nco
                .iter()
                .position(|e| e.code == unit.code)
                .expect("unit present")
                + 1;
            let rows: Vec<NcoEntry> = unit
                .occs
                .iter()
                .map(|&o| NcoEntry {
                    code: self.occs[o].code.clone(),
                    level: "occupation",
                    parent: Some(self.units[ui].code.clone()),
                    ru: self.occs[o].ru.clone(),
                    kk: self.occs[o].kk.clone(),
                })
                .collect();
            self.nco.splice(pos..pos, rows);
        }
    }

    fn build_standards(&mut self, rng: &mut ChaCha8Rng) {
        let as_of = self.as_of;
        let mut drafts: Vec<StandardDraft> = Vec::new();
        let last_window = as_of - Duration::days(5 * 365);
        let random_day = |rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate| {
            let span = (to - from).num_days().max(1);
            from + Duration::days(rng.gen_range(0..span))
        };
        for unit in &self.units {
            let Some(sector) = unit.sector else { continue };
            if GAP_UNITS.contains(&unit.code.as_str()) || unit.major <= 1 && rng.gen_bool(0.5) {
                continue;
            }
            // A unit with three occupations is sometimes covered by two standards.
            let groups: Vec<Vec<usize>> = if unit.occs.len() >= 3 && rng.gen_bool(0.5) {
                vec![unit.occs[..1].to_vec(), unit.occs[1..].to_vec()]
            } else {
                vec![unit.occs.clone()]
            };
            let stale_share = self.sectors[sector].stale;
            for occs in groups {
                let old_start = date(2013, 1, 1);
                let (approval, update) = if rng.gen_bool(stale_share) {
                    (
                        random_day(rng, old_start, last_window - Duration::days(30)),
                        None,
                    )
                } else if rng.gen_bool(0.45) {
                    let a = random_day(rng, old_start, last_window - Duration::days(30));
                    (
                        a,
                        Some(random_day(
                            rng,
                            last_window + Duration::days(30),
                            as_of - Duration::days(20),
                        )),
                    )
                } else {
                    (
                        random_day(
                            rng,
                            last_window + Duration::days(30),
                            as_of - Duration::days(20),
                        ),
                        None,
                    )
                };
                // Some current standards replaced an older version of themselves.
                if approval.year() >= 2019 && rng.gen_bool(0.15) {
                    let old = random_day(rng, date(2013, 1, 1), date(2017, 12, 31));
                    drafts.push((sector, occs.clone(), old, None, "replaced"));
                }
                drafts.push((sector, occs, approval, update, "in_force"));
            }
        }
        // A few standards were revoked without replacement.
        let revocable: Vec<usize> = (0..drafts.len())
            .filter(|&i| drafts[i].4 == "in_force")
            .collect();
        for &i in revocable.choose_multiple(rng, 4) {
            drafts[i].4 = "revoked";
        }
        drafts.sort_by_key(|d| (d.2, d.1[0]));
        let mut per_year: std::collections::BTreeMap<i32, u32> = std::collections::BTreeMap::new();
        for (sector, occs, approval, update, status) in drafts {
            let n = per_year.entry(approval.year()).or_default();
            *n += 1;
            let unit = &self.units[self.occs[occs[0]].unit];
            let (ru, kk) = if occs.len() == 1 {
                (self.occs[occs[0]].ru.clone(), self.occs[occs[0]].kk.clone())
            } else {
                (unit.ru.clone(), unit.kk.clone())
            };
            let mut levels = levels_for_major(unit.major);
            if levels.len() > 2 && rng.gen_bool(0.3) {
                levels.pop();
            }
            self.standards.push(Standard {
                id: format!("PS-{}-{:03}", approval.year(), n),
                ru: format!("Профессиональный стандарт «{ru}»"),
                kk: format!("«{kk}» кәсіптік стандарты"),
                sector,
                occs,
                levels,
                developer: DEVELOPERS.choose(rng).expect("non-empty"),
                approval,
                update,
                status,
            });
        }
    }

    fn build_professions(&mut self, rng: &mut ChaCha8Rng) {
        let mut seen = std::collections::BTreeSet::new();
        let mut order: Vec<usize> = (0..self.standards.len())
            .filter(|&i| self.standards[i].status == "in_force")
            .collect();
        order.sort_by_key(|&i| self.standards[i].occs[0]);
        for si in order {
            let s = &self.standards[si];
            // The profession entered the register with the earliest standard for its occupation.
            let first_approval = self
                .standards
                .iter()
                .filter(|o| o.occs.iter().any(|x| s.occs.contains(x)))
                .map(|o| o.approval)
                .min()
                .expect("s itself");
            for &occ in &s.occs {
                if !seen.insert(occ) {
                    continue;
                }
                let major = self.units[self.occs[occ].unit].major;
                let mut levels = s.levels.clone();
                if levels.len() > 2 && rng.gen_bool(0.2) {
                    levels.remove(0);
                }
                let included =
                    first_approval.max(date(2016, 6, 1)) + Duration::days(rng.gen_range(20..150));
                let popularity = lognormal(rng, 0.9)
                    * match major {
                        7 | 8 => 2.0,
                        3 | 5 => 1.2,
                        _ => 0.7,
                    };
                self.professions.push(Profession {
                    id: String::new(),
                    occ,
                    sector: s.sector,
                    levels,
                    included,
                    popularity,
                });
            }
        }
        self.professions
            .sort_by(|a, b| self.occs[a.occ].code.cmp(&self.occs[b.occ].code));
        for (i, p) in self.professions.iter_mut().enumerate() {
            p.id = format!("P{:05}", 10001 + i * 7);
        }
    }

    fn build_centres(&mut self, rng: &mut ChaCha8Rng, bins: &mut BinFactory) {
        let n = self.params.centres;
        let region_w: Vec<f64> = self
            .regions
            .iter()
            .map(|r| {
                let base = r.pop.powf(1.4);
                if r.city { base * 2.2 } else { base }
            })
            .collect();
        let region_pick = WeightedIndex::new(&region_w).expect("weights");
        // Only sectors that have professions can be assessed.
        let sector_has: Vec<bool> = (0..self.sectors.len())
            .map(|s| self.professions.iter().any(|p| p.sector == s))
            .collect();
        let sector_w: Vec<f64> = self
            .sectors
            .iter()
            .enumerate()
            .map(|(i, s)| if sector_has[i] { s.weight } else { 0.0 })
            .collect();
        let sector_pick = WeightedIndex::new(&sector_w).expect("weights");
        let window_start = date(self.first_year, 1, 1);
        let mut acc_no = 0u32;
        // An XLSX file costs some 6 KB however few rows it holds: the small sample keeps the
        // format on one centre so that it stays small, the national one on a realistic share.
        let xlsx_share = if n <= 40 { 0.0 } else { 0.14 };
        for no in 1..=n {
            let mut region = region_pick.sample(rng);
            // Ulytau gets no centre of its own: its candidates travel.
            if self.regions[region].code == "620000000" {
                region = 0;
            }
            let mut sectors: Vec<usize> = Vec::new();
            for _ in 0..rng.gen_range(1..=3) {
                let s = sector_pick.sample(rng);
                if !sectors.contains(&s) {
                    sectors.push(s);
                }
            }
            sectors.sort();
            let bin = bins.next(rng, 2004..=2019);
            let brand = CENTRE_BRANDS[(no - 1) % CENTRE_BRANDS.len()];
            let name = format!(
                "{} «{}{}»",
                CENTRE_NAME_STEMS.choose(rng).expect("non-empty"),
                brand,
                if no > CENTRE_BRANDS.len() {
                    format!("-{}", no / CENTRE_BRANDS.len() + 1)
                } else {
                    String::new()
                }
            );
            let founders = (0..rng.gen_range(1..=3))
                .map(|_| bins.next(rng, 1997..=2018))
                .collect();
            let r = &self.regions[region];
            let style = {
                let x: f64 = rng.r#gen();
                let cp_share = if r.north { 0.4 } else { 0.15 };
                if n <= 40 && no == 2 {
                    Style::XLSX
                } else if n <= 40 && no == 3 {
                    Style::JSON
                } else if x < cp_share {
                    Style::CP1251.with_header(Header::Ru)
                } else if x < cp_share + xlsx_share {
                    if rng.gen_bool(0.5) {
                        Style::XLSX
                    } else {
                        Style::XLSX.text_dates(true)
                    }
                } else if n > 40 && x < cp_share + xlsx_share + 0.1 {
                    Style::JSON
                } else {
                    Style::CSV
                }
            };
            let kazakh_spelling = !(style.fmt == super::table::Fmt::CsvCp1251) && rng.gen_bool(0.7);
            // First accreditation: most centres predate the window, the rest join over it.
            let first_acc = if rng.gen_bool(0.65) {
                date(2018, 3, 1)
                    + Duration::days(rng.gen_range(0..(window_start - date(2018, 3, 1)).num_days()))
            } else {
                let span = (date(self.last_year, 6, 30) - window_start).num_days();
                window_start + Duration::days(rng.gen_range(0..span))
            };
            let first_acc = self.cal.next_working(first_acc);
            let mut events = vec![CentreEvent {
                kind: "accredited",
                date: first_acc,
                reason: "",
            }];
            let mut accreditations = Vec::new();
            let mut start = first_acc;
            let end_of_world = add_years(self.as_of, 1);
            loop {
                acc_no += 1;
                let expiry = add_years(start, 5) - Duration::days(1);
                accreditations.push(Accreditation {
                    no: format!("KZ.A.{:02}.{:04}", start.year() % 100, acc_no),
                    date: start,
                    expiry,
                });
                // Within a period: a suspension (sometimes ending in revocation).
                if rng.gen_bool(0.12) {
                    let s = start + Duration::days(rng.gen_range(120..1500));
                    if s < expiry - Duration::days(150) {
                        events.push(CentreEvent {
                            kind: "suspended",
                            date: s,
                            reason: [
                                "нарушение порядка оценки",
                                "непредставление отчётности",
                                "жалобы кандидатов",
                            ]
                            .choose(rng)
                            .expect("non-empty"),
                        });
                        let back = s + Duration::days(rng.gen_range(30..130));
                        if rng.gen_bool(0.3) {
                            events.push(CentreEvent {
                                kind: "revoked",
                                date: back,
                                reason: "неустранение нарушений",
                            });
                            break;
                        }
                        events.push(CentreEvent {
                            kind: "resumed",
                            date: back,
                            reason: "нарушения устранены",
                        });
                    }
                }
                if rng.gen_bool(0.02) {
                    events.push(CentreEvent {
                        kind: "revoked",
                        date: start + Duration::days(rng.gen_range(200..1600)),
                        reason: "решение органа по аккредитации",
                    });
                    break;
                }
                if expiry > end_of_world {
                    break;
                }
                if rng.gen_bool(0.78) {
                    let renewed = self
                        .cal
                        .next_working(expiry - Duration::days(rng.gen_range(0..25)));
                    events.push(CentreEvent {
                        kind: "accredited",
                        date: renewed,
                        reason: "переаккредитация",
                    });
                    start = renewed;
                } else {
                    events.push(CentreEvent {
                        kind: "ended",
                        date: expiry + Duration::days(1),
                        reason: "срок аккредитации истёк",
                    });
                    break;
                }
            }
            events.sort_by_key(|e| e.date);
            // A revocation ends the story: drop anything drawn after it.
            if let Some(cut) = events
                .iter()
                .position(|e| e.kind == "revoked" || e.kind == "ended")
            {
                events.truncate(cut + 1);
            }
            let last_acc = events
                .iter()
                .filter(|e| e.kind == "accredited")
                .map(|e| e.date)
                .max();
            accreditations.retain(|a| Some(a.date) <= last_acc);
            let activity = lognormal(rng, 0.7) * if r.city { 1.6 } else { 1.0 };
            let quality = rng.gen_range(-0.06..0.06);
            let idle_years: Vec<i32> = if no % 11 == 5 {
                (self.first_year..=self.last_year).collect()
            } else {
                (self.first_year..=self.last_year)
                    .filter(|_| rng.gen_bool(0.06))
                    .collect()
            };
            self.centres.push(Centre {
                no,
                bin,
                name,
                region,
                sectors,
                founders,
                activity,
                quality,
                style,
                kazakh_spelling,
                skipper: false,
                late: rng.gen_bool(0.1),
                accreditations,
                events,
                idle_years,
                professions: Vec::new(),
                profession_weights: Vec::new(),
            });
        }
        // Two busy centres skip months: the missing submissions the timeliness check must find.
        let mut busy: Vec<usize> = (0..self.centres.len())
            .filter(|&i| {
                self.centres[i].idle_years.is_empty()
                    && self.centres[i].events.iter().all(|e| e.kind != "revoked")
            })
            .collect();
        busy.sort_by(|&a, &b| {
            self.centres[b]
                .activity
                .total_cmp(&self.centres[a].activity)
        });
        for &i in busy.iter().skip(2).take(2) {
            self.centres[i].skipper = true;
        }
        for c in &mut self.centres {
            for (pi, p) in self.professions.iter().enumerate() {
                if c.sectors.contains(&p.sector) {
                    c.professions.push(pi);
                    c.profession_weights.push(p.popularity);
                }
            }
        }
    }

    fn build_institutions(&mut self, rng: &mut ChaCha8Rng, bins: &mut BinFactory) {
        let region_pick = WeightedIndex::new(self.region_weights()).expect("weights");
        let colleges = [
            "Высший колледж",
            "Политехнический колледж",
            "Колледж",
            "Индустриально-технический колледж",
            "Медицинский колледж",
            "Аграрно-технический колледж",
        ];
        let univs = [
            "Университет",
            "Технический университет",
            "Инженерно-технологический университет",
        ];
        for i in 0..self.params.institutions {
            let region = region_pick.sample(rng);
            let university = rng.gen_bool(0.3);
            let city = self.regions[region].ru.replace("город ", "г. ");
            let name = if university {
                format!(
                    "{} «{}» ({})",
                    univs.choose(rng).expect("non-empty"),
                    CENTRE_BRANDS[i % CENTRE_BRANDS.len()],
                    city
                )
            } else {
                format!(
                    "{} № {} ({})",
                    colleges.choose(rng).expect("non-empty"),
                    i + 1,
                    city
                )
            };
            self.institutions.push(Institution {
                bin: bins.next(rng, 1996..=2015),
                name,
                region,
                university,
            });
        }
        // Programmes: each institution teaches a handful of occupations of matching level.
        let mut seq = 0u32;
        let start = date(2015, 9, 1);
        let span = (self.as_of - start).num_days();
        for (ii, inst) in self.institutions.iter().enumerate() {
            let majors: &[u8] = if inst.university {
                &[1, 2, 2, 2, 3]
            } else {
                &[3, 3, 4, 5, 7, 7, 7, 8, 6]
            };
            let candidates: Vec<usize> = (0..self.occs.len())
                .filter(|&o| {
                    let u = &self.units[self.occs[o].unit];
                    u.sector.is_some() && majors.contains(&u.major)
                })
                .collect();
            let k = rng.gen_range(4..12);
            let mut picked: Vec<usize> = candidates.choose_multiple(rng, k).copied().collect();
            picked.sort();
            for occ in picked {
                seq += 1;
                let unit = &self.units[self.occs[occ].unit];
                let level = if inst.university {
                    if rng.gen_bool(0.2) {
                        "postgraduate"
                    } else {
                        "higher"
                    }
                } else if unit.major == 3 && rng.gen_bool(0.3) {
                    "post_secondary"
                } else {
                    "tvet"
                };
                let mut nco_codes = vec![self.occs[occ].code.clone()];
                if rng.gen_bool(0.3)
                    && let Some(&other) = unit.occs.iter().find(|&&o| o != occ)
                {
                    nco_codes.push(self.occs[other].code.clone());
                }
                // Many programmes are not yet linked to any standard.
                let standard_ids: Vec<String> = if rng.gen_bool(0.6) {
                    self.standards
                        .iter()
                        .filter(|s| s.status == "in_force" && s.occs.contains(&occ))
                        .map(|s| s.id.clone())
                        .collect()
                } else {
                    Vec::new()
                };
                let registered = start + Duration::days(rng.gen_range(0..span));
                let closed = rng
                    .gen_bool(0.08)
                    .then(|| registered + Duration::days(rng.gen_range(200..1500)))
                    .filter(|d| *d < self.as_of);
                self.programmes.push(Programme {
                    id: format!("EP-{:06}", 100000 + seq * 3),
                    occ,
                    inst: ii,
                    level,
                    nco_codes,
                    standard_ids,
                    registered,
                    closed,
                });
            }
        }
    }

    fn build_employers(&mut self, rng: &mut ChaCha8Rng, bins: &mut BinFactory) {
        let per = self.params.employers_per_region;
        for r in 0..self.regions.len() {
            let n = ((per as f64) * (self.regions[r].pop / 1000.0).sqrt()).ceil() as usize;
            self.employers
                .push((0..n).map(|_| bins.next(rng, 1995..=2021)).collect());
        }
    }

    fn build_org_registrations(&mut self, rng: &mut ChaCha8Rng, bins: &mut BinFactory) {
        let cal = &self.cal;
        let launch = self.launch;
        let mut regs = Vec::new();
        for c in &self.centres {
            let trigger = c.events[0].date.max(launch);
            let late = rng.gen_bool(0.15);
            // Para. 4: five working days; breaches sit well outside it.
            let delay = if late {
                rng.gen_range(7..30)
            } else {
                rng.gen_range(0..5)
            };
            regs.push(OrgRegistration {
                kind: "centre",
                bin: c.bin.clone(),
                trigger,
                registered: cal.add_working_days(trigger, delay),
            });
        }
        for _ in &self.bodies {
            let trigger = cal.add_working_days(launch, rng.gen_range(5..25));
            let delay = if rng.gen_bool(0.3) {
                rng.gen_range(12..40)
            } else {
                rng.gen_range(1..10)
            };
            regs.push(OrgRegistration {
                kind: "state_body",
                bin: bins.next(rng, 1996..=2008),
                trigger,
                registered: cal.add_working_days(trigger, delay),
            });
        }
        regs.push(OrgRegistration {
            kind: "national_chamber",
            bin: bins.next(rng, 2013..=2013),
            trigger: launch,
            registered: cal.add_working_days(launch, 4),
        });
        for _ in 0..self.regions.len() {
            let delay = if rng.gen_bool(0.2) {
                rng.gen_range(12..30)
            } else {
                rng.gen_range(1..10)
            };
            regs.push(OrgRegistration {
                kind: "regional_chamber",
                bin: bins.next(rng, 2013..=2014),
                trigger: launch,
                registered: cal.add_working_days(launch, delay),
            });
        }
        regs.sort_by(|a, b| (a.registered, &a.bin).cmp(&(b.registered, &b.bin)));
        self.org_registrations = regs;
    }
}
