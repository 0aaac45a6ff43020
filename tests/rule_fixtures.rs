//! Every rule's fixtures through the real binary: the bad tree reports the
//! rule's code, the good look-alike does not; both outputs are snapshots.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture_dirs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/rules")
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    dirs.sort();
    dirs
}

fn run(dir: &Path, format: &str) -> (String, i32) {
    let rel = dir
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .expect("inside the repo");
    let mut cmd = Command::cargo_bin("nginx-fpm-lint").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(["--no-config", "--format", format, "--root"])
        .arg(rel);
    if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
        cmd.args(extra.lines().filter(|l| !l.is_empty()));
    }
    let out = cmd.output().expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_rule_fires_on_its_bad_fixture_and_not_on_its_good_one() {
    let registered: Vec<&str> = lint_cli::all_rules().iter().map(|r| r.code).collect();
    let mut failures = Vec::new();
    let dirs = fixture_dirs();
    for code in &registered {
        if !dirs.iter().any(|(c, _)| c == code) {
            failures.push(format!("{code}: no fixtures/rules/{code}"));
        }
    }
    for (code, dir) in &dirs {
        let marker = format!(": {code} [");
        let (bad, bad_status) = run(&dir.join("bad"), "concise");
        if !bad.contains(&marker) {
            failures.push(format!("{code}/bad does not report {code}:\n{bad}"));
        }
        if bad_status == 2 {
            failures.push(format!("{code}/bad exited 2"));
        }
        let (good, _) = run(&dir.join("good"), "concise");
        if good.contains(&marker) {
            failures.push(format!("{code}/good reports {code}:\n{good}"));
        }
        insta::assert_snapshot!(format!("{code}_bad"), bad);
        insta::assert_snapshot!(format!("{code}_good"), good);
        let (pretty, _) = run(&dir.join("bad"), "pretty");
        insta::assert_snapshot!(format!("{code}_bad_pretty"), pretty);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
