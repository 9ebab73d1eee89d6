//! Numbers in Kazakh and Russian sentences: what the findings and the report need to write a
//! figure into running text correctly.
//!
//! **Kazakh** writes a case or possessive suffix after a number with a hyphen ("85,0 %-дан",
//! "3-ке", "86,3 %-ы"), chosen by how the number is read aloud: its last word (or the unit word
//! after it: "%" is read "пайыз") decides the suffix's vowel (back а/ы or front е/і, by vowel
//! harmony) and its first consonant (by the word's final sound: a vowel, a voiced or voiceless
//! consonant, or one of м н ң). Rules as the grammars state them (e.g. "Қазақ грамматикасы",
//! Астана, 2002, септік жалғаулары); the examples the tests hold it to are in
//! `tests/fixtures/grammar/kk_numbers.tsv`.
//!
//! **Russian** agrees the noun with the number's last digits (1 центр, 2 центра, 5 центров,
//! 11 центров, 21 центр) and, after a decimal fraction, puts it in the genitive singular
//! (2,5 центра, 85,3 процента); checked against pymorphy3 over 0–10 000 and decimals
//! (`tests/grammar.rs`).
//!
//! In the findings' and state sentences' templates a figure takes a modifier after a colon:
//! `{value:abl}` (ablative, "from"), `:dat` (dative, "to"), `:loc` (locative, "in"), `:gen`
//! (genitive, "of"), `:acc` (accusative), `:poss` (third-person possessive, "its", as in
//! "стандарттардың 21,7 %-ы"), `:of_them` ("N of them": "олардың 1-еуі"), `:in_of_them`
//! ("in N of them": "салалардың 3-еуінде"), and in
//! Russian `:n(центр|центра|центров)`, the number followed by the noun agreeing with it.

/// A Kazakh case (септік) or form a number takes in running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KkForm {
    /// Шығыс септік, -дан/-ден/-тан/-тен/-нан/-нен.
    Ablative,
    /// Барыс септік, -ға/-ге/-қа/-ке.
    Dative,
    /// Жатыс септік, -да/-де/-та/-те.
    Locative,
    /// Ілік септік, -ның/-нің/-дың/-дің/-тың/-тің.
    Genitive,
    /// Табыс септік, -ны/-ні/-ды/-ді/-ты/-ті.
    Accusative,
    /// Third-person possessive, -ы/-і after a consonant, -сы/-сі after a vowel.
    Possessive,
    /// "N of them" as a subject: the collective numeral with the possessive for 1–7 (1-еуі,
    /// 3-еуі, 6-ауы), the possessive beyond (8-і, 10-ы).
    OfThem,
    /// "In N of them": the same with the locative (1-еуінде, 3-еуінде, 6-ауында, 8-інде,
    /// 10-ында).
    InOfThem,
}

impl KkForm {
    /// The modifier a template writes (`abl`, `dat`, `loc`, `gen`, `acc`, `poss`, `of_them`,
    /// `in_of_them`).
    pub fn parse(modifier: &str) -> Option<KkForm> {
        Some(match modifier {
            "abl" => KkForm::Ablative,
            "dat" => KkForm::Dative,
            "loc" => KkForm::Locative,
            "gen" => KkForm::Genitive,
            "acc" => KkForm::Accusative,
            "poss" => KkForm::Possessive,
            "of_them" => KkForm::OfThem,
            "in_of_them" => KkForm::InOfThem,
            _ => return None,
        })
    }
}

const UNITS: [&str; 10] = [
    "нөл",
    "бір",
    "екі",
    "үш",
    "төрт",
    "бес",
    "алты",
    "жеті",
    "сегіз",
    "тоғыз",
];
const TENS: [&str; 10] = [
    "",
    "он",
    "жиырма",
    "отыз",
    "қырық",
    "елу",
    "алпыс",
    "жетпіс",
    "сексен",
    "тоқсан",
];

