//! Real-world differential corpus, php-fpm side: public php-fpm files (see
//! fixtures/corpus/SOURCES.tsv and docs/corpus.md) classified by the real
//! `php-fpm8.2 -t` and by our loader and checks.
//!
//! A file with a `[global]` section is the main file; a pool file is included
//! from a `[global]` wrapper (`include=`, so its lines keep their numbers).
//! Absolute paths of `include`, `prefix`, `error_log`, `pid`, `slowlog`, `access.log`,
//! `chroot` and `chdir` are moved under the case directory (a prefix inserted
//! in place) and their directories made; php-fpm runs in a private mount
//! namespace whose `/etc/passwd` and `/etc/group` also know the users and
//! groups the corpus names. Environment variables are unset for both sides
//! (`${VAR}` expands to nothing, as on a box without them).
//!
//! The corpus itself is third-party material and not in the repository: the
//! test runs over `NGINX_FPM_LINT_CORPUS` (or `fixtures/corpus/`) and skips
//! with a reason when there is none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use fpm_conf_parser::{check, load, FpmLoadOptions};
use lint_source::{Severity, SourceMap};

/// Codes whose errors mean `php-fpm -t` fails (as in differential_fpm.rs).
const T_CODES: &[&str] = &[
    "FPM001", "FPM002", "FPM003", "FPM004", "FPM005", "FPM006", "FPM007", "FPM008", "FPM009",
    "FPM010",
];

/// Deliberate differences: (corpus file name, reason).
const DELIBERATE: &[(&str, &str)] = &[];

/// php-fpm messages that mean "not this configuration's fault".
const ENVIRONMENT: &[&str] = &[
    // php-fpm -t runs as root here; container images run the master as a non-root user,
    // where a pool needs no `user` (php-fpm ignores it). We cannot know which.
    "user has not been defined",
    "cannot get uid",
    "cannot get gid",
    "No such file or directory",
    "Permission denied",
];

/// php-fpm messages that, for a main file on its own, mean "the pools live in the
/// directory it includes", which is not part of the corpus entry.
const NEEDS_TREE: &[&str] = &["No pool defined", "Unable to globalize"];

/// Keys whose absolute path values php-fpm opens or checks at `-t`.
const PATH_KEYS: &[&str] = &[
    "include",
    "prefix",
    "error_log",
    "pid",
    "slowlog",
    "access.log",
    "chroot",
    "chdir",
];

fn available() -> Result<(), String> {
    test_support::real_binaries(&["php-fpm8.2"])
}

/// The corpus directory: `NGINX_FPM_LINT_CORPUS`, else `fixtures/corpus` when it holds files.
fn corpus_dir() -> Option<PathBuf> {
    test_support::corpus_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."), "fpm")
}

struct Case {
    name: String,
    dir: PathBuf,
    main: PathBuf,
    pools: usize,
    /// Values from `${VAR}` or an envsubst `$VAR`: unset here, set where the file is deployed.
    uses_env: bool,
}

#[derive(Default)]
struct Needs {
    users: BTreeSet<String>,
    groups: BTreeSet<String>,
}

/// The key and the byte offset of the value of an `key = value` line.
fn key_value(line: &str) -> Option<(String, usize, &str)> {
    let (key, _) = line.split_once('=')?;
    let eq = key.len() + 1;
    let rest = &line[eq..];
    let value_at = eq + (rest.len() - rest.trim_start().len());
    let value = line[value_at..].trim_end();
    Some((key.trim().to_string(), value_at, value))
}

