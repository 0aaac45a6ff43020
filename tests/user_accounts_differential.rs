//! NGX026 (user-unknown) against the real `nginx -t`: for `user` lines naming users and
//! groups this machine has and lacks, nginx started as root looks them up in this
//! machine's account files, and the linter reads a copy of the same files under
//! `--root`. nginx fails with `getpwnam`/`getgrnam` exactly where NGX026 is reported.
//!
//! Skips with a reason when nginx is missing or the test is not root (a master that is
//! not root ignores `user`), except that a missing nginx fails in CI.

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as BinCommand;

/// `user` arguments: a same-named group present and absent (Debian has no group
/// `nobody`; RHEL and Alpine have one), explicit groups, a user and a group no system has.
const USERS: &[&str] = &[
    "nobody",
    "nobody nogroup",
    "nobody nfl-x",
    "nobody nobody",
    "www-data",
    "www-data www-data",
    "root",
    "root root",
    "nfl-no-such-user",
    "www-data nfl-no-such-group",
    "nobody www-data",
];

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

fn nginx_t(dir: &Path) -> (bool, String) {
    let out = Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("etc/nginx/nginx.conf"))
        .arg("-g")
        .arg(format!(
            "error_log {}/error.log; pid {}/nginx.pid;",
            dir.display(),
            dir.display()
        ))
        .output()
        .expect("run nginx");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ngx026_is_reported_exactly_where_nginx_t_fails_to_look_the_user_up() {
    if let Err(reason) = test_support::real_binaries(&["nginx"]) {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the accounts differential must run in CI: {reason}");
        }
        eprintln!("skipping: {reason}");
        return;
    }
    if !is_root() {
        eprintln!("skipping: not root (nginx ignores `user` when its master is not root)");
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut failed, mut passed) = (0, 0);
    for (i, user) in USERS.iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        std::fs::create_dir_all(dir.join("etc/nginx")).expect("mkdir");
        std::fs::create_dir_all(dir.join("logs")).expect("mkdir");
        for file in ["passwd", "group"] {
            std::fs::copy(Path::new("/etc").join(file), dir.join("etc").join(file))
                .expect("copy this machine's account files");
        }
        std::fs::write(
            dir.join("etc/nginx/nginx.conf"),
            format!("user {user};\nevents {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    server {{\n        listen 127.0.0.1:18095;\n        return 204;\n    }}\n}}\n"),
        )
        .expect("write");
        let (ok, stderr) = nginx_t(&dir);
        let lookup_failed = stderr.contains("getpwnam") || stderr.contains("getgrnam");
        assert!(
            ok || lookup_failed,
            "`user {user};`: nginx fails for another reason:\n{stderr}"
        );
        let out = BinCommand::cargo_bin("nginx-fpm-lint")
            .expect("binary")
            .args(["--no-config", "--format", "concise", "--root"])
            .arg(&dir)
            .output()
            .expect("run the linter");
        let ours = String::from_utf8_lossy(&out.stdout).contains(": NGX026 [");
        assert_eq!(
            lookup_failed,
            ours,
            "`user {user};`: nginx -t {}, NGX026 {}\n{stderr}",
            if ok { "passes" } else { "fails" },
            if ours { "reported" } else { "not reported" }
        );
        if lookup_failed {
            failed += 1;
        } else {
            passed += 1;
        }
    }
    // The cases compared something: lookups that fail and lookups that succeed.
    assert!(
        failed >= 2 && passed >= 2 && failed + passed == USERS.len(),
        "failed {failed}, passed {passed}"
    );
}
