//! `make dist`'s folder works away from the build tree: laid out by `scripts/dist.sh` (the
//! script `make dist` runs) from the binary cargo built, copied to another place, it loads the
//! `libduckdb.so` beside it and makes the sample report.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs an installed `nqs` as an operator would: no cargo environment, no library path, no key
/// and no judging day from the environment.
fn installed(binary: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("NQS_PSEUDONYM_KEY")
        .env_remove("NQS_PSEUDONYM_KEY_FILE")
        .env_remove("NQS_AS_OF")
        .env_remove("NQS_PIPELINES")
        .env_remove("NQS_TEMPLATES")
        .env_remove("NQS_OUTPUT")
        .env_remove("NQS_CALENDAR")
        .output()
        .expect("the installed binary can be started")
}

/// `cp -a`: the binary keeps its mode.
fn copy_dir(from: &Path, to: &Path) {
    let o = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success(), "cp -a: {}", stderr(&o));
}

fn runpath(binary: &Path) -> String {
    let o = Command::new("readelf")
        .arg("-d")
        .arg(binary)
        .output()
        .unwrap();
    assert!(o.status.success(), "readelf: {}", stderr(&o));
    let text = stdout(&o);
    let paths: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("(RUNPATH)") || l.contains("(RPATH)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    paths.join(";")
}

#[test]
fn the_dist_folder_copied_elsewhere_loads_its_own_library_and_makes_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project_root();
    let o = Command::new("bash")
        .arg(root.join("scripts/dist.sh"))
        .arg(env!("CARGO_BIN_EXE_nqs"))
        .arg(tmp.path().join("dist"))
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "dist.sh: {}{}", stdout(&o), stderr(&o));
    let version = env!("CARGO_PKG_VERSION");
    let laid_out = tmp.path().join("dist").join(format!("nqs-{version}"));
    for part in [
        "nqs",
        "libduckdb.so",
        "pipelines/providers.toml",
        "pipelines/schedule.toml",
        "report-templates/report.typ.tera",
        "calendar/rules.toml",
        "systemd/nqs-annual.service",
        "systemd/nqs-annual.timer",
        "systemd/nqs-ingest.service",
        "systemd/nqs-ingest.timer",
        "systemd/nqs-failed@.service",
        "INSTALL.md",
    ] {
        assert!(laid_out.join(part).is_file(), "{part} in the dist folder");
    }
    let annual = std::fs::read_to_string(laid_out.join("systemd/nqs-annual.service")).unwrap();
    assert!(
        annual.contains("OnFailure=nqs-failed@%n.service"),
        "{annual}"
    );
    assert!(annual.contains("ExecStart=/opt/nqs/nqs yearly"), "{annual}");

    // Installed somewhere else: the build tree's library is out of reach because the binary
    // no longer names it (the build's binary looks in .deps/duckdb first).
    let place = tmp.path().join("opt");
    std::fs::create_dir_all(&place).unwrap();
    copy_dir(&laid_out, &place.join("nqs"));
    let dir = place.join("nqs");
    let binary = dir.join("nqs");
    let built = runpath(Path::new(env!("CARGO_BIN_EXE_nqs")));
    assert!(
        built.contains(".deps/duckdb"),
        "the build's binary names the build tree ({built}), so the check below means something"
    );
    assert_eq!(runpath(&binary), "$ORIGIN");

    // Without the library beside it, the copy does not start: nothing leads it back to the
    // build tree's (which is still there) or to a system one.
    let bare = tmp.path().join("bare");
    std::fs::create_dir_all(&bare).unwrap();
    std::fs::copy(&binary, bare.join("nqs")).unwrap();
    let o = installed(&bare.join("nqs"), &["--version"]);
    assert!(!o.status.success(), "started without its library");
    assert!(
        stderr(&o).contains("libduckdb.so: cannot open shared object file"),
        "{}",
        stderr(&o)
    );

    // With it, the dynamic loader says which file it loaded: the one beside the binary.
    let o = Command::new(&binary)
        .arg("--version")
        .env_remove("LD_LIBRARY_PATH")
        .env("LD_DEBUG", "libs")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("nqs {version}")),
        "{}",
        stdout(&o)
    );
    let loaded: Vec<PathBuf> = stderr(&o)
        .lines()
        .filter_map(|l| l.split("calling init: ").nth(1))
        .filter(|p| p.ends_with("libduckdb.so"))
        .map(PathBuf::from)
        .collect();
    assert_eq!(loaded, vec![dir.join("libduckdb.so")]);

    // The sample report, with the copy's own pipelines and templates.
    let out = tmp.path().join("output");
    let sample = root.join("datasets/sample");
    let with = |args: &[&str]| -> String {
        let mut all: Vec<String> = vec![
            "--pipelines".into(),
            dir.join("pipelines").to_string_lossy().into(),
            "--templates".into(),
            dir.join("report-templates").to_string_lossy().into(),
            "--output".into(),
            out.to_string_lossy().into(),
        ];
        all.extend(args.iter().map(|a| a.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let o = installed(&binary, &all);
        assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
        stdout(&o)
    };
    with(&["ingest", sample.to_str().unwrap(), "--sample"]);
    with(&["run", "--year", "2026", "--as-of", SAMPLE_AS_OF]);
    with(&["report", "--year", "2026", "--lang", "kk,ru"]);
    let ru = pdf_text(&out.join("2026/report-ru.pdf"));
    assert!(
        ru.contains("Краткие выводы"),
        "the Russian report: {ru:.300}"
    );
    let kk = pdf_text(&out.join("2026/report-kk.pdf"));
    assert!(
        kk.contains("Қысқаша қорытынды"),
        "the Kazakh report: {kk:.300}"
    );
}
