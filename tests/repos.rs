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

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A repository's absolute include names the container's files, never this machine's:
/// the host's /etc/nginx/sites-enabled (Debian's default site here) must not be read.
#[test]
fn absolute_paths_never_reach_the_host() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n    include /etc/hostname;\n}\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("sites-enabled/default"), "{text}");
    assert!(
        !text.contains("NGX002"),
        "a path the deployment does not provide is unknown, not missing:\n{text}"
    );
    assert!(text.contains("NGX005"), "{text}");
    assert_eq!(code, 0, "{text}");
}

/// A deployment with one side says the cross-checks were skipped, instead of only
/// "No problems found".
#[test]
fn one_sided_deployments_say_the_cross_checks_were_skipped() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n",
    );
    write(
        dir.path(),
        "site.conf",
        "server {\n    listen 80;\n    root /srv;\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(text.contains("cross-checks were skipped"), "{text}");
}

/// Nothing to lint: exit 2 says what was searched and where, and what to try.
#[test]
fn an_empty_repository_says_what_was_searched() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "README.md", "# nothing here\n");
    let (text, code) = run_in(dir.path(), &["--no-config", "."]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("no nginx or php-fpm configuration found in"),
        "{text}"
    );
    assert!(text.contains("--nginx FILE --fpm FILE"), "{text}");
    assert!(
        !text.contains("this machine") && !text.contains("fixtures/"),
        "{text}"
    );
}

/// `--fpm a b c` reads all three as php-fpm files (not `a` alone, with `b c` as paths).
#[test]
fn fpm_takes_every_file_given() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "a.conf",
        "[a]\nlisten = 9001\npm = static\npm.max_children = 1\n",
    );
    write(
        dir.path(),
        "b.conf",
        "[b]\nlisten = 9002\npm = static\npm.max_children = 0\n",
    );
    write(
        dir.path(),
        "c.conf",
        "[c]\nlisten = 9003\npm = static\npm.max_children = 1\n",
    );
    let (text, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--fpm",
            "a.conf",
            "b.conf",
            "c.conf",
        ],
    );
    // b.conf's error proves it was read as php-fpm.
    assert!(text.contains("b.conf") && text.contains("FPM0"), "{text}");
}

/// `--env` reaches the nginx image's templates as Compose's shell variables do (they win
/// over `.env` and `environment:`).
#[test]
fn env_values_reach_nginx_templates() {
    let repos =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos/nginx-templates-envsubst");
    let (clean, code) = run_in(&repos, &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 0, "{clean}");
    let (moved, code) = run_in(
        &repos,
        &[
            "--no-config",
            "--format",
            "concise",
            "--env",
            "PHP_PORT=9001",
            ".",
        ],
    );
    assert_eq!(code, 1, "{moved}");
    assert!(
        moved.contains("X021") && moved.contains("php:9001"),
        "{moved}"
    );
}
