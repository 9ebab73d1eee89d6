//! Synthetic persons: names in Kazakh or Russian spelling, IIN, contacts. Every person is
//! invented; the personal-data columns exist so that ingest can prove it drops them.

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;

use super::ids;

/// (Kazakh spelling, Russian spelling, Latin).
type Name = (&'static str, &'static str, &'static str);

const KZ_MALE: &[Name] = &[
    ("Нұрлан", "Нурлан", "nurlan"),
    ("Ерлан", "Ерлан", "erlan"),
    ("Асқар", "Аскар", "askar"),
    ("Бауыржан", "Бауыржан", "bauyrzhan"),
    ("Дәурен", "Даурен", "dauren"),
    ("Ержан", "Ержан", "yerzhan"),
    ("Қайрат", "Кайрат", "kairat"),
    ("Мұрат", "Мурат", "murat"),
    ("Серік", "Серик", "serik"),
    ("Айдос", "Айдос", "aidos"),
    ("Арман", "Арман", "arman"),
    ("Ғалым", "Галым", "galym"),
    ("Жандос", "Жандос", "zhandos"),
    ("Нұржан", "Нуржан", "nurzhan"),
    ("Ақжол", "Акжол", "akzhol"),
    ("Бекзат", "Бекзат", "bekzat"),
    ("Дәулет", "Даулет", "daulet"),
    ("Еркебұлан", "Еркебулан", "yerkebulan"),
    ("Темірлан", "Темирлан", "temirlan"),
    ("Әлихан", "Алихан", "alikhan"),
    ("Санжар", "Санжар", "sanzhar"),
    ("Талғат", "Талгат", "talgat"),
    ("Абай", "Абай", "abai"),
    ("Болат", "Болат", "bolat"),
];

const KZ_FEMALE: &[Name] = &[
    ("Айгүл", "Айгуль", "aigul"),
    ("Гүлнар", "Гульнар", "gulnar"),
    ("Әсел", "Асель", "asel"),
    ("Динара", "Динара", "dinara"),
    ("Жанар", "Жанар", "zhanar"),
    ("Қарлығаш", "Карлыгаш", "karlygash"),
    ("Мәдина", "Мадина", "madina"),
    ("Назерке", "Назерке", "nazerke"),
    ("Салтанат", "Салтанат", "saltanat"),
    ("Айжан", "Айжан", "aizhan"),
    ("Ақмарал", "Акмарал", "akmaral"),
    ("Гүлмира", "Гульмира", "gulmira"),
    ("Жұлдыз", "Жулдыз", "zhuldyz"),
    ("Аружан", "Аружан", "aruzhan"),
    ("Балжан", "Балжан", "balzhan"),
    ("Данагүл", "Данагуль", "danagul"),
    ("Інкәр", "Инкар", "inkar"),
    ("Томирис", "Томирис", "tomiris"),
    ("Ұлжан", "Улжан", "ulzhan"),
    ("Меруерт", "Меруерт", "meruert"),
];

/// Male surname forms; the female form adds "а".
const KZ_SURNAMES: &[Name] = &[
    ("Жұмабаев", "Жумабаев", "zhumabayev"),
    ("Нұрғалиев", "Нургалиев", "nurgaliyev"),
    ("Ахметов", "Ахметов", "akhmetov"),
    ("Қасымов", "Касымов", "kassymov"),
    ("Әбенов", "Абенов", "abenov"),
    ("Сұлтанов", "Султанов", "sultanov"),
    ("Бекмұхамбетов", "Бекмухамбетов", "bekmukhambetov"),
    ("Оспанов", "Оспанов", "ospanov"),
    ("Серікбаев", "Серикбаев", "serikbayev"),
    ("Төлегенов", "Тулегенов", "tulegenov"),
    ("Мұқанов", "Муканов", "mukanov"),
    ("Ибраев", "Ибраев", "ibrayev"),
    ("Омаров", "Омаров", "omarov"),
    ("Байжанов", "Байжанов", "baizhanov"),
    ("Жақсылықов", "Жаксылыков", "zhaksylykov"),
    ("Әлиев", "Алиев", "aliyev"),
    ("Нұрланов", "Нурланов", "nurlanov"),
    ("Смағұлов", "Смагулов", "smagulov"),
    ("Тоқтаров", "Токтаров", "toktarov"),
    ("Есенов", "Есенов", "yessenov"),
    ("Құдайбергенов", "Кудайбергенов", "kudaibergenov"),
    ("Шәріпов", "Шарипов", "sharipov"),
    ("Абдрахманов", "Абдрахманов", "abdrakhmanov"),
    ("Қалиев", "Калиев", "kaliyev"),
];

/// Fathers' names for patronymics: Kazakh "-ұлы/-қызы" or Russian "-ович/-овна".
const KZ_FATHERS: &[Name] = &[
    ("Нұрлан", "Нурлан", ""),
    ("Ерлан", "Ерлан", ""),
    ("Асқар", "Аскар", ""),
    ("Бауыржан", "Бауыржан", ""),
    ("Қайрат", "Кайрат", ""),
    ("Мұрат", "Мурат", ""),
    ("Серік", "Серик", ""),
    ("Арман", "Арман", ""),
    ("Ғалым", "Галым", ""),
    ("Талғат", "Талгат", ""),
    ("Марат", "Марат", ""),
    ("Болат", "Болат", ""),
];

const RU_MALE: &[(&str, &str)] = &[
    ("Александр", "aleksandr"),
    ("Сергей", "sergey"),
    ("Дмитрий", "dmitriy"),
    ("Андрей", "andrey"),
    ("Алексей", "aleksey"),
    ("Владимир", "vladimir"),
    ("Евгений", "yevgeniy"),
    ("Игорь", "igor"),
    ("Максим", "maksim"),
    ("Николай", "nikolay"),
];

const RU_FEMALE: &[(&str, &str)] = &[
    ("Елена", "yelena"),
    ("Ольга", "olga"),
    ("Наталья", "natalya"),
    ("Татьяна", "tatyana"),
    ("Ирина", "irina"),
    ("Светлана", "svetlana"),
    ("Анна", "anna"),
    ("Юлия", "yuliya"),
    ("Екатерина", "yekaterina"),
    ("Мария", "mariya"),
];

/// (male, female, Latin).
const RU_SURNAMES: &[(&str, &str, &str)] = &[
    ("Иванов", "Иванова", "ivanov"),
    ("Петров", "Петрова", "petrov"),
    ("Смирнов", "Смирнова", "smirnov"),
    ("Кузнецов", "Кузнецова", "kuznetsov"),
    ("Попов", "Попова", "popov"),
    ("Васильев", "Васильева", "vasilyev"),
    ("Соколов", "Соколова", "sokolov"),
    ("Морозов", "Морозова", "morozov"),
    ("Новиков", "Новикова", "novikov"),
    ("Волков", "Волкова", "volkov"),
    ("Ким", "Ким", "kim"),
    ("Шевченко", "Шевченко", "shevchenko"),
];

/// (male, female).
const RU_PATRONYMICS: &[(&str, &str)] = &[
    ("Александрович", "Александровна"),
    ("Сергеевич", "Сергеевна"),
    ("Викторович", "Викторовна"),
    ("Владимирович", "Владимировна"),
    ("Николаевич", "Николаевна"),
    ("Петрович", "Петровна"),
];

const OPERATORS: &[&str] = &[
    "700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778",
];
const MAIL_DOMAINS: &[&str] = &[
    "mail.ru",
    "gmail.com",
    "mail.kz",
    "inbox.kz",
    "yandex.kz",
    "bk.ru",
];

#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub iin: String,
    pub birth: NaiveDate,
    pub male: bool,
    /// Full name as the sender's system spells it.
    pub full_name: String,
    pub latin: String,
    pub phone: String,
    pub email: String,
}