fn assemble(file: &Path, dir: &Path, needs: &Mutex<Needs>) -> Case {
    std::fs::create_dir_all(dir.join("log")).expect("mkdir");
    let bytes = std::fs::read(file).expect("corpus file");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let prefix = dir.to_string_lossy().into_owned();
    let mut out = String::with_capacity(text.len() + 256);
    let mut local = Needs::default();
    let mut global = false;
    let mut pools = 0;
    let mut template = false;
    // `$pool` in a path is the name of the section it is in.
    let mut pool_name = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            if trimmed.eq_ignore_ascii_case("[global]") {
                global = true;
            } else {
                pools += 1;
                pool_name = trimmed[1..trimmed.len() - 1].to_string();
            }
        }
        if trimmed.starts_with(';') || trimmed.starts_with('#') {
            out.push_str(line);
            continue;
        }
        let Some((key, at, value)) = key_value(line) else {
            out.push_str(line);
            continue;
        };
        let unquoted = value.trim_matches('"');
        // `key = $name`: an entrypoint's envsubst placeholder, filled in before php-fpm
        // reads the file (php-fpm itself expands only `${NAME}`).
        template |= unquoted.starts_with('$')
            && unquoted[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if matches!(key.as_str(), "user" | "listen.owner" | "listen.acl_users") {
            local
                .users
                .extend(unquoted.split(',').map(|u| u.trim().to_string()));
        }
        if matches!(key.as_str(), "group" | "listen.group" | "listen.acl_groups") {
            local
                .groups
                .extend(unquoted.split(',').map(|g| g.trim().to_string()));
        }
        if PATH_KEYS.contains(&key.as_str())
            && unquoted.starts_with('/')
            && !unquoted.starts_with("/dev/")
            && !unquoted.starts_with("/proc/")
        {
            let quote = usize::from(value.starts_with('"'));
            let (head, tail) = line.split_at(at + quote);
            out.push_str(head);
            out.push_str(&prefix);
            out.push_str(tail);
            let moved = PathBuf::from(format!("{prefix}{unquoted}").replace("$pool", &pool_name));
            let _ = match key.as_str() {
                "chroot" | "chdir" | "prefix" => std::fs::create_dir_all(&moved),
                _ => std::fs::create_dir_all(moved.parent().unwrap_or(dir)),
            };
            continue;
        }
        out.push_str(line);
    }
    let main = if global {
        let main = dir.join("php-fpm.conf");
        std::fs::write(&main, out).expect("main");
        main
    } else {
        let pool = dir.join("pool.conf");
        std::fs::write(&pool, out).expect("pool");
        let main = dir.join("php-fpm.conf");
        std::fs::write(
            &main,
            format!(
                "[global]\nerror_log = {prefix}/log/php-fpm.log\ninclude = {}\n",
                pool.display()
            ),
        )
        .expect("wrapper");
        main
    };
    let mut n = needs.lock().expect("lock");
    n.users.extend(
        local
            .users
            .into_iter()
            .filter(|u| !u.is_empty() && !u.contains('$')),
    );
    n.groups.extend(
        local
            .groups
            .into_iter()
            .filter(|g| !g.is_empty() && !g.contains('$')),
    );
    Case {
        name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir: dir.to_path_buf(),
        main,
        pools,
        uses_env: text.contains("${") || template,
    }
}

fn namespace_files(tmp: &Path, needs: &Needs) -> Option<[PathBuf; 2]> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let group = std::fs::read_to_string("/etc/group").ok()?;
    let known = |text: &str, name: &str| text.lines().any(|l| l.split(':').next() == Some(name));
    let mut p = passwd.clone();
    let mut g = group.clone();
    for (i, u) in needs.users.iter().enumerate() {
        if !known(&passwd, u) && !u.contains([':', '\n']) {
            p.push_str(&format!(
                "{u}:x:{}:{}::/nonexistent:/usr/sbin/nologin\n",
                61000 + i,
                61000 + i
            ));
        }
    }
    for (i, gr) in needs.groups.iter().chain(needs.users.iter()).enumerate() {
        if !known(&group, gr) && !known(&g, gr) && !gr.contains([':', '\n']) {
            g.push_str(&format!("{gr}:x:{}:\n", 62000 + i));
        }
    }
    let files = [tmp.join("passwd"), tmp.join("group")];
    for (path, text) in files.iter().zip([p, g]) {
        std::fs::write(path, text).ok()?;
    }
    let ok = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount --bind \"$1\" /etc/group", "sh"])
        .arg(&files[1])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some(files)
}

/// How `php-fpm -t` runs: as root (a host's master), or as `nobody` (a container's
/// master run as a non-root user, where `user` is ignored and a pool needs none).
#[derive(Clone, Copy, PartialEq)]
enum Master {
    Root,
    Unprivileged,
}

/// `php-fpm8.2`, or the same under `setpriv` as nobody.
const AS_NOBODY: &str = "setpriv --reuid=65534 --regid=65534 --clear-groups php-fpm8.2";

