//! Kazakhstan's 12-digit personal (IIN) and organisation (BIN) numbers.
//!
//! Both share one check digit: the first 11 digits weighted 1..11, sum mod 11; when that is 10,
//! weights 3..11,1,2; when that is 10 again the number is never issued, so callers re-draw.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

/// The check digit of an 11-digit prefix, or `None` when both passes give 10.
pub(crate) fn check_digit(d: &[u8; 11]) -> Option<u8> {
    let first: u32 = d
        .iter()
        .zip(1u32..)
        .map(|(&x, w)| x as u32 * w)
        .sum::<u32>()
        % 11;
    if first != 10 {
        return Some(first as u8);
    }
    let second: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &x)| x as u32 * ((i as u32 + 2) % 11 + 1))
        .sum::<u32>()
        % 11;
    (second != 10).then_some(second as u8)
}

fn digits_to_string(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

/// True when `s` is 12 digits whose last digit is the check digit of the first 11.
pub(crate) fn is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut d = [0u8; 11];
    for (i, x) in d.iter_mut().enumerate() {
        *x = b[i] - b'0';
    }
    check_digit(&d) == Some(b[11] - b'0')
}

/// The century/sex digit: 1/2 for the 1800s, 3/4 for the 1900s, 5/6 for the 2000s; odd is male.
fn century_sex_digit(birth: NaiveDate, male: bool) -> u8 {
    let base = match birth.year() {
        ..=1899 => 1,
        1900..=1999 => 3,
        _ => 5,
    };
    if male { base } else { base + 1 }
}

/// An IIN for a person born on `birth`; the serial is drawn until the check digit exists.
pub(crate) fn iin<R: Rng>(rng: &mut R, birth: NaiveDate, male: bool) -> String {
    let yy = (birth.year().rem_euclid(100)) as u8;
    let mut d = [0u8; 11];
    d[0] = yy / 10;
    d[1] = yy % 10;
    d[2] = birth.month() as u8 / 10;
    d[3] = birth.month() as u8 % 10;
    d[4] = birth.day() as u8 / 10;
    d[5] = birth.day() as u8 % 10;
    d[6] = century_sex_digit(birth, male);
    loop {
        let serial: u16 = rng.gen_range(0..10_000);
        d[7] = (serial / 1000) as u8;
        d[8] = (serial / 100 % 10) as u8;
        d[9] = (serial / 10 % 10) as u8;
        d[10] = (serial % 10) as u8;
        if let Some(c) = check_digit(&d) {
            let mut s = digits_to_string(&d);
            s.push(char::from(b'0' + c));
            return s;
        }
    }
}

/// A resident head-office BIN registered in `year`/`month` with the given 5-digit serial;
/// `None` when that serial has no check digit (the caller takes the next serial).
pub(crate) fn bin_with_serial(year: i32, month: u32, serial: u32) -> Option<String> {
    let yy = year.rem_euclid(100) as u32;
    let mut d = [0u8; 11];
    d[0] = (yy / 10) as u8;
    d[1] = (yy % 10) as u8;
    d[2] = (month / 10) as u8;
    d[3] = (month % 10) as u8;
    // Type 4 (resident legal entity), kind 0 (head office): "40" can never read as a day.
    d[4] = 4;
    d[5] = 0;
    let mut s = serial % 100_000;
    for i in (6..11).rev() {
        d[i] = (s % 10) as u8;
        s /= 10;
    }
    let c = check_digit(&d)?;
    let mut out = digits_to_string(&d);
    out.push(char::from(b'0' + c));
    Some(out)
}

/// Hands out BINs that never repeat: each organisation gets the next serial of a shared counter,
/// so two entities registered in the same month cannot collide.
pub(crate) struct BinFactory {
    next_serial: u32,
}

impl BinFactory {
    pub(crate) fn new(first_serial: u32) -> Self {
        Self {
            next_serial: first_serial,
        }
    }

    pub(crate) fn next<R: Rng>(
        &mut self,
        rng: &mut R,
        years: std::ops::RangeInclusive<i32>,
    ) -> String {
        let year = rng.gen_range(years);
        let month = rng.gen_range(1..=12);
        loop {
            let serial = self.next_serial;
            self.next_serial += rng.gen_range(1..40);
            if let Some(b) = bin_with_serial(year, month, serial) {
                return b;
            }
        }
    }
}