impl Person {
    pub(crate) fn sex_code(&self) -> &'static str {
        if self.male { "M" } else { "F" }
    }
}

/// Draws a person aged `min_age..max_age` on `on`. `kazakh_spelling` says whether the sender's
/// system keeps Kazakh letters; `ethnic_russian` is the share of Russian names in the region.
pub(crate) fn person<R: Rng>(
    rng: &mut R,
    on: NaiveDate,
    min_age: i64,
    max_age: i64,
    kazakh_spelling: bool,
    ethnic_russian: f64,
) -> Person {
    let male = rng.gen_bool(0.62);
    let age_days = rng.gen_range(min_age * 365..max_age * 365);
    let birth = on - Duration::days(age_days);
    let iin = ids::iin(rng, birth, male);
    let (full_name, latin) = if rng.gen_bool(ethnic_russian) {
        let (sm, sf, sl) = *RU_SURNAMES.choose(rng).expect("non-empty");
        let (first, fl) = *if male { RU_MALE } else { RU_FEMALE }
            .choose(rng)
            .expect("non-empty");
        let (pm, pf) = *RU_PATRONYMICS.choose(rng).expect("non-empty");
        let (surname, patronymic) = if male { (sm, pm) } else { (sf, pf) };
        let latin_suffix = if male || sm == sf { "" } else { "a" };
        (
            format!("{surname} {first} {patronymic}"),
            format!("{}.{sl}{latin_suffix}", &fl[..1]),
        )
    } else {
        let (skk, sru, sl) = *KZ_SURNAMES.choose(rng).expect("non-empty");
        let (fkk, fru, fl) = *if male { KZ_MALE } else { KZ_FEMALE }
            .choose(rng)
            .expect("non-empty");
        let (pkk, pru, _) = *KZ_FATHERS.choose(rng).expect("non-empty");
        let suffix = if male { "" } else { "а" };
        // Younger people more often carry the Kazakh "-ұлы/-қызы" patronymic.
        let kk_patronymic = kazakh_spelling && rng.gen_bool(0.6);
        let patronymic = match (kk_patronymic, male) {
            (true, true) => format!("{pkk}ұлы"),
            (true, false) => format!("{pkk}қызы"),
            (false, true) => format!("{pru}ович"),
            (false, false) => format!("{pru}овна"),
        };
        let (s, f) = if kazakh_spelling {
            (skk, fkk)
        } else {
            (sru, fru)
        };
        let latin_suffix = if male { "" } else { "a" };
        (
            format!("{s}{suffix} {f} {patronymic}"),
            format!("{fl}.{sl}{latin_suffix}"),
        )
    };
    let phone = phone(rng);
    let email = format!(
        "{}{}@{}",
        latin,
        rng.gen_range(1..100),
        MAIL_DOMAINS.choose(rng).expect("non-empty")
    );
    Person {
        iin,
        birth,
        male,
        full_name,
        latin,
        phone,
        email,
    }
}

