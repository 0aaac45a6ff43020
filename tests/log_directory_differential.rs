//! NGX027 (log-directory-missing) against the real `nginx -t`: log directives naming
//! files in directories that exist, do not exist or are files, with variables, streams
//! and `off`. nginx opens its log files while it reads the configuration; it fails with
//! `open() "..." failed` exactly where NGX027 is reported (the linter reads the same
//! disk, `--root /`).
//!
//! Skips with a reason when nginx is missing or the test is not root, except that a
//! missing nginx fails in CI.

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as BinCommand;

/// The directive under test (`{dir}` is the case's directory) and the level it stands at.
const CASES: &[(&str, Level)] = &[
    ("error_log {dir}/missing/error.log;", Level::Main),
    ("error_log {dir}/logs/error.log warn;", Level::Main),
    ("access_log {dir}/missing/access.log;", Level::Http),
    ("access_log {dir}/logs/access.log combined;", Level::Http),
    (
        "access_log {dir}/missing/site.log combined buffer=32k if=$status;",
        Level::Server,
    ),
    ("error_log {dir}/missing/site-error.log;", Level::Server),
    ("access_log {dir}/missing/$host.log;", Level::Server),
    (
        "access_log {dir}/missing/$host/access.log;",
        Level::Location,
    ),
    ("access_log {dir}/missing/location.log;", Level::Location),
    ("access_log off;", Level::Location),
    ("error_log stderr;", Level::Server),
    ("access_log /dev/stdout;", Level::Http),
    ("access_log {dir}/a-file/access.log;", Level::Http),
];

#[derive(Clone, Copy)]
enum Level {
    Main,
    Http,
    Server,
    Location,
}

fn config(dir: &Path, directive: &str, level: Level) -> String {
    let line = directive.replace("{dir}", &dir.display().to_string());
    let at = |l: Level| {
        if std::mem::discriminant(&l) == std::mem::discriminant(&level) {
            line.as_str()
        } else {
            ""
        }
    };
    format!(
        "pid {dir}/nginx.pid;\n{}\nevents {{ worker_connections 64; }}\nhttp {{\n    {}\n    server {{\n        listen 127.0.0.1:18096;\n        {}\n        location / {{\n            {}\n            return 204;\n        }}\n    }}\n}}\n",
        at(Level::Main),
        at(Level::Http),
        at(Level::Server),
        at(Level::Location),
        dir = dir.display()
    )
}

/// Whether the real nginx is here; in CI it must be.
fn nginx_available(what: &str) -> bool {
    test_support::binaries_or_skip(&format!("the {what} differential"), &["nginx"])
}

/// `nginx -t -c conf`: whether it passed, and what it printed.
fn nginx_t(conf: &Path) -> (bool, String) {
    let real = Command::new("nginx")
        .arg("-t")
        .arg("-c")
        .arg(conf)
        .output()
        .expect("run nginx");
    (
        real.status.success(),
        String::from_utf8_lossy(&real.stderr).into_owned(),
    )
}

/// The linter's concise findings on `conf`, reading the same disk (`--root /`).
fn lint_on_this_disk(conf: &Path) -> String {
    let out = BinCommand::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .args([
            "--no-config",
            "--format",
            "concise",
            "--root",
            "/",
            "--nginx",
        ])
        .arg(conf)
        .output()
        .expect("run the linter");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ngx027_is_reported_exactly_where_nginx_t_fails_to_open_a_log() {
    if !nginx_available("log directory") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut failed, mut passed) = (0, 0);
    for (i, (directive, level)) in CASES.iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        std::fs::create_dir_all(dir.join("logs")).expect("mkdir");
        std::fs::write(dir.join("a-file"), "").expect("write");
        let conf = dir.join("nginx.conf");
        let text = config(&dir, directive, *level);
        std::fs::write(&conf, &text).expect("write");
        let (passes, stderr) = nginx_t(&conf);
        let open_failed = !passes;
        assert!(
            passes || stderr.contains("open() \""),
            "`{directive}`: nginx fails for another reason:\n{stderr}"
        );
        let stdout = lint_on_this_disk(&conf);
        // Reported on the directive's own line, which nginx's message does not name.
        let line = text
            .lines()
            .position(|l| {
                !directive.is_empty()
                    && l.trim() == directive.replace("{dir}", &dir.display().to_string())
            })
            .map(|i| i + 1);
        let ours = line.is_some_and(|l| {
            stdout.contains(&format!("nginx.conf:{l}:")) && stdout.contains(": NGX027 [")
        });
        assert_eq!(
            open_failed,
            ours,
            "`{directive}`: nginx -t {}, NGX027 {}\n{stderr}\n{stdout}",
            if open_failed { "fails" } else { "passes" },
            if ours { "reported" } else { "not reported" }
        );
        if open_failed {
            failed += 1;
        } else {
            passed += 1;
        }
    }
    // The cases compared something: logs nginx cannot open and logs it can.
    assert!(
        failed >= 4 && passed >= 4 && failed + passed == CASES.len(),
        "failed {failed}, passed {passed}"
    );
}

/// NGX029 (cache-directory-parent-missing) against the real `nginx -t`: nginx makes the
/// last component of each cache and temporary directory while it starts, and fails with
/// `mkdir() "..." failed` when the parent is missing, exactly where NGX029 is reported.
#[test]
fn ngx029_is_reported_exactly_where_nginx_t_fails_to_make_a_directory() {
    if !nginx_available("cache directory") {
        return;
    }
    const MADE: &[&str] = &[
        "fastcgi_cache_path {dir}/missing/fastcgi levels=1:2 keys_zone=A:1m;",
        "fastcgi_cache_path {dir}/logs/fastcgi keys_zone=B:1m;",
        "proxy_cache_path {dir}/missing/proxy keys_zone=C:1m inactive=1h;",
        "proxy_cache_path {dir}/logs keys_zone=D:1m;",
        "client_body_temp_path {dir}/missing/body;",
        "client_body_temp_path {dir}/logs/body 1 2;",
        "fastcgi_temp_path {dir}/missing/fastcgi_temp;",
        "uwsgi_temp_path {dir}/logs/uwsgi_temp;",
        "scgi_temp_path {dir}/missing/scgi_temp;",
    ];
    let tmp = tempfile::tempdir().expect("tmp");
    let (mut failed, mut passed) = (0, 0);
    for (i, directive) in MADE.iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        std::fs::create_dir_all(dir.join("logs")).expect("mkdir");
        let conf = dir.join("nginx.conf");
        let line = directive.replace("{dir}", &dir.display().to_string());
        let text = format!(
            "pid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    {line}\n    server {{\n        listen 127.0.0.1:18097;\n        return 204;\n    }}\n}}\n",
            d = dir.display()
        );
        std::fs::write(&conf, &text).expect("write");
        let (passes, stderr) = nginx_t(&conf);
        let mkdir_failed = !passes;
        assert!(
            passes || stderr.contains("mkdir() \""),
            "`{directive}`: nginx fails for another reason:\n{stderr}"
        );
        let stdout = lint_on_this_disk(&conf);
        let ours = stdout.contains("nginx.conf:6:") && stdout.contains(": NGX029 [");
        assert_eq!(
            mkdir_failed,
            ours,
            "`{directive}`: nginx -t {}, NGX029 {}\n{stderr}\n{stdout}",
            if mkdir_failed { "fails" } else { "passes" },
            if ours { "reported" } else { "not reported" }
        );
        if mkdir_failed {
            failed += 1;
        } else {
            passed += 1;
        }
    }
    assert!(
        failed >= 4 && passed >= 3,
        "failed {failed}, passed {passed}"
    );
}
