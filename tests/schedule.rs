//! `nqs schedule` and `nqs calendar` through the real binary.

use crate::common::*;

#[test]
fn schedule_names_the_missing_and_late_submissions() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let a = bin("1503", 101);
    let b = bin("1604", 202);
    write(
        input.path(),
        "centres/centres_2026-01.csv",
        &format!(
            "as_of,centre_bin,name,region,sectors,accreditation_no,accreditation_date,status\n\
             2026-01-31,{a},Центр А,710000000,ICT,KZ-1,2021-05-01,accredited\n\
             2026-01-31,{b},Центр Б,750000000,ICT,KZ-2,2021-05-01,accredited\n"
        ),
    );
    let mut log = String::from("submission_id,provider,sender,source,period,received_date,file\n");
    for (i, (sender, source, period, day)) in [
        (a.as_str(), "recognition_results", "2026-01", "2026-02-06"),
        (a.as_str(), "recognition_results", "2026-02", "2026-03-05"),
        (b.as_str(), "recognition_results", "2026-01", "2026-03-20"),
        ("НПП Атамекен", "centres", "2026-01", "2026-02-03"),
    ]
    .iter()
    .enumerate()
    {
        log.push_str(&format!(
            "S{i},{},{sender},{source},{period},{day},\n",
            if *source == "centres" {
                "national_chamber"
            } else {
                "recognition_centres"
            }
        ));
    }
    write(input.path(), "submissions/submissions_2026.csv", &log);
    let o = nqs(
        out.path(),
        &["ingest", input.path().to_str().unwrap(), "--sample"],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let o = nqs(
        out.path(),
        &[
            "schedule",
            "--as-of",
            "2026-04-01",
            "--year",
            "2026",
            "--all",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("no later than 2026-12-15"), "{text}");
    assert!(
        text.contains("Last day to run the pipeline: 2026-12-08"),
        "{text}"
    );
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle} in\n{text}"))
            .to_string()
    };
    assert!(line(&format!("2026-02  {b}")).contains("missing: due 2026-03-16"));
    assert!(line(&format!("2026-01  {b}")).contains("late: received 2026-03-20"));
    assert!(line("centres              2026-02 ").contains("missing"));
    assert!(
        line("national_chamber     centres  ").contains(" 1 "),
        "summary counts January on time"
    );
    assert!(
        !text.contains(&format!("recognition_results  2026-01  {a}")),
        "A sent January on time:\n{text}"
    );
    // Certificates were never sent: missing for both centres.
    assert!(line(&format!("certificates         2026-01  {a}")).contains("missing"));
}

#[test]
fn calendar_commands_print_one_line() {
    let out = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = nqs(out.path(), args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(
        run(&[
            "calendar",
            "add",
            "--from",
            "2024-12-27",
            "--working-days",
            "3"
        ]),
        "2025-01-05\n"
    );
    assert_eq!(
        run(&["calendar", "between", "2025-03-20", "2025-03-31"]),
        "4\n"
    );
    assert_eq!(run(&["calendar", "is-working", "2025-01-05"]), "true\n");
    assert_eq!(run(&["calendar", "is-working", "2025-12-16"]), "false\n");
    let o = nqs(out.path(), &["calendar", "is-working", "2031-01-01"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("2031"), "{}", stderr(&o));
}

#[test]
fn calendar_answers_the_year_after_the_last_file_provisionally() {
    let out = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = nqs(out.path(), args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    // Monday 14 December 2026 + 20 working days (para. 16) ends in January 2027, which has
    // no year file: 1, 4 (for Saturday 2 January) and 7 January are off.
    assert_eq!(
        run(&[
            "calendar",
            "add",
            "--from",
            "2026-12-14",
            "--working-days",
            "20"
        ]),
        "2027-01-15\n"
    );
    // 15 March is Constitution Day from 2027.
    assert_eq!(run(&["calendar", "is-working", "2027-03-15"]), "false\n");
    let text = run(&["calendar", "explain", "2027-03-15"]);
    assert!(
        text.starts_with("2027-03-15 Mon: day off (provisional)"),
        "{text}"
    );
    assert!(text.contains("Constitution Day"), "{text}");
    assert!(text.contains("2027 has no year file yet"), "{text}");
    // A decreed day says nothing of the kind.
    let text = run(&["calendar", "explain", "2026-03-16"]);
    assert!(!text.contains("rovisional"), "{text}");
    // Beyond the provisional year: refused, naming the file that would cover it.
    let o = nqs(out.path(), &["calendar", "is-working", "2028-01-03"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("add datasets/calendar/2027.toml"),
        "{}",
        stderr(&o)
    );
}
