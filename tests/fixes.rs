//! Proof of every fix, through the real binary, on a copy of fixtures/fix/<CODE>/before
//! (or fixtures/fix/<CODE>-<case>/before for a further case of the same fix; a copy of `/` linted with `--root`, or a repository when it holds a REPOSITORY marker;
//! an `args` file adds arguments):
//! - the broken tree reports CODE with a fix; `--diff` prints it (snapshot) and changes no
//!   byte and no mtime; an unsafe fix is left alone without `--unsafe-fixes`;
//! - `--fix` changes the files (snapshot of every changed file), after which CODE is gone
//!   and no code is reported more often than before;
//! - a second `--fix` changes no byte and no mtime, and `--diff` prints nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use assert_cmd::Command;

/// Every fix fixture: (its directory's name, `CODE` or `CODE-case`; its `before` tree).
pub fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/fix")
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.path().join("before"),
            )
        })
        .collect();
    out.sort();
    out
}

/// Copies a tree into a fresh temp dir at `<temp>/tree`.
fn stage(before: &Path) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    test_support::copy_tree(before, &temp.path().join("tree"));
    temp
}

/// Runs the linter on a staged tree with `extra` arguments: (stdout, stderr, exit code).
fn lint(temp: &Path, extra: &[&str]) -> (String, String, i32) {
    let tree = temp.join("tree");
    let mut cmd = Command::cargo_bin("nginx-fpm-lint").expect("binary");
    cmd.env("NO_COLOR", "1").arg("--no-config");
    if tree.join("REPOSITORY").is_file() {
        cmd.current_dir(&tree).args(extra).arg(".");
    } else {
        cmd.current_dir(temp).args(extra).args(["--root", "tree"]);
    }
    if let Ok(args) = std::fs::read_to_string(tree.join("args")) {
        cmd.args(args.lines().filter(|l| !l.is_empty()));
    }
    let out = cmd.output().expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Codes reported (with counts) and, for `code`, the applicability of its fixes.
fn findings(temp: &Path, code: &str) -> (BTreeMap<String, usize>, Vec<String>) {
    let (out, err, _) = lint(temp, &["--format", "json"]);
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("JSON: {e}\n{out}\n{err}"));
    let mut codes = BTreeMap::new();
    let mut fixes = Vec::new();
    for d in doc["diagnostics"].as_array().expect("diagnostics") {
        let c = d["code"].as_str().unwrap_or_default().to_string();
        if c == code {
            if let Some(a) = d["fix"]["applicability"].as_str() {
                fixes.push(a.to_string());
            }
        }
        *codes.entry(c).or_insert(0) += 1;
    }
    (codes, fixes)
}

/// Every file's bytes and mtime.
fn state(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().expect("metadata");
            (
                e.path().strip_prefix(dir).expect("inside").to_path_buf(),
                (
                    std::fs::read(e.path()).expect("read"),
                    meta.modified().expect("mtime"),
                ),
            )
        })
        .collect()
}

/// The changed files of a tree, for the snapshot of the after-state.
fn changed_files(
    before: &BTreeMap<PathBuf, (Vec<u8>, SystemTime)>,
    after: &BTreeMap<PathBuf, (Vec<u8>, SystemTime)>,
) -> String {
    let mut out = String::new();
    for (path, (bytes, _)) in after {
        if before.get(path).map(|(b, _)| b) != Some(bytes) {
            out.push_str(&format!(
                "==> {} <==\n{}\n",
                path.display(),
                String::from_utf8_lossy(bytes)
            ));
        }
    }
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "a fix creates or removes no file"
    );
    out
}

