//! `nqs retention`: the inbox's raw extracts against the period `pipelines/retention.toml`
//! declares, counted from the ingest that last read each file.

use crate::common::*;

#[test]
fn retention_lists_the_extracts_past_the_declared_period() {
    let input = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let inbox = input.path().to_str().unwrap();
    let a = bin("1503", 101);
    let centres = "centres/centres_2026-01.csv";
    write(
        input.path(),
        centres,
        &format!(
            "as_of,centre_bin,name,region,sectors,accreditation_no,accreditation_date,status\n\
             2026-01-31,{a},Центр А,710000000,ICT,KZ-1,2021-05-01,accredited\n"
        ),
    );
    write(
        input.path(),
        "notes/readme.txt",
        "a note no contract claims\n",
    );
    let o = nqs(out.path(), &["ingest", inbox, "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Ingest records when it ran in UTC; the period counts from that day.
    let today = chrono::Utc::now().date_naive();
    let judge = |day: chrono::NaiveDate| -> serde_json::Value {
        let o = nqs(
            out.path(),
            &[
                "--json",
                "--as-of",
                &day.to_string(),
                "retention",
                "--inbox",
                inbox,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };

    let now = judge(today);
    assert_eq!(now["keep_months"], 72);
    assert_eq!(now["past"].as_array().unwrap().len(), 0, "{now}");
    assert_eq!(now["within"][0]["file"], centres, "{now}");
    assert_eq!(now["within"][0]["ingested"], today.to_string());
    assert_eq!(now["not_in_lake"], serde_json::json!(["notes/readme.txt"]));

    let until = today.checked_add_months(chrono::Months::new(72)).unwrap();
    assert_eq!(now["within"][0]["kept_until"], until.to_string());
    assert_eq!(judge(until)["past"].as_array().unwrap().len(), 0);
    let later = judge(until.succ_opt().unwrap());
    assert_eq!(later["past"][0]["file"], centres, "{later}");
    assert_eq!(later["past"][0]["source"], "centres");
    let o = nqs(
        out.path(),
        &[
            "--as-of",
            &until.succ_opt().unwrap().to_string(),
            "retention",
            "--inbox",
            inbox,
        ],
    );
    let text = stdout(&o);
    assert!(
        text.contains("1 files past it: delete them") && text.contains(centres),
        "{text}"
    );

    // A file changed since it was ingested is not the one the lake holds: never listed as past.
    let path = input.path().join(centres);
    let changed = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Центр А", "Центр Б");
    std::fs::write(&path, changed).unwrap();
    let after = judge(until.succ_opt().unwrap());
    assert_eq!(after["past"].as_array().unwrap().len(), 0, "{after}");
    assert_eq!(after["not_in_lake"].as_array().unwrap().len(), 2, "{after}");

    // Without a declared period the command says what to declare.
    let pipelines = out.path().join("pipelines-without");
    copy_tree(&project_root().join("pipelines"), &pipelines);
    std::fs::remove_file(pipelines.join("retention.toml")).unwrap();
    let o = nqs_in(&pipelines, out.path(), &["retention", "--inbox", inbox]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no retention period is declared")
            && stderr(&o).contains("keep_months"),
        "{}",
        stderr(&o)
    );
}
