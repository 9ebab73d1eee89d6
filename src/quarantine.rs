//! Why a row was quarantined, as a stable code: the validator and the ingest's cross checks
//! give one with every rejection, next to the human message, and the quarantine table stores it
//! as `reason_code`. Grouping (the `nqs ingest` summary, the report's data-quality annex) goes
//! by code and column only, so rewording a message never moves rows from one group to another.
//! The report names each code in Kazakh and Russian from `[context.reasons]` in the wording
//! files, which are checked to name every code when they are loaded.

use serde::{Deserialize, Serialize};

/// The quarantine table's columns, in order (`output/quarantine/<source>.parquet`). `column`,
/// `value`, `reason` and `reason_code` describe the row's first error; `all_errors` lists every
/// error as `column: message`.
pub const COLUMNS: [&str; 10] = [
    "source",
    "file",
    "row",
    "column",
    "value",
    "reason",
    "reason_code",
    "error_count",
    "all_errors",
    "record",
];

/// One code per kind of check that can reject a row. The serde name (snake_case) is what the
/// quarantine stores and the wording files key on; renaming a variant is a breaking change to
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// The row does not split into the header's columns (a CSV record with more or fewer
    /// fields than the header, a JSON record that is not an object); none of its cells is kept.
    RowShape,
    /// A required column is absent from the file's header, so no row of the file has it.
    MissingColumn,
    /// A required value is empty, or a value required by another column's value (`required_if`).
    Required,
    /// Not a whole number or a number where the contract wants one.
    NotANumber,
    /// Not a date in YYYY-MM-DD or DD.MM.YYYY (a two-digit year included, unless the contract
    /// declares a pivot).
    NotADate,
    /// Not a yes/no value.
    NotABoolean,
    /// An IIN with the wrong length, an impossible birth date or a wrong check digit.
    Iin,
    /// A BIN (and not an individual entrepreneur's IIN) with the wrong shape or check digit.
    Bin,
    /// An IIN typed where a number belongs: personal data that cannot be kept in a count.
    IinInNumber,
    /// A value outside the column's code list.
    UnknownCode,
    /// A value that does not match the column's pattern.
    Pattern,
    /// A number below the column's minimum or above its maximum.
    OutOfRange,
    /// A date before a date it must not precede, or after one it must not follow.
    DateOrder,
    /// The row's key is already held by another row (of this run or of the lake).
    DuplicateKey,
    /// A value that names a record the referenced source does not have.
    Reference,
    /// The row holds bytes the file's encoding cannot hold (a stray byte in a UTF-8 file, a
    /// letter of another code page in a Windows-1251 one); the reason names line and byte.
    Encoding,
}

impl ReasonCode {
    pub const ALL: [ReasonCode; 16] = [
        ReasonCode::RowShape,
        ReasonCode::MissingColumn,
        ReasonCode::Required,
        ReasonCode::NotANumber,
        ReasonCode::NotADate,
        ReasonCode::NotABoolean,
        ReasonCode::Iin,
        ReasonCode::Bin,
        ReasonCode::IinInNumber,
        ReasonCode::UnknownCode,
        ReasonCode::Pattern,
        ReasonCode::OutOfRange,
        ReasonCode::DateOrder,
        ReasonCode::DuplicateKey,
        ReasonCode::Reference,
        ReasonCode::Encoding,
    ];

    /// The code as stored and as the wording files key it (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::RowShape => "row_shape",
            ReasonCode::MissingColumn => "missing_column",
            ReasonCode::Required => "required",
            ReasonCode::NotANumber => "not_a_number",
            ReasonCode::NotADate => "not_a_date",
            ReasonCode::NotABoolean => "not_a_boolean",
            ReasonCode::Iin => "iin",
            ReasonCode::Bin => "bin",
            ReasonCode::IinInNumber => "iin_in_number",
            ReasonCode::UnknownCode => "unknown_code",
            ReasonCode::Pattern => "pattern",
            ReasonCode::OutOfRange => "out_of_range",
            ReasonCode::DateOrder => "date_order",
            ReasonCode::DuplicateKey => "duplicate_key",
            ReasonCode::Reference => "reference",
            ReasonCode::Encoding => "encoding",
        }
    }

    /// The code a stored `reason_code` names, if this version knows it.
    pub fn parse(text: &str) -> Option<ReasonCode> {
        ReasonCode::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, so that a width in a format string lines codes up in columns.
        f.pad(self.as_str())
    }
}

/// How many quarantined rows have their first error in `column` with `code`. `column` is empty
/// for a row-shape error, and the key's columns joined by ", " for a duplicate key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub column: String,
    pub code: ReasonCode,
    pub rows: u64,
}

/// Adds one row to the count of (column, code).
pub fn count_reason(counts: &mut Vec<ReasonCount>, column: &str, code: ReasonCode) {
    match counts
        .iter_mut()
        .find(|c| c.code == code && c.column == column)
    {
        Some(c) => c.rows += 1,
        None => counts.push(ReasonCount {
            column: column.to_string(),
            code,
            rows: 1,
        }),
    }
}

/// Most rows first; ties by column, then code, so the order is the same on every run.
pub fn sort_reasons(counts: &mut [ReasonCount]) {
    counts.sort_by(|a, b| {
        b.rows
            .cmp(&a.rows)
            .then_with(|| a.column.cmp(&b.column))
            .then_with(|| a.code.cmp(&b.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_its_text_is_its_serde_name() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ReasonCode::ALL {
            assert!(seen.insert(code), "{code} listed twice");
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
            assert_eq!(ReasonCode::parse(code.as_str()), Some(code));
        }
        // A match on the enum would not compile if a variant were missing from `as_str`; this
        // catches one missing from `ALL`.
        let last = ReasonCode::Encoding;
        assert_eq!(seen.len(), last as usize + 1);
        assert_eq!(ReasonCode::parse("other"), None);
    }

    #[test]
    fn counts_group_by_column_and_code_most_rows_first() {
        let mut counts = Vec::new();
        count_reason(&mut counts, "region", ReasonCode::UnknownCode);
        count_reason(&mut counts, "iin", ReasonCode::Iin);
        count_reason(&mut counts, "iin", ReasonCode::Iin);
        count_reason(&mut counts, "region", ReasonCode::Required);
        sort_reasons(&mut counts);
        let got: Vec<(&str, ReasonCode, u64)> = counts
            .iter()
            .map(|c| (c.column.as_str(), c.code, c.rows))
            .collect();
        assert_eq!(
            got,
            vec![
                ("iin", ReasonCode::Iin, 2),
                ("region", ReasonCode::Required, 1),
                ("region", ReasonCode::UnknownCode, 1),
            ]
        );
    }
}
