//! The grammar helpers against references nqs did not write: the Kazakh table of
//! `tests/fixtures/grammar/kk_numbers.tsv` (the domain summary's examples of the academic
//! grammar's rules) and, for Russian, pymorphy3's agreement of nouns with every whole number
//! 0..=10 000 and its genitive singular for decimal fractions.

use nqs::grammar::{KkForm, kk_number, ru_count};
use std::process::Command;

#[test]
fn kazakh_suffixes_match_the_cited_table() {
    let path = crate::common::project_root().join("tests/fixtures/grammar/kk_numbers.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut checked = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [printed, form, expected] = cols[..] else {
            panic!("{}: not three columns: {line}", path.display());
        };
        // The table writes plain spaces; nqs prints a no-break space before %.
        let printed = printed.replace(" %", "\u{a0}%");
        let got = kk_number(&printed, KkForm::parse(form).expect("a known form"))
            .unwrap_or_else(|| panic!("{printed} is a figure"))
            .replace('\u{a0}', " ");
        assert_eq!(got, expected, "{printed} ({form})");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} rows");
}

#[test]
fn russian_agreement_matches_pymorphy3() {
    let nouns = [
        "центр",
        "процент",
        "день",
        "организация",
        "отрасль",
        "стандарт",
        "случай",
        "документ",
        "кандидат",
        "заседание",
        "год",
        "человек",
    ];
    let py = crate::common::python();
    let out = Command::new(&py)
        .arg(crate::common::project_root().join("scripts/ru-agreement.py"))
        .args(nouns)
        .output()
        .unwrap_or_else(|e| panic!("{} (run `make setup`): {e}", py.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut checked = 0;
    for noun in nouns {
        let whole: Vec<&str> = reference[noun]["whole"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        // The three forms as a wording file declares them: after 1, 2 and 5.
        let forms = [whole[1], whole[2], whole[5]];
        for (n, expected) in whole.iter().enumerate() {
            let printed = n.to_string();
            assert_eq!(
                ru_count(&printed, forms).unwrap(),
                format!("{printed} {expected}"),
                "{noun} after {n}"
            );
            checked += 1;
        }
        let genitive = reference[noun]["genitive_singular"].as_str().unwrap();
        for d in [
            "0,5",
            "1,0",
            "2,5",
            "11,1",
            "21,7",
            "85,3",
            "100,0",
            "1\u{a0}234,5",
        ] {
            assert_eq!(
                ru_count(d, forms).unwrap(),
                format!("{d} {genitive}"),
                "{noun} after {d}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, nouns.len() * (10_001 + 8));
}