#[test]
fn every_fix_repairs_its_finding_and_nothing_else() {
    let all = cases();
    assert!(all.len() >= 25, "at least 25 rules with fixes");
    let mut failures = Vec::new();
    for (name, before) in &all {
        let code = &name.split('-').next().unwrap_or(name).to_string();
        let temp = stage(before);
        let tree = temp.path().join("tree");
        let (codes_before, applicability) = findings(temp.path(), code);
        if applicability.is_empty() {
            failures.push(format!(
                "{name}: the broken tree reports no {code} with a fix"
            ));
            continue;
        }
        let unsafe_fix = applicability.iter().any(|a| a == "unsafe");
        // The rule's doc states the fix and its applicability.
        let doc = lint_cli::all_rules()
            .iter()
            .find(|r| r.code == code)
            .map_or("", |r| r.doc);
        for a in &applicability {
            if !doc.contains(&format!("Autofix: {a}")) && !doc.contains(&format!("{a} for")) {
                failures.push(format!("{name}: its doc does not say \"Autofix: {a}\""));
            }
        }
        let flags: &[&str] = if unsafe_fix { &["--unsafe-fixes"] } else { &[] };
        let pristine = state(&tree);

        // --diff writes nothing.
        let mut args = vec!["--diff"];
        args.extend(flags);
        let (diff, _, status) = lint(temp.path(), &args);
        insta::assert_snapshot!(format!("fix_{name}_diff"), diff);
        if diff.is_empty() || status != 1 {
            failures.push(format!("{name}: --diff printed nothing or exited {status}"));
        }
        if state(&tree) != pristine {
            failures.push(format!("{name}: --diff changed the tree"));
        }
        // An unsafe fix needs the flag.
        if unsafe_fix {
            lint(temp.path(), &["--fix"]);
            let (codes, _) = findings(temp.path(), code);
            if !codes.contains_key(code.as_str()) {
                failures.push(format!(
                    "{name}: an unsafe fix was applied without --unsafe-fixes"
                ));
            }
        }

        // --fix repairs it, and nothing new appears.
        let mut args = vec!["--fix"];
        args.extend(flags);
        let (_, err, status) = lint(temp.path(), &args);
        if status == 2 {
            failures.push(format!("{name}: --fix exited 2: {err}"));
        }
        let fixed = state(&tree);
        insta::assert_snapshot!(
            format!("fix_{name}_after"),
            changed_files(&pristine, &fixed)
        );
        let (codes_after, _) = findings(temp.path(), code);
        if codes_after.contains_key(code.as_str()) {
            failures.push(format!(
                "{name}: still reported after --fix: {codes_after:?}"
            ));
        }
        for (c, n) in &codes_after {
            if codes_before.get(c).is_none_or(|b| n > b) {
                failures.push(format!(
                    "{name}: --fix made {c} appear ({n} after, {:?} before)",
                    codes_before.get(c)
                ));
            }
        }

        // Idempotent: a second --fix and a --diff change nothing.
        let (_, err, _) = lint(temp.path(), &args);
        if state(&tree) != fixed {
            failures.push(format!(
                "{name}: a second --fix changed bytes or mtimes: {err}"
            ));
        }
        let mut args = vec!["--diff"];
        args.extend(flags);
        let (diff, _, status) = lint(temp.path(), &args);
        if !diff.is_empty() || status != 0 {
            failures.push(format!(
                "{name}: --diff after --fix shows {diff} (exit {status})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_clean_tree_is_untouched() {
    let before = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/X001/good");
    let temp = stage(&before);
    let tree = temp.path().join("tree");
    let pristine = state(&tree);
    let (diff, _, status) = lint(temp.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!((diff.as_str(), status), ("", 0));
    let (_, err, _) = lint(temp.path(), &["--fix", "--unsafe-fixes"]);
    assert!(err.contains("fixed 0 findings in 0 file(s)"), "{err}");
    assert_eq!(state(&tree), pristine);
}

#[test]
fn a_link_out_of_the_tree_is_not_written_through() {
    // Files named on their own: the tree is their directory, and the nginx file there is
    // a link to a file beside the tree.
    let before = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix/X001/before");
    let temp = stage(&before);
    let tree = temp.path().join("tree");
    let outside = temp.path().join("outside.conf");
    std::fs::rename(tree.join("etc/nginx/nginx.conf"), &outside).expect("move");
    std::os::unix::fs::symlink("../../../outside.conf", tree.join("etc/nginx/nginx.conf"))
        .expect("link");
    let bytes = std::fs::read(&outside).expect("read");
    let out = Command::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(&tree)
        .args([
            "--no-config",
            "--fix",
            "--nginx",
            "etc/nginx/nginx.conf",
            "--fpm",
        ])
        .arg("etc/php/8.2/fpm/php-fpm.conf")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("leads out of the linted tree"), "{err}");
    assert_eq!(std::fs::read(&outside).expect("read"), bytes);
    assert!(std::fs::symlink_metadata(tree.join("etc/nginx/nginx.conf"))
        .expect("link")
        .file_type()
        .is_symlink());
}

#[test]
fn writes_keep_the_mode_and_links_inside_the_tree_are_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let before = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix/X001/before");
    let temp = stage(&before);
    let tree = temp.path().join("tree");
    // sites-enabled style: the linted path is a link to a file elsewhere in the tree.
    std::fs::create_dir_all(tree.join("etc/nginx/real")).expect("mkdir");
    std::fs::rename(
        tree.join("etc/nginx/nginx.conf"),
        tree.join("etc/nginx/real/nginx.conf"),
    )
    .expect("move");
    std::os::unix::fs::symlink("real/nginx.conf", tree.join("etc/nginx/nginx.conf")).expect("link");
    std::fs::set_permissions(
        tree.join("etc/nginx/real/nginx.conf"),
        std::fs::Permissions::from_mode(0o640),
    )
    .expect("chmod");
    // As root, the owner too: the replacement is created by root and must be given back.
    let owner = test_support::is_root().then(|| {
        std::os::unix::fs::chown(
            tree.join("etc/nginx/real/nginx.conf"),
            Some(65534),
            Some(65534),
        )
        .expect("chown");
        (65534, 65534)
    });
    let (_, err, _) = lint(temp.path(), &["--fix"]);
    assert!(err.contains("fixed 1 finding in 1 file(s)"), "{err}");
    let real = tree.join("etc/nginx/real/nginx.conf");
    let text = std::fs::read_to_string(&real).expect("read");
    assert!(text.contains("php8.2-fpm.sock"), "{text}");
    let meta = std::fs::metadata(&real).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    if let Some(owner) = owner {
        use std::os::unix::fs::MetadataExt;
        assert_eq!((meta.uid(), meta.gid()), owner);
    }
    assert!(std::fs::symlink_metadata(tree.join("etc/nginx/nginx.conf"))
        .expect("link")
        .file_type()
        .is_symlink());
}

/// A pool that lets scripts run for a day (YunoHost's 86400 s) is reported, but the safe
/// fix would make nginx wait a day too: none is offered above an hour, while the same
/// tree with a 300 s limit gets one.
#[test]
fn x006_offers_no_fix_that_makes_nginx_wait_hours() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/X006");
    let day = stage(&root.join("bad-day-long-limit"));
    let (codes, fixes) = findings(day.path(), "X006");
    assert_eq!(codes.get("X006"), Some(&1), "{codes:?}");
    assert!(fixes.is_empty(), "a fix for a day-long limit: {fixes:?}");
    let minutes = stage(&root.join("bad"));
    let (_, fixes) = findings(minutes.path(), "X006");
    assert_eq!(fixes, ["safe"]);
}
