//! Keyed pseudonyms for IINs: the same person gets the same `person_id` in every source and
//! every year, so recognitions and certificates can be linked, yet the IIN cannot be recovered
//! without the key.
//!
//! The pseudonym is HMAC-SHA256 of the IIN, truncated to 128 bits and spelt with the letters
//! a–p only: no run of digits can ever appear in the lake that looks like an IIN.

use hmac::{KeyInit, Mac};
use std::borrow::Cow;
use std::path::PathBuf;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Environment variable holding the key itself.
pub const KEY_ENV: &str = "NQS_PSEUDONYM_KEY";
/// Environment variable naming a file that holds the key.
pub const KEY_FILE_ENV: &str = "NQS_PSEUDONYM_KEY_FILE";
/// The documented, public key for the generated sample data only. Never use it for real data:
/// anyone can recompute the pseudonyms it gives.
pub const SAMPLE_KEY: &str = "nqs-sample-data-key-PUBLIC-do-not-use-for-real-data";
const MIN_KEY_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no pseudonymisation key: set {KEY_ENV} (at least {MIN_KEY_LEN} characters) or {KEY_FILE_ENV} (a file holding it); for the generated sample data pass --sample"
    )]
    Missing,
    #[error("cannot read the key file {path} named by {KEY_FILE_ENV}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the pseudonymisation key is {len} characters long; it must have at least {MIN_KEY_LEN}"
    )]
    TooShort { len: usize },
}

#[derive(Clone)]
pub struct Pseudonymiser {
    mac: HmacSha256,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pseudonymiser(fingerprint {})", self.fingerprint())
    }
}

impl Pseudonymiser {
    pub fn new(key: &[u8]) -> Result<Self, KeyError> {
        if key.len() < MIN_KEY_LEN {
            return Err(KeyError::TooShort { len: key.len() });
        }
        let mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
        Ok(Pseudonymiser { mac })
    }

    /// A pseudonymiser whose key is drawn at random and never kept: for checks that write
    /// nothing (`nqs contract check`), so that a pseudonym shown on the console can be neither
    /// reversed (as one under the public sample key could, by trying every IIN of a birth
    /// date) nor linked to the lake.
    pub fn ephemeral() -> Self {
        let key: [u8; 32] = rand::random();
        let mac = HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length");
        Pseudonymiser { mac }
    }

    pub fn sample() -> Self {
        Self::new(SAMPLE_KEY.as_bytes()).expect("the sample key is long enough")
    }

    /// The key from the environment: `NQS_PSEUDONYM_KEY`, else the file `NQS_PSEUDONYM_KEY_FILE`.
    pub fn from_env() -> Result<Self, KeyError> {
        if let Ok(key) = std::env::var(KEY_ENV) {
            return Self::new(key.trim().as_bytes());
        }
        if let Some(path) = std::env::var_os(KEY_FILE_ENV) {
            let path = PathBuf::from(path);
            let key = std::fs::read_to_string(&path).map_err(|source| KeyError::File {
                path: path.clone(),
                source,
            })?;
            return Self::new(key.trim().as_bytes());
        }
        Err(KeyError::Missing)
    }

    pub fn pseudonym(&self, iin: &str) -> String {
        letters(&self.digest(iin.as_bytes()))
    }

    /// `text` with every valid IIN in it (see [`crate::ids::find_iins`]) replaced by
    /// `(pseudonym …)`: the same person's IIN gives the same mark everywhere, so an analyst
    /// can still match rows, but the number cannot be read back without the key.
    pub fn mask_iins<'t>(&self, text: &'t str) -> Cow<'t, str> {
        crate::ids::replace_iins(text, |iin| format!("(pseudonym {})", self.pseudonym(iin)))
    }

    /// Identifies the key without revealing it, so a lake can refuse rows pseudonymised with
    /// another key (their person ids would never match).
    pub fn fingerprint(&self) -> String {
        letters(&self.digest(b"nqs key fingerprint"))[..12].to_string()
    }

    fn digest(&self, data: &[u8]) -> [u8; 16] {
        let mut mac = self.mac.clone();
        mac.update(data);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }
}

fn letters(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(b'a' + (b >> 4)));
        s.push(char::from(b'a' + (b & 0x0f)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_digit_free() {
        let a = Pseudonymiser::sample();
        let b = Pseudonymiser::new(&[7u8; 40]).unwrap();
        let p = a.pseudonym("850315400127");
        assert_eq!(p, a.pseudonym("850315400127"));
        assert_ne!(p, b.pseudonym("850315400127"));
        assert_ne!(p, a.pseudonym("850315400128"));
        assert_eq!(p.len(), 32);
        assert!(p.chars().all(|c| ('a'..='p').contains(&c)));
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn iins_in_text_become_their_pseudonyms() {
        let p = Pseudonymiser::sample();
        let masked = p.mask_iins("ИИН 850314355010, БИН 160240014226");
        assert_eq!(
            masked,
            format!(
                "ИИН (pseudonym {}), БИН 160240014226",
                p.pseudonym("850314355010")
            )
        );
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(matches!(
            Pseudonymiser::new(b"short"),
            Err(KeyError::TooShort { len: 5 })
        ));
    }
}