pub(crate) fn phone<R: Rng>(rng: &mut R) -> String {
    let op = OPERATORS.choose(rng).expect("non-empty");
    let a = rng.gen_range(200..1000);
    let b = rng.gen_range(0..100);
    let c = rng.gen_range(0..100);
    match rng.gen_range(0..10) {
        0..=5 => format!("+7 {op} {a} {b:02} {c:02}"),
        6..=8 => format!("+7{op}{a}{b:02}{c:02}"),
        _ => format!("8 ({op}) {a}-{b:02}-{c:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn persons_are_consistent_and_russian_spelling_fits_cp1251() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let on = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        for _ in 0..300 {
            let p = person(&mut rng, on, 18, 60, false, 0.2);
            assert!(ids::is_valid(&p.iin));
            let yymmdd = p.birth.format("%y%m%d").to_string();
            assert!(p.iin.starts_with(&yymmdd));
            let sex_digit = p.iin.as_bytes()[6] - b'0';
            assert_eq!(sex_digit % 2 == 1, p.male);
            let (_, _, err) = encoding_rs::WINDOWS_1251.encode(&p.full_name);
            assert!(!err, "{}", p.full_name);
            assert!(p.phone.starts_with("+7") || p.phone.starts_with("8 ("));
            assert!(p.email.is_ascii(), "{}", p.email);
        }
    }
}