fn real(case: &Case, ns: Option<&[PathBuf; 2]>, master: Master) -> (bool, String) {
    let fpm = match master {
        Master::Root => "php-fpm8.2",
        Master::Unprivileged => AS_NOBODY,
    };
    let mut cmd = match ns {
        Some([passwd, group]) => {
            let mut c = Command::new("unshare");
            c.args([
                "-m",
                "sh",
                "-c",
                &format!("mount --bind \"$1\" /etc/passwd && mount --bind \"$2\" /etc/group && shift 2 && exec {fpm} \"$@\""),
                "sh",
            ])
            .arg(passwd)
            .arg(group);
            c
        }
        None => {
            let mut words = fpm.split(' ');
            let mut c = Command::new(words.next().unwrap_or("php-fpm8.2"));
            c.args(words);
            c
        }
    };
    let out = cmd
        .arg("-t")
        .arg("-y")
        .arg(&case.main)
        .arg("-p")
        .arg(&case.dir)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
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

fn ours(case: &Case) -> Vec<String> {
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        root: None,
        prefix: Some(case.dir.clone()),
        env: BTreeMap::new(),
        ..Default::default()
    };
    let config = load(&case.main, &opts, &map);
    let mut diags = config.diagnostics.clone();
    diags.extend(check(&config));
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error && T_CODES.contains(&d.code))
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

#[derive(Default)]
struct Tally {
    both_accept: usize,
    both_reject: usize,
    env_accept: usize,
    env_reject: usize,
    false_errors: Vec<String>,
    misses: Vec<String>,
    deliberate: Vec<String>,
    tree_accept: usize,
    tree_reject: usize,
    rejected: Vec<String>,
    environment: Vec<String>,
}

/// Standard streams named as log files (`/dev/stderr`, `/proc/self/fd/2`…), which a
/// process that changed its uid from root cannot open: rewritten in the case's files to a
/// file of its own directory (same lines, so messages keep their line numbers).
fn redirect_stdio(case: &Case) {
    const STDIO: &[&str] = &[
        "/proc/self/fd/1",
        "/proc/self/fd/2",
        "/proc/1/fd/1",
        "/proc/1/fd/2",
        "/dev/stdout",
        "/dev/stderr",
    ];
    let log = case.dir.join("log/stdio.log");
    for name in ["php-fpm.conf", "pool.conf"] {
        let path = case.dir.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut new = text.clone();
        for s in STDIO {
            new = new.replace(s, &log.to_string_lossy());
        }
        if new != text {
            let _ = std::fs::write(&path, new);
        }
    }
}

/// Opens the scratch tree to every user (it is private to the test run).
fn make_world_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if dir.is_dir() { 0o777 } else { 0o666 };
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            make_world_writable(&e.path());
        }
    }
}

