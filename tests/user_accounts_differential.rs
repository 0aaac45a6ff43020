//! NGX026 (user-unknown) against the real `nginx -t`, and FPM113 (pool-account-unknown)
//! against `php-fpm -t`: for `user` lines naming users and
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

/// Whether `binary` is here and this test is root (a master that is not root ignores
/// `user`); otherwise says why it skips. A missing binary fails in CI.
fn can_run(binary: &str) -> bool {
    if !test_support::binaries_or_skip("the accounts differential", &[binary]) {
        return false;
    }
    if !is_root() {
        eprintln!("skipping: not root ({binary} ignores `user` when its master is not root)");
        return false;
    }
    true
}

/// Whether the linter, on the copy of `/` at `root`, reports `code`; and what it printed.
fn reports(root: &Path, code: &str) -> (bool, String) {
    let out = BinCommand::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .args(["--no-config", "--format", "concise", "--root"])
        .arg(root)
        .output()
        .expect("run the linter");
    let found = String::from_utf8_lossy(&out.stdout).into_owned();
    (found.contains(&format!(": {code} [")), found)
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
    if !can_run("nginx") {
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
        let (ours, _) = reports(&dir, "NGX026");
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

/// Pool account settings: names this machine has and lacks, numbers, a list, and a
/// `# comment` PHP's INI scanner keeps in the value.
const POOL_ACCOUNTS: &[&str] = &[
    "user = www-data\ngroup = www-data",
    "user = nfl-no-such-user\ngroup = www-data",
    "user = www-data\ngroup = nfl-no-such-group",
    "user = www-data # the web user\ngroup = www-data",
    "user = 33\ngroup = 33",
    "user = www-data\nlisten.owner = nfl-no-such-user",
    "user = www-data\nlisten.group = www-data # nginx",
    "user = www-data\nlisten.owner = 33\nlisten.group = 33",
    "user = www-data\nlisten.acl_groups = www-data,nfl-no-such-group",
    "user = www-data\nlisten.acl_users = www-data,nobody",
];

/// FPM113 (pool-account-unknown) against the real php-fpm run as root (`-t`, then a
/// start of a second and a half where `-t` passes): php-fpm fails with "cannot get
/// uid/gid" exactly where FPM113 is reported, this machine's account files copied
/// under `--root`.
#[test]
fn fpm113_is_reported_exactly_where_php_fpm_t_fails_to_look_an_account_up() {
    if !can_run("php-fpm8.2") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut failed, mut passed) = (0, 0);
    for (i, settings) in POOL_ACCOUNTS.iter().enumerate() {
        let dir = tmp.path().join(format!("pool{i}"));
        let fpm_dir = dir.join("etc/php/8.2/fpm");
        std::fs::create_dir_all(&fpm_dir).expect("mkdir");
        for file in ["passwd", "group"] {
            std::fs::copy(Path::new("/etc").join(file), dir.join("etc").join(file))
                .expect("copy this machine's account files");
        }
        let conf = fpm_dir.join("php-fpm.conf");
        std::fs::write(
            &conf,
            format!(
                "[global]\nerror_log = {}/fpm.log\npid = {}/fpm.pid\n[www]\n{settings}\nlisten = {}/www.sock\npm = static\npm.max_children = 1\n",
                dir.display(),
                dir.display(),
                dir.display()
            ),
        )
        .expect("write");
        let out = Command::new("php-fpm8.2")
            .arg("-t")
            .arg("-y")
            .arg(&conf)
            .output()
            .expect("run php-fpm");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut lookup_failed = text.contains("cannot get uid") || text.contains("cannot get gid");
        assert!(
            out.status.success() || lookup_failed,
            "{settings:?}: php-fpm fails for another reason:\n{text}"
        );
        // `-t` does not look up the ACL's names; the start does (exit 78 at once). A
        // start that is still running after a second and a half has passed.
        if !lookup_failed {
            let start = Command::new("timeout")
                .args(["1.5", "php-fpm8.2", "-F", "-y"])
                .arg(&conf)
                .output()
                .expect("start php-fpm");
            let log = std::fs::read_to_string(dir.join("fpm.log")).unwrap_or_default();
            lookup_failed = log.contains("cannot get uid") || log.contains("cannot get gid");
            assert!(
                start.status.code() == Some(124) || lookup_failed,
                "{settings:?}: php-fpm's start fails for another reason:\n{log}"
            );
        }
        let (ours, found) = reports(&dir, "FPM113");
        assert_eq!(
            lookup_failed,
            ours,
            "{settings:?}: php-fpm -t {}, FPM113 {}\n{text}\n{found}",
            if out.status.success() {
                "passes"
            } else {
                "fails"
            },
            if ours { "reported" } else { "not reported" }
        );
        if lookup_failed {
            failed += 1;
        } else {
            passed += 1;
        }
    }
    assert!(
        failed >= 3 && passed >= 3 && failed + passed == POOL_ACCOUNTS.len(),
        "failed {failed}, passed {passed}"
    );
}