/// The last word of a whole number read aloud in Kazakh (0 → "нөл", 40 → "қырық",
/// 1 250 → "елу", 3 000 → "мың", 2 000 000 → "миллион").
pub fn kk_last_word(n: u64) -> &'static str {
    if n == 0 {
        return UNITS[0];
    }
    if !n.is_multiple_of(10) {
        return UNITS[(n % 10) as usize];
    }
    if !n.is_multiple_of(100) {
        return TENS[((n / 10) % 10) as usize];
    }
    if !n.is_multiple_of(1000) {
        return "жүз";
    }
    // "2 000" is read "екі мың", "12 000" "он екі мың": the group word ends it either way.
    if !n.is_multiple_of(1_000_000) {
        return "мың";
    }
    if !n.is_multiple_of(1_000_000_000) {
        return "миллион";
    }
    "миллиард"
}

/// How a figure as printed ("85,0 %", "1 234", "2,5") is read: the last word.
fn kk_reading(printed: &str) -> Option<&'static str> {
    let t = printed.trim();
    if t.ends_with('%') {
        return Some("пайыз");
    }
    let digits: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let (whole, frac) = digits.split_once(',').unwrap_or((&digits, ""));
    let part = if frac.is_empty() { whole } else { frac };
    // "2,50" is read "екі бүтін жүзден елу": the fraction's digits as a whole number.
    part.parse::<u64>().ok().map(kk_last_word)
}

#[derive(Clone, Copy, PartialEq)]
enum Final {
    Vowel,
    Voiced,
    Voiceless,
    Nasal,
}

fn is_back(word: &str) -> bool {
    word.chars()
        .rev()
        .find(|c| "аоұыәөүіеиуя".contains(*c))
        .is_some_and(|v| "аоұыя".contains(v))
}

fn final_sound(word: &str) -> Final {
    let last = word.chars().last().unwrap_or('а');
    if "аоұыәөүіеиэюя".contains(last) {
        Final::Vowel
    } else if "мнң".contains(last) {
        Final::Nasal
    } else if "кқпстфхцчшщ".contains(last) {
        Final::Voiceless
    } else {
        // б в г ғ д ж з й л р у (у and й count as consonants here: "елуі", "елуден").
        Final::Voiced
    }
}

/// The suffix (without the hyphen) a word takes in `form`.
pub fn kk_suffix(word: &str, form: KkForm) -> String {
    let back = is_back(word);
    let f = final_sound(word);
    let pick = |b: &str, fr: &str| if back { b } else { fr }.to_string();
    match form {
        KkForm::Ablative => match f {
            Final::Nasal => pick("нан", "нен"),
            Final::Voiceless => pick("тан", "тен"),
            _ => pick("дан", "ден"),
        },
        KkForm::Dative => match f {
            Final::Voiceless => pick("қа", "ке"),
            _ => pick("ға", "ге"),
        },
        KkForm::Locative => match f {
            Final::Voiceless => pick("та", "те"),
            _ => pick("да", "де"),
        },
        KkForm::Genitive => match f {
            Final::Vowel | Final::Nasal => pick("ның", "нің"),
            Final::Voiceless => pick("тың", "тің"),
            Final::Voiced if word.ends_with(['б', 'в', 'г', 'д']) => pick("тың", "тің"),
            Final::Voiced => pick("дың", "дің"),
        },
        KkForm::Accusative => match f {
            Final::Vowel => pick("ны", "ні"),
            Final::Voiceless => pick("ты", "ті"),
            _ => pick("ды", "ді"),
        },
        KkForm::Possessive => match f {
            Final::Vowel => pick("сы", "сі"),
            _ => pick("ы", "і"),
        },
        KkForm::OfThem => kk_suffix(word, KkForm::Possessive),
        KkForm::InOfThem => {
            let poss = kk_suffix(word, KkForm::Possessive);
            format!("{poss}{}", pick("нда", "нде"))
        }
    }
}

/// A figure as printed, with its Kazakh suffix: `("85,0 %", Ablative)` → "85,0 %-дан",
/// `("3", OfThem)` → "3-еуінде". `None` when the text is not a figure.
pub fn kk_number(printed: &str, form: KkForm) -> Option<String> {
    let printed = printed.trim();
    if matches!(form, KkForm::OfThem | KkForm::InOfThem)
        && let Ok(n) = printed.parse::<u64>()
        && (1..=7).contains(&n)
    {
        // The collective numerals біреу, екеу, үшеу, төртеу, бесеу, алтау, жетеу.
        let collective = match (n == 6, form) {
            (true, KkForm::OfThem) => "ауы",
            (true, _) => "ауында",
            (false, KkForm::OfThem) => "еуі",
            (false, _) => "еуінде",
        };
        return Some(format!("{printed}-{collective}"));
    }
    let word = kk_reading(printed)?;
    Some(format!("{printed}-{}", kk_suffix(word, form)))
}

