//! Differential test against the real `php-fpm8.2 -t`.
//!
//! Every php-fpm fixture of the repo (rule fixtures, the example, fixtures/fpm)
//! plus generated cases is run through `php-fpm8.2 -t -y FILE` (in a temp
//! prefix, absolute /etc/php paths pointed into the copy) and through our
//! loader and checks. Verdicts must agree: php-fpm -t rejects exactly when we
//! report an error of a code that `-t` checks. Codes for what `-t` misses but
//! the start fails on (FPM020–FPM024) are stricter on purpose and not counted
//! as rejections.
//!
//! Skips with a reason when php-fpm8.2 is missing or we are not root, unless
//! CI=true, where it must run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fpm_conf_parser::{check, load, FpmLoadOptions};
use lint_source::{Severity, SourceMap};

/// Codes whose errors mean `php-fpm -t` fails.
const T_CODES: &[&str] = &[
    "FPM001", "FPM002", "FPM003", "FPM004", "FPM005", "FPM006", "FPM007", "FPM008", "FPM009",
    "FPM010",
];

/// Deliberate differences: (case, reason).
const DELIBERATE: &[(&str, &str)] = &[
    ("fpm/rhel", "its pools run as `apache`, a user of RHEL boxes: php-fpm -t looks users up on the machine it runs on, we do not"),
    (
        "rules/FPM111/bad",
        "a root master refuses a pool without `user`; the load checks cannot know the master's user (a container's image decides it), so rule FPM111 reports it where the master is root: a server's tree, as this fixture is linted",
    ),
    (
        "rules/FPM113/bad",
        "its pool's user is one the fixture's etc/passwd lacks: php-fpm -t looks users up on the machine it runs on; the load checks do not read accounts, rule FPM113 does with the tree's own files (tests/user_accounts_differential.rs compares it with php-fpm as root)",
    ),
    (
        "rules/FPM113/good",
        "its pool's user `shop` is in the fixture's etc/passwd, not on the CI machine: php-fpm -t looks users up on the machine it runs on",
    ),
    // The example's blog pool runs as user `blog`, which exists on the box it describes but not
    // on the CI machine: php-fpm -t looks users up, we do not (the lint must not depend on the
    // machine it runs on). The example is rejected by both for other reasons anyway.
];

fn available() -> Result<(), String> {
    test_support::real_binaries(&["php-fpm8.2"])
}

struct Case {
    name: String,
    /// The main file, relative to the case root.
    main: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    env: BTreeMap<String, String>,
}

use test_support::files as walk;

