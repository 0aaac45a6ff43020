//! Repository mode on fixtures/repos: each layout (modelled on a real public project, see
//! fixtures/repos/README.md) linted from its top as `nginx-fpm-lint .`, what it prints on
//! stdout and stderr snapshotted; and the deployments assembled for each.

use std::path::Path;

use assert_cmd::Command;

fn run_in(dir: &Path, args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    (text, out.status.code().unwrap_or(-1))
}

/// Every layout directory (one with a SOURCE.md), by name. Not a glob walk: the layouts
/// hold links that lead nowhere on this machine on purpose (absolute ones into a copy of /).
fn layouts() -> Vec<(String, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    let mut out: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/repos")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("SOURCE.md").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_layout_lints_as_its_snapshot() {
    for (name, dir) in layouts() {
        let (text, code) = run_in(&dir, &["--no-config", "--format", "concise", "."]);
        insta::assert_snapshot!(format!("lint_{name}"), format!("exit {code}\n{text}"));
    }
}

#[test]
fn every_layout_assembles_as_its_snapshot() {
    for (name, dir) in layouts() {
        let (text, _) = run_in(&dir, &["deployments", "."]);
        insta::assert_snapshot!(format!("deployments_{name}"), text);
    }
}

/// The broken look-alikes are caught; the layouts they were made from are not.
#[test]
fn broken_layouts_fail_and_their_originals_pass() {
    let repos = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    let cases = [
        ("compose-laravel-conf-d-broken-loopback", "X0"),
        ("compose-laravel-conf-d-broken-port", "X0"),
        ("compose-laravel-conf-d-broken-pool-loopback", "X0"),
        ("image-supervisord-unix-socket-broken-socket-path", "X001"),
    ];
    for (broken, code) in cases {
        let (text, status) = run_in(
            &repos.join(broken),
            &["--no-config", "--format", "concise", "."],
        );
        assert_eq!(status, 1, "{broken} must fail:\n{text}");
        assert!(text.contains(code), "{broken} must report {code}:\n{text}");
        let original = broken.split("-broken-").next().expect("name");
        let (text, status) = run_in(
            &repos.join(original),
            &["--no-config", "--format", "concise", "."],
        );
        assert_eq!(status, 0, "{original} must pass:\n{text}");
    }
}