/// Which of a Russian noun's three forms agrees with a figure as printed: 0 for "1 центр",
/// 1 for "2 центра" (and for any decimal fraction: "2,5 центра", genitive singular), 2 for
/// "5 центров". `None` when the text is not a figure.
pub fn ru_form_index(printed: &str) -> Option<usize> {
    let digits: String = printed
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits = digits.trim_start_matches(['-', '+', '−']);
    if let Some((whole, frac)) = digits.split_once(',') {
        whole.parse::<u64>().ok()?;
        frac.parse::<u64>().ok()?;
        return Some(1);
    }
    let n: u64 = digits.parse().ok()?;
    Some(if n % 10 == 1 && n % 100 != 11 {
        0
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        1
    } else {
        2
    })
}

/// The figure followed by the noun agreeing with it: `("5", ["центр", "центра", "центров"])`
/// → "5 центров".
pub fn ru_count(printed: &str, forms: [&str; 3]) -> Option<String> {
    Some(format!("{printed} {}", forms[ru_form_index(printed)?]))
}

/// Applies a template modifier to a figure as printed, in `lang` (`kk` or `ru`): the Kazakh
/// forms above, or `n(one|few|many)` in Russian. `None` for an unknown modifier or a text that
/// is not a figure.
pub fn apply(printed: &str, modifier: &str, lang: &str) -> Option<String> {
    if let Some(forms) = modifier
        .strip_prefix("n(")
        .and_then(|m| m.strip_suffix(')'))
    {
        let forms: Vec<&str> = forms.split('|').map(str::trim).collect();
        let forms: [&str; 3] = forms.try_into().ok()?;
        return if lang == "ru" {
            ru_count(printed, forms)
        } else {
            None
        };
    }
    let form = KkForm::parse(modifier)?;
    if lang == "kk" {
        kk_number(printed, form)
    } else {
        // A Kazakh case has no Russian counterpart to add: the figure as it is.
        Some(printed.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_words_of_numbers_read_aloud() {
        assert_eq!(kk_last_word(0), "нөл");
        assert_eq!(kk_last_word(1), "бір");
        assert_eq!(kk_last_word(40), "қырық");
        assert_eq!(kk_last_word(168), "сегіз");
        assert_eq!(kk_last_word(300), "жүз");
        assert_eq!(kk_last_word(1_000), "мың");
        assert_eq!(kk_last_word(12_000), "мың");
        assert_eq!(kk_last_word(2_000_000), "миллион");
        assert_eq!(kk_reading("85,0 %"), Some("пайыз"));
        assert_eq!(kk_reading("2,5"), Some("бес"));
        assert_eq!(kk_reading("1\u{a0}250"), Some("елу"));
        assert_eq!(kk_reading("—"), None);
    }

    #[test]
    fn modifiers_apply_in_their_language_only() {
        assert_eq!(
            apply("85,0\u{a0}%", "abl", "kk").unwrap(),
            "85,0\u{a0}%-дан"
        );
        assert_eq!(apply("85,0\u{a0}%", "abl", "ru").unwrap(), "85,0\u{a0}%");
        assert_eq!(
            apply("21", "n(центр|центра|центров)", "ru").unwrap(),
            "21 центр"
        );
        assert_eq!(apply("3", "in_of_them", "kk").unwrap(), "3-еуінде");
        assert_eq!(apply("6", "in_of_them", "kk").unwrap(), "6-ауында");
        assert_eq!(apply("10", "in_of_them", "kk").unwrap(), "10-ында");
        assert_eq!(apply("1", "of_them", "kk").unwrap(), "1-еуі");
        assert_eq!(apply("8", "of_them", "kk").unwrap(), "8-і");
        assert!(apply("3", "instrumental", "kk").is_none());
        assert!(apply("n/a", "abl", "kk").is_none());
    }
}