fn tree(base: &Path, name: &str, cases: &mut Vec<Case>) {
    let files: Vec<(PathBuf, Vec<u8>)> = walk(base)
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(base).ok()?.to_path_buf();
            rel.starts_with("etc/php")
                .then(|| std::fs::read(&p).ok().map(|b| (rel, b)))?
        })
        .collect();
    let Some(main) = [
        "etc/php/8.2/fpm/php-fpm.conf",
        "etc/php-fpm.conf",
        "usr/local/etc/php-fpm.conf",
    ]
    .into_iter()
    .find(|m| files.iter().any(|(p, _)| p == Path::new(m))) else {
        return;
    };
    let mut env = BTreeMap::new();
    if let Ok(args) = std::fs::read_to_string(base.join("args")) {
        let lines: Vec<&str> = args.lines().collect();
        for w in lines.windows(2) {
            if w[0] == "--env" {
                if let Some((k, v)) = w[1].split_once('=') {
                    env.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    cases.push(Case {
        name: name.to_string(),
        files,
        env,
        main: PathBuf::from(main),
    });
}

const MAIN: &str = "etc/php/8.2/fpm/php-fpm.conf";
const POOL: &str = "[global]\nerror_log = /var/log/php8.2-fpm.log\n[www]\nuser = www-data\nlisten = /run/php/x.sock\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n";

fn generated(cases: &mut Vec<Case>) {
    let extra: &[(&str, &str)] = &[
        ("int-garbage", "pm.max_requests = 5x"),
        ("int-negative", "pm.max_requests = -1"),
        // Triage AP's false negatives.
        ("rlimit-core-negative", "rlimit_core = -1"),
        ("rlimit-core-overflow", "rlimit_core = 99999999999999999999"),
        ("rlimit-core-wraps-ok", "rlimit_core = -4294967295"),
        ("rlimit-core-ok", "rlimit_core = unlimited"),
        ("spawn-rate-negative", "pm.max_spawn_rate = -1"),
        ("spawn-rate-zero", "pm.max_spawn_rate = 0"),
        ("spawn-rate-empty", "pm.max_spawn_rate ="),
        ("spawn-rate-ok", "pm.max_spawn_rate = 1"),
        ("spawn-rate-static-ok", "pm = static\npm.max_spawn_rate = -1"),
        // glibc's atoi: strtol clamped to a long, then cast to an int (triage AP, FP-5).
        ("int-overflow-start-servers", "pm.start_servers = 99999999999999999999"),
        ("int-overflow-max-children", "pm.max_children = 99999999999999999999"),
        ("int-wraps-max-children", "pm.max_children = 4294967301"),
        ("int-wraps-negative-max-children", "pm.max_children = 2147483648"),
        ("int-negative-overflow-max-children", "pm.max_children = -99999999999999999999"),
        ("int-negative-wraps-max-children", "pm.max_children = -4294967291"),
        ("int-wraps-min-spare", "pm.min_spare_servers = 4294967297"),
        ("time-wraps-slowlog", "request_slowlog_timeout = 4294967296"),
        ("time-minutes-wrap-negative", "request_terminate_timeout = 35791395m"),
        ("time-ms", "request_terminate_timeout = 10ms"),
        ("time-upper", "request_terminate_timeout = 10S"),
        ("time-minutes", "request_terminate_timeout = 2m"),
        ("bool-bad", "catch_workers_output = enabled"),
        ("bool-yes", "catch_workers_output = yes"),
        ("pm-bad", "pm = lazy"),
        ("pm-static-case", "pm = STATIC"),
        ("array-unknown", "php_vaule[memory_limit] = 1G"),
        ("array-upper", "PHP_VALUE[memory_limit] = 1G"),
        ("array-ok", "php_admin_value[memory_limit] = 1G"),
        ("env-empty", "env[FOO] = none"),
        ("env-ok", "env[FOO] = bar"),
        ("hash-line", "#pm.max_requests = 5"),
        ("semicolon-inline", "pm.max_requests = 5 ; five"),
        ("bang", "ping.path = /ping\nping.response = ok!"),
        ("equals", "env[A] = a=b"),
        ("paren", "env[A] = (x)"),
        ("quoted-bang", "ping.path = /ping\nping.response = \"ok!\""),
        ("status-no-slash", "pm.status_path = status"),
        ("status-slash-only", "pm.status_path = /"),
        ("status-bad-char", "pm.status_path = /st@tus"),
        ("ping-ok", "ping.path = /ping"),
        ("chroot-relative", "chroot = jail"),
        ("chdir-relative", "chdir = www"),
        ("slowlog-missing", "request_slowlog_timeout = 5s"),
        ("slowlog-too-long", "request_slowlog_timeout = 60s\nslowlog = /tmp/slow.log\nrequest_terminate_timeout = 30s"),
        // Debian's www.conf documents these commented out; each enabled on its own (the
        // Debian corpus, .ci/debian-corpus) is an error of php-fpm -t.
        ("trace-depth-without-slowlog", "request_slowlog_trace_depth = 10"),
        ("trace-depth-empty-slowlog", "slowlog =\nrequest_slowlog_trace_depth = 5"),
        ("trace-depth-negative", "slowlog = /tmp/slow.log\nrequest_slowlog_trace_depth = -3"),
        ("trace-depth-zero", "request_slowlog_trace_depth = 0"),
        ("trace-depth-ok", "slowlog = /tmp/slow.log\nrequest_slowlog_trace_depth = 40"),
        ("listen-setfib", "listen.setfib = 2"),
        ("spare-above-max", "pm.max_spare_servers = 9"),
        ("min-above-maxspare", "pm.min_spare_servers = 3\npm.max_spare_servers = 2\npm.start_servers = 2"),
        ("start-outside", "pm.start_servers = 4"),
        ("max-children-zero", "pm.max_children = 0"),
        ("key-no-value", "pm.max_requests"),
        ("unknown-key", "pm.max_request = 5"),
        ("global-key-in-pool", "log_level = debug"),
        ("listen-port-range", "listen = 127.0.0.1:70000"),
        ("listen-mode-garbage", "listen.mode = rw"),
        ("allowed-cidr", "listen = 127.0.0.1:9000\nlisten.allowed_clients = 127.0.0.0/8"),
        ("user-root", "user = root"),
        ("expression", "php_value[error_reporting] = E_ALL & ~E_NOTICE"),
        ("section-reopen", "[WWW]\npm.max_requests = 5"),
        ("second-pool-same-listen", "[b]\nuser = www-data\nlisten = /run/php/x.sock\npm = static\npm.max_children = 1"),
        ("second-pool-ok", "[b]\nuser = www-data\nlisten = /run/php/y.sock\npm = static\npm.max_children = 1"),
        // php-src's FPM tests (the Debian corpus's source package): access.suppress_path
        // takes no key and an absolute path; process.priority is a nice value.
        ("suppress-path-ok", "access.suppress_path[] = /ping\naccess.suppress_path[] = /status"),
        ("suppress-path-key", "access.suppress_path[ping] = /ping"),
        ("suppress-path-relative", "access.suppress_path[] = ping"),
        ("suppress-path-empty", "access.suppress_path[] ="),
        ("suppress-path-key-and-relative", "access.suppress_path[a] = b"),
        ("pool-priority-high", "process.priority = 21"),
        ("pool-priority-low", "process.priority = -20"),
        ("pool-priority-edges", "process.priority = -19\n[b]\nuser = www-data\nlisten = /run/php/y.sock\npm = static\npm.max_children = 1\nprocess.priority = 20"),
        ("pool-priority-unset-value", "process.priority = 64"),
        ("pool-priority-later-wins", "process.priority = 40\nprocess.priority = 5"),
    ];
    for (name, lines) in extra {
        let text = format!("{POOL}{lines}\n");
        cases.push(Case {
            name: format!("gen/{name}"),
            files: vec![(PathBuf::from(MAIN), text.into_bytes())],
            env: BTreeMap::new(),
            main: PathBuf::from(MAIN),
        });
    }
    let global: &[(&str, &str)] = &[
        ("global-pool-key", "user = www-data"),
        ("global-array", "env[A] = b"),
        ("global-log-level", "log_level = loud"),
        ("global-pool-var", "pid = /run/$pool.pid"),
        ("global-log-limit-low", "log_limit = 64"),
        ("global-log-limit-edge", "log_limit = 512"),
        ("global-log-limit-negative", "log_limit = -1"),
        (
            "global-log-limit-later-wins",
            "log_limit = 100\nlog_limit = 4096",
        ),
        // atoi's long, cast to int: 4294967297 wraps to 1.
        ("global-log-limit-wraps", "log_limit = 4294967297"),
        ("global-process-max-negative", "process.max = -1"),
        ("global-process-max-zero", "process.max = 0"),
        ("global-priority-high", "process.priority = 25"),
        ("global-priority-ok", "process.priority = -19"),
        ("global-rlimit-core-negative", "rlimit_core = -1"),
        ("global-events-unknown", "events.mechanism = nosuch"),
        ("global-events-empty", "events.mechanism ="),
        ("global-events-ok", "events.mechanism = EPOLL"),
        // glob(3) with GLOB_ERR fails only on a directory it must list (triage AP, FP-4).
        (
            "include-literal-missing-dir",
            "include = /nonexistent-nfl/x.conf",
        ),
        (
            "include-relative-literal-missing-dir",
            "include = missing.d/x.conf",
        ),
        (
            "include-wildcard-missing-dir",
            "include = /nonexistent-nfl/*.conf",
        ),
        (
            "include-relative-wildcard-missing-dir",
            "include = missing.d/*.conf",
        ),
        (
            "include-wildcard-deep-missing-dir",
            "include = /nonexistent-nfl/a/b/*.conf",
        ),
        (
            "include-wildcard-dir-under-missing",
            "include = /nonexistent-nfl/*/x.conf",
        ),
        (
            "include-wildcard-dir-no-match",
            "include = /nonexistent-nfl*/x.conf",
        ),
        (
            "include-wildcard-dir-then-missing",
            "include = /et[c]/nonexistent-nfl/*.conf",
        ),
        (
            "include-open-bracket-missing-dir",
            "include = /nonexistent-nfl/x[.conf",
        ),
        (
            "include-open-bracket-dir",
            "include = /nonexistent-nfl[/x*.conf",
        ),
        ("include-under-a-file", "include = /etc/passwd/*.conf"),
    ];
    for (name, line) in global {
        let text = POOL.replacen("[global]\n", &format!("[global]\n{line}\n"), 1);
        cases.push(Case {
            name: format!("gen/{name}"),
            files: vec![(PathBuf::from(MAIN), text.into_bytes())],
            env: BTreeMap::new(),
            main: PathBuf::from(MAIN),
        });
    }
    // An empty error_log is the prefix, a directory (the template's own error_log is
    // replaced: the last value counts).
    for (name, value) in [
        ("error-log-empty", "error_log ="),
        ("error-log-empty-quoted", "error_log = \"\""),
    ] {
        cases.push(Case {
            name: format!("gen/{name}"),
            files: vec![(
                PathBuf::from(MAIN),
                POOL.replace("error_log = /var/log/php8.2-fpm.log", value)
                    .into_bytes(),
            )],
            env: BTreeMap::new(),
            main: PathBuf::from(MAIN),
        });
    }
}

/// The prefix php-fpm uses for relative paths: the Docker image's is /usr/local.
fn prefix(dir: &Path, case: &Case) -> PathBuf {
    if case.main.starts_with("usr/local") {
        dir.join("usr/local")
    } else {
        dir.to_path_buf()
    }
}

fn real(dir: &Path, case: &Case) -> (bool, String) {
    let conf = dir.join(&case.main);
    let out = Command::new("php-fpm8.2")
        .arg("-t")
        .arg("-y")
        .arg(&conf)
        .arg("-p")
        .arg(prefix(dir, case))
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(&case.env)
        .output()
        .expect("php-fpm runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn ours(dir: &Path, case: &Case) -> (bool, Vec<String>) {
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        root: None,
        prefix: Some(prefix(dir, case)),
        env: case.env.clone(),
        ..Default::default()
    };
    let config = load(&dir.join(&case.main), &opts, &map);
    let mut diags = config.diagnostics.clone();
    diags.extend(check(&config));
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error && T_CODES.contains(&d.code))
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    (errors.is_empty(), errors)
}

#[test]
fn php_fpm_t_and_we_agree() {
    if let Err(reason) = available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("differential test must run in CI: {reason}");
        }
        eprintln!("skipping the php-fpm differential test: {reason}");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cases = Vec::new();
    let mut rule_dirs: Vec<PathBuf> = std::fs::read_dir(repo.join("fixtures/rules"))
        .map(|e| e.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    rule_dirs.sort();
    for dir in rule_dirs {
        let code = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for kind in ["bad", "good"] {
            tree(&dir.join(kind), &format!("rules/{code}/{kind}"), &mut cases);
        }
    }
    let mut layouts: Vec<PathBuf> = std::fs::read_dir(repo.join("fixtures/fpm"))
        .map(|e| e.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    layouts.sort();
    for dir in layouts {
        let name = format!(
            "fpm/{}",
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        tree(&dir, &name, &mut cases);
    }
    generated(&mut cases);
    let tmp = tempfile::tempdir().expect("tmp");
    let mut agree = 0;
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let dir = tmp.path().join(format!("c{i}"));
        for (rel, bytes) in &case.files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            let text = String::from_utf8_lossy(bytes)
                .replace("slowlog = /tmp/", "slowlog = /var/log/")
                .replace("/var/log/php-fpm/", "/var/log/")
                .replace("/etc/php/", &format!("{}/etc/php/", dir.display()))
                .replace(
                    "/etc/php-fpm.d/",
                    &format!("{}/etc/php-fpm.d/", dir.display()),
                )
                .replace("/var/log/", &format!("{}/", dir.display()))
                .replace(
                    "chroot = /srv/",
                    &format!("chroot = {}/srv/", dir.display()),
                )
                .replace(
                    "chdir = /home/",
                    &format!("chdir = {}/home/", dir.display()),
                );
            // A chroot and a chdir (inside the chroot when both) must exist for php-fpm -t;
            // whether they do on the target box is not in the files (FPM115 reads the
            // tree's disk under --root, tests/pool_directory_differential.rs).
            let value = |key: &str| {
                text.lines()
                    .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
            };
            let chroot = value("chroot = ");
            if let Some(root) = &chroot {
                let _ = std::fs::create_dir_all(root);
            }
            if let Some(chdir) = value("chdir = ") {
                let _ = std::fs::create_dir_all(match &chroot {
                    Some(root) => format!("{root}/{chdir}"),
                    None => chdir,
                });
            }
            std::fs::write(&path, text).expect("write");
        }
        let (ok_real, output) = real(&dir, case);
        let (ok_ours, errors) = ours(&dir, case);
        if ok_real == ok_ours || DELIBERATE.iter().any(|(n, _)| *n == case.name) {
            agree += 1;
        } else {
            failures.push(format!(
                "{}: php-fpm -t {} / we {}\n{output}{errors:?}",
                case.name,
                if ok_real { "accepts" } else { "rejects" },
                if ok_ours { "accept" } else { "reject" }
            ));
        }
    }
    println!(
        "differential php-fpm: {agree}/{} configs agree with php-fpm8.2 -t",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n---\n")
    );
}
