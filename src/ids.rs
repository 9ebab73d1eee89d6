//! Kazakhstan's 12-digit identifiers: the IIN (a person) and the BIN (an organisation).
//!
//! Both share one check digit. What a malformed number or a wrong check digit means is a bad
//! row; what the IIN's date and sex digits say is only compared with the row's own columns,
//! since Decree No. 853 of 26 August 2013 ended the rule that the digits must match and IINs
//! are not reissued when a birth date is corrected.

use chrono::NaiveDate;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Not exactly twelve ASCII digits.
    NotTwelveDigits,
    /// Both weightings give 10: such a number is never issued.
    NeverIssued,
    WrongCheckDigit {
        expected: u8,
        found: u8,
    },
    /// IIN: the first six digits with the century digit do not form a date.
    NoBirthDate,
    /// IIN: the seventh digit is not 1 to 6.
    BadCenturyDigit(u8),
    /// BIN: the fifth digit (type) is not 4, 5 or 6, or the sixth (kind) not 0 to 3.
    BadBinType,
}

impl std::fmt::Display for IdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdError::NotTwelveDigits => write!(f, "must be exactly 12 digits"),
            IdError::NeverIssued => write!(f, "no valid check digit exists for these digits"),
            IdError::WrongCheckDigit { expected, found } => {
                write!(f, "wrong check digit: {found}, expected {expected}")
            }
            IdError::NoBirthDate => write!(f, "digits 1-6 are not a date"),
            IdError::BadCenturyDigit(d) => write!(f, "7th digit {d} is not 1-6"),
            IdError::BadBinType => write!(f, "5th and 6th digits are not a BIN's type and kind"),
        }
    }
}

/// The check digit of the first eleven digits, or None when both weightings give 10.
pub fn check_digit(first11: &[u8]) -> Option<u8> {
    let weighted = |weights: &[u32]| -> u32 {
        first11
            .iter()
            .zip(weights)
            .map(|(d, w)| u32::from(*d) * w)
            .sum::<u32>()
            % 11
    };
    let first = weighted(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if first != 10 {
        return Some(first as u8);
    }
    let second = weighted(&[3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    (second != 10).then_some(second as u8)
}

fn digits(text: &str) -> Result<[u8; 12], IdError> {
    let bytes = text.as_bytes();
    if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(IdError::NotTwelveDigits);
    }
    let mut out = [0u8; 12];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b - b'0';
    }
    Ok(out)
}

fn verify_check(d: &[u8; 12]) -> Result<(), IdError> {
    match check_digit(&d[..11]) {
        None => Err(IdError::NeverIssued),
        Some(c) if c != d[11] => Err(IdError::WrongCheckDigit {
            expected: c,
            found: d[11],
        }),
        Some(_) => Ok(()),
    }
}

/// Why a 12-digit id written as a number cannot be given back its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormLost {
    /// `7,50102E+11`: the spreadsheet kept six significant digits.
    ScientificNotation,
    /// `75010212345.5`: not a whole number, so not an id.
    Fraction,
}

impl std::fmt::Display for NumberFormLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumberFormLost::ScientificNotation => write!(
                f,
                "stored as a number in scientific notation: digits lost; re-export the column as text"
            ),
            NumberFormLost::Fraction => write!(
                f,
                "stored as a number with a fraction: not an id; re-export the column as text"
            ),
        }
    }
}