/// Same digits, wrong check digit: what a typo in the last digit looks like.
pub(crate) fn with_wrong_check<R: Rng>(rng: &mut R, valid: &str) -> String {
    let mut b = valid.as_bytes().to_vec();
    let old = b[11] - b'0';
    let new = (old + rng.gen_range(1..10)) % 10;
    b[11] = b'0' + new;
    let s = String::from_utf8(b).expect("ascii digits");
    debug_assert!(!is_valid(&s) || valid.len() != 12);
    s
}

/// A number that is not 12 digits at all: a dropped digit, a letter O for a zero, a spreadsheet's
/// exponent form, or an extra digit.
pub(crate) fn malformed<R: Rng>(rng: &mut R, valid: &str) -> String {
    match rng.gen_range(0..4) {
        0 => valid[..11].to_string(),
        1 => {
            let pos = rng.gen_range(0..12);
            let mut s: Vec<char> = valid.chars().collect();
            s[pos] = 'O';
            s.into_iter().collect()
        }
        2 => {
            let mantissa = &valid[..7];
            format!("{}.{}E+11", &mantissa[..1], &mantissa[1..])
        }
        _ => format!("{valid}{}", rng.gen_range(0..10)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn check_digit_first_pass() {
        // 1·1+2·2+...: a hand-checked prefix.
        let d = [9, 0, 0, 1, 0, 1, 3, 0, 0, 1, 2];
        let sum: u32 = d.iter().zip(1u32..).map(|(&x, w)| x as u32 * w).sum();
        assert_eq!(check_digit(&d), Some((sum % 11) as u8));
        assert!(sum % 11 != 10);
    }

    #[test]
    fn check_digit_second_pass_and_never_issued() {
        let mut seen_second = false;
        let mut seen_none = false;
        for n in 0u64..200_000 {
            let mut d = [0u8; 11];
            let mut x = n * 7919 + 12345;
            for v in d.iter_mut() {
                *v = (x % 10) as u8;
                x /= 10;
            }
            let first: u32 = d
                .iter()
                .zip(1u32..)
                .map(|(&x, w)| x as u32 * w)
                .sum::<u32>()
                % 11;
            let c = check_digit(&d);
            if first == 10 {
                let w = [3u32, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
                let second: u32 = d.iter().zip(w).map(|(&x, w)| x as u32 * w).sum::<u32>() % 11;
                if second == 10 {
                    assert_eq!(c, None);
                    seen_none = true;
                } else {
                    assert_eq!(c, Some(second as u8));
                    seen_second = true;
                }
            } else {
                assert_eq!(c, Some(first as u8));
            }
        }
        assert!(seen_second && seen_none);
    }

    #[test]
    fn iin_encodes_birth_date_and_sex() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let b = NaiveDate::from_ymd_opt(1987, 3, 9).unwrap();
        let m = iin(&mut rng, b, true);
        let f = iin(&mut rng, b, false);
        assert!(m.starts_with("8703093") && is_valid(&m), "{m}");
        assert!(f.starts_with("8703094") && is_valid(&f), "{f}");
        let y2k = NaiveDate::from_ymd_opt(2004, 12, 31).unwrap();
        let s = iin(&mut rng, y2k, false);
        assert!(s.starts_with("0412316") && is_valid(&s), "{s}");
    }

    #[test]
    fn bins_are_valid_unique_and_not_dates() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut f = BinFactory::new(100);
        let mut all = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            let b = f.next(&mut rng, 2000..=2020);
            assert!(is_valid(&b), "{b}");
            assert_eq!(&b[4..6], "40");
            assert!(all.insert(b));
        }
    }

    #[test]
    fn corruptions_are_invalid() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..500 {
            let b = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
            let v = iin(&mut rng, b, true);
            assert!(!is_valid(&with_wrong_check(&mut rng, &v)));
            let m = malformed(&mut rng, &v);
            assert!(!is_valid(&m), "{m}");
        }
    }
}