#[test]
fn real_world_corpus_agrees_with_php_fpm_t() {
    if let Err(reason) = available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the corpus test must run in CI: {reason}");
        }
        eprintln!("skipping the php-fpm corpus test: {reason}");
        return;
    }
    let Some(corpus) = corpus_dir() else {
        println!("skipping the php-fpm corpus test: no corpus (set NGINX_FPM_LINT_CORPUS to a directory with fpm/ and SOURCES.tsv, see docs/corpus.md)");
        return;
    };
    let listed = test_support::corpus_files(&corpus, "fpm").unwrap_or_else(|e| panic!("{e}"));
    let files = &listed.files;
    // The corpus from public repositories (docs/corpus.md), or the one of Debian's
    // packages (.ci/debian-corpus: 165 files as of bookworm, php-src's FPM tests included).
    let minimum = if listed.debian_only { 100 } else { 90 };
    let tmp = tempfile::tempdir().expect("tmp");
    let needs = Mutex::new(Needs::default());
    let cases: Vec<Case> = files
        .iter()
        .enumerate()
        .map(|(i, f)| assemble(f, &tmp.path().join(format!("c{i}")), &needs))
        .collect();
    let ns = namespace_files(tmp.path(), &needs.lock().expect("lock"));
    if ns.is_none() {
        println!("note: no private mount namespace here: missing users count as environment");
    }
    // The unprivileged master must read the cases and write their logs and pid files.
    make_world_writable(tmp.path());
    let unprivileged = AtomicUsize::new(0);
    let tally = Mutex::new(Tally::default());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let errors = ours(case);
                let ok_ours = errors.is_empty();
                let (mut ok_real, mut output) = real(case, ns.as_ref(), Master::Root);
                // A pool without `user` is refused only to a root master: such files come
                // from images whose master runs as another user, so they are compared
                // with php-fpm run that way (`user` ignored) instead of set aside.
                if !ok_real && output.contains("user has not been defined") {
                    // The root run created the log files, for root only.
                    make_world_writable(&case.dir);
                    // A master that drops to nobody here (unlike one started as that user)
                    // may not open its own /dev/stderr: logs go to a file instead.
                    redirect_stdio(case);
                    (ok_real, output) = real(case, ns.as_ref(), Master::Unprivileged);
                    unprivileged.fetch_add(1, Ordering::SeqCst);
                }
                let first = output
                    .lines()
                    .find(|l| {
                        (l.contains("ERROR:") || l.contains("ALERT:"))
                            && !l.contains("FPM initialization failed")
                            && !l.contains("failed to post process")
                            && !l.contains("failed to load configuration")
                    })
                    .unwrap_or("")
                    .to_string();
                let environment =
                    !ok_real && (case.uses_env || ENVIRONMENT.iter().any(|p| first.contains(p)));
                let needs_tree = !ok_real && NEEDS_TREE.iter().any(|p| first.contains(p));
                let line = format!("{}: php-fpm: {} | we: {errors:?}", case.name, first.trim());
                let mut t = tally.lock().expect("lock");
                match (ok_real, ok_ours) {
                    _ if DELIBERATE.iter().any(|(n, _)| *n == case.name) => t.deliberate.push(line),
                    (true, true) => t.both_accept += 1,
                    (true, false) => t.false_errors.push(line),
                    (false, ok) if needs_tree => {
                        if ok {
                            t.tree_accept += 1
                        } else {
                            t.tree_reject += 1
                        }
                    }
                    (false, ok) if environment => {
                        t.environment.push(line);
                        if ok {
                            t.env_accept += 1
                        } else {
                            t.env_reject += 1
                        }
                    }
                    (false, true) => t.misses.push(line),
                    (false, false) => {
                        t.both_reject += 1;
                        t.rejected.push(line)
                    }
                }
            });
        }
    });
    let t = tally.into_inner().expect("lock");
    let pools: usize = cases.iter().map(|c| c.pools).sum();
    let rejects = t.both_reject + t.misses.len();
    println!(
        "php-fpm corpus: {} files, {pools} pool sections, {} files with one",
        cases.len(),
        cases.iter().filter(|c| c.pools > 0).count()
    );
    println!("                       | we accept | we reject");
    println!(
        "php-fpm -t accepts     | {:>9} | {:>9}",
        t.both_accept,
        t.false_errors.len()
    );
    println!(
        "php-fpm -t rejects     | {:>9} | {:>9}",
        t.misses.len(),
        t.both_reject
    );
    println!(
        "rejects: environment   | {:>9} | {:>9}",
        t.env_accept, t.env_reject
    );
    println!(
        "rejects: main file needs| {:>9} | {:>9}",
        t.tree_accept, t.tree_reject
    );
    println!("  its pool directory   |           |");
    println!(
        "(of them, {} compared with a master run as nobody: no `user`, which only a root master needs)",
        unprivileged.load(Ordering::SeqCst)
    );
    println!("deliberate differences: {}", t.deliberate.len());
    for d in &t.deliberate {
        println!("  deliberate: {d}");
    }
    if std::env::var_os("CORPUS_VERBOSE").is_some() {
        for r in &t.rejected {
            println!("  both reject: {r}");
        }
        for e in &t.environment {
            println!("  environment: {e}");
        }
    }
    for m in &t.misses {
        println!("  missed: {m}");
    }
    for f in &t.false_errors {
        println!("  FALSE LOAD ERROR: {f}");
    }
    assert!(
        cases.len() >= minimum,
        "corpus too small: {} files, expected {minimum}+",
        cases.len()
    );
    assert!(
        t.false_errors.is_empty(),
        "{} false load error(s):\n{}",
        t.false_errors.len(),
        t.false_errors.join("\n")
    );
    assert!(
        t.misses.len() * 100 <= rejects * 3,
        "{} of {rejects} configuration rejections missed (more than 3 %)",
        t.misses.len()
    );
}