/// A 12-digit id (IIN or BIN) as a spreadsheet that stored it as a number wrote it, given back
/// its digits: `Ok(Some(digits))` when the text was such a number and the digits are certain,
/// `Ok(None)` when the text is not in a number's form (checked as it stands), `Err` when it is
/// a number whose digits are lost.
///
/// A number only loses leading zeros, so 9 to 11 digits (an optional `.0` or `,0` fraction
/// after them) are padded with zeros on the left: unambiguous, and the check digit then says
/// whether the result is an id. Nine is the shortest: an IIN starts with the birth date's
/// YYMMDD and a BIN with the registration's YYMM, so at most three zeros lead (January 2000).
pub fn restore_number_form(text: &str) -> Result<Option<String>, NumberFormLost> {
    let t = text.trim();
    let (whole, fraction) = match t.split_once(['.', ',']) {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(f) = fraction {
        let (mantissa, exponent) = match f.split_once(['e', 'E']) {
            Some((m, e)) => (m, Some(e)),
            None => (f, None),
        };
        if let Some(e) = exponent {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            if all_digits(whole) && (mantissa.is_empty() || all_digits(mantissa)) && all_digits(e) {
                return Err(NumberFormLost::ScientificNotation);
            }
            return Ok(None);
        }
        if !all_digits(whole) || !all_digits(mantissa) || !(9..=12).contains(&whole.len()) {
            return Ok(None);
        }
        if mantissa.bytes().any(|b| b != b'0') {
            return Err(NumberFormLost::Fraction);
        }
    } else if let Some((m, e)) = t.split_once(['e', 'E'])
        && all_digits(m)
        && all_digits(e.strip_prefix(['+', '-']).unwrap_or(e))
    {
        return Err(NumberFormLost::ScientificNotation);
    }
    if !all_digits(whole) || !(9..=12).contains(&whole.len()) {
        return Ok(None);
    }
    if whole.len() == 12 && fraction.is_none() {
        return Ok(None);
    }
    Ok(Some(format!("{whole:0>12}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

/// What an IIN's digits say about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IinFacts {
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

pub fn parse_iin(text: &str) -> Result<IinFacts, IdError> {
    let d = digits(text)?;
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        other => return Err(IdError::BadCenturyDigit(other)),
    };
    let year = century + i32::from(d[0] * 10 + d[1]);
    let month = u32::from(d[2] * 10 + d[3]);
    let day = u32::from(d[4] * 10 + d[5]);
    let birth_date = NaiveDate::from_ymd_opt(year, month, day).ok_or(IdError::NoBirthDate)?;
    verify_check(&d)?;
    let sex = if d[6] % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Ok(IinFacts { birth_date, sex })
}

pub fn parse_bin(text: &str) -> Result<(), IdError> {
    let d = digits(text)?;
    if !(4..=6).contains(&d[4]) || d[5] > 3 {
        return Err(IdError::BadBinType);
    }
    verify_check(&d)
}

/// Byte ranges of every valid IIN inside `text`: a run of exactly twelve ASCII digits (not part
/// of a longer run) whose check digit holds and whose first six digits with the century digit
/// form a real date. A BIN never qualifies, since its fifth and sixth digits (type 4-6, kind
/// 0-3) are no day of a month; nor does a pseudonym, which has no digits.
///
/// This is the one place that decides whether some text carries a person's IIN: everything nqs
/// writes or prints goes through [`replace_iins`] (or its wrappers) so that an IIN standing in
/// a column that does not declare one (an individual entrepreneur's IIN used as an employer's
/// BIN, an IIN typed into a comment) is never shown.
pub fn find_iins(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // ASCII digits are whole UTF-8 characters, so the run is a valid slice.
        if i - start == 12 && parse_iin(&text[start..i]).is_ok() {
            found.push(start..i);
        }
    }
    found
}

/// `text` with every valid IIN (see [`find_iins`]) replaced by what `with` gives for it;
/// borrowed unchanged when there is none, the common case.
pub fn replace_iins(text: &str, mut with: impl FnMut(&str) -> String) -> Cow<'_, str> {
    let found = find_iins(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + found.len() * 32);
    let mut last = 0;
    for r in found {
        out.push_str(&text[last..r.start]);
        out.push_str(&with(&text[r.clone()]));
        last = r.end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// What stands in place of an IIN where no pseudonymisation key is at hand (error messages,
/// the output lock): nothing of the number is kept.
pub const IIN_WITHHELD: &str = "(IIN withheld)";

/// `text` with every valid IIN replaced by [`IIN_WITHHELD`].
pub fn withhold_iins(text: &str) -> Cow<'_, str> {
    replace_iins(text, |_| IIN_WITHHELD.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete number from its first seven digits, with the first serial that has a check
    /// digit (some eleven-digit prefixes have none).
    fn with_check(first7: &str) -> String {
        (0..10_000)
            .find_map(|serial| {
                let first11 = format!("{first7}{serial:04}");
                let d: Vec<u8> = first11.bytes().map(|b| b - b'0').collect();
                check_digit(&d).map(|c| format!("{first11}{c}"))
            })
            .unwrap()
    }

    #[test]
    fn ids_stored_as_numbers_get_their_zeros_back_or_are_refused() {
        let restored = |t: &str| restore_number_form(t).unwrap();
        assert_eq!(restored("75010212345").as_deref(), Some("075010212345"));
        assert_eq!(restored("618562392").as_deref(), Some("000618562392"));
        assert_eq!(restored("75010212345.0").as_deref(), Some("075010212345"));
        assert_eq!(restored("750102123456,00").as_deref(), Some("750102123456"));
        // Already text, or nothing like a number: checked as it stands.
        assert_eq!(restored("075010212345"), None);
        assert_eq!(restored("12345678"), None);
        assert_eq!(restored("IIN 7501"), None);
        assert_eq!(restored("1234567890123"), None);
        for lost in ["7,50102E+11", "7.50102E+11", "7.50102e11", "75E10"] {
            assert_eq!(
                restore_number_form(lost),
                Err(NumberFormLost::ScientificNotation),
                "{lost}"
            );
        }
        assert_eq!(
            restore_number_form("75010212345.5"),
            Err(NumberFormLost::Fraction)
        );
    }

    #[test]
    fn a_valid_iin_gives_birth_date_and_sex() {
        let iin = with_check("8503153");
        let facts = parse_iin(&iin).unwrap();
        assert_eq!(
            facts.birth_date,
            NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()
        );
        assert_eq!(facts.sex, Sex::Male);
        let iin = with_check("0402296");
        let facts = parse_iin(&iin).unwrap();
        assert_eq!(
            facts.birth_date,
            NaiveDate::from_ymd_opt(2004, 2, 29).unwrap()
        );
        assert_eq!(facts.sex, Sex::Female);
    }

    #[test]
    fn the_second_weighting_is_used_when_the_first_gives_ten() {
        // 1*1+...: choose digits whose first weighted sum is 10 mod 11.
        let first11 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]; // weight 10 -> 10
        assert_eq!(check_digit(&first11), Some(1)); // second weights: 1*1 = 1
    }

    #[test]
    fn malformed_and_wrong_check_digits_are_told_apart() {
        assert_eq!(parse_iin("12345"), Err(IdError::NotTwelveDigits));
        assert_eq!(parse_iin("85031540012a"), Err(IdError::NotTwelveDigits));
        let good = with_check("8503154");
        let last = good.as_bytes()[11] - b'0';
        let bad = format!("{}{}", &good[..11], (last + 1) % 10);
        assert!(matches!(
            parse_iin(&bad),
            Err(IdError::WrongCheckDigit { .. })
        ));
        assert_eq!(parse_iin(&with_check("8513314")), Err(IdError::NoBirthDate));
        assert_eq!(
            parse_iin(&with_check("8503158")),
            Err(IdError::BadCenturyDigit(8))
        );
    }

    #[test]
    fn an_iin_is_found_inside_text_and_replaced() {
        let iin = with_check("8503143");
        let text = format!("ИИН {iin}, тел. +7 701 555 01 23; ещё раз:{iin}.");
        let found = find_iins(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].clone()], iin);
        assert_eq!(
            withhold_iins(&text),
            "ИИН (IIN withheld), тел. +7 701 555 01 23; ещё раз:(IIN withheld)."
        );
        assert_eq!(find_iins(&iin), vec![0..12]);
    }

    #[test]
    fn bins_wrong_check_digits_and_other_digit_runs_are_not_iins() {
        let bin = with_check("0804400");
        assert!(find_iins(&format!("БИН {bin}")).is_empty());
        let iin = with_check("8503143");
        let last = iin.as_bytes()[11] - b'0';
        let broken = format!("{}{}", &iin[..11], (last + 1) % 10);
        assert!(find_iins(&broken).is_empty());
        // Part of a longer run (an account number, say) is not an IIN on its own.
        assert!(find_iins(&format!("1{iin}")).is_empty());
        assert!(find_iins(&format!("{iin}0")).is_empty());
        // A date that does not exist (31 November) is no IIN whatever its check digit.
        assert!(find_iins(&with_check("8511313")).is_empty());
        assert!(matches!(withhold_iins("no digits here"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_pseudonym_is_never_taken_for_an_iin() {
        let p = crate::pseudonym::Pseudonymiser::sample().pseudonym(&with_check("8503143"));
        assert!(find_iins(&p).is_empty());
        assert!(find_iins(&format!("(pseudonym {p})")).is_empty());
    }

    #[test]
    fn bins_check_type_kind_and_check_digit() {
        assert_eq!(parse_bin(&with_check("0804400")), Ok(()));
        assert_eq!(parse_bin(&with_check("0804700")), Err(IdError::BadBinType));
        assert_eq!(parse_bin(&with_check("0804470")), Err(IdError::BadBinType));
    }
}
