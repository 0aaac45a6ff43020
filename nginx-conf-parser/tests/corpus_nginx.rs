//! Real-world differential corpus: public nginx configurations (see
//! fixtures/corpus/SOURCES.tsv and docs/corpus.md) classified by the real
//! `nginx -t` (Debian's 1.22.1) and by our load-time checks.
//!
//! Each file is assembled into a temp tree the way nginx would load it: a whole
//! `nginx.conf` (our context inference says `main`) is the main file; a snippet
//! is included from a wrapper at the context we infer (`http`, `server` or
//! `location`). So that `nginx -t` fails only for configuration reasons:
//! - absolute file paths of file-loading directives (include, certificates,
//!   logs, temp and cache paths) are moved under the case's root (a prefix
//!   inserted in place: line numbers stay), and Debian's stock files
//!   (`mime.types`, `fastcgi_params`, `snippets/…`) are copied there;
//! - an include naming a file that is not there gets an empty stub, and every
//!   certificate, key, DH-parameter and ticket-key path gets a generated file;
//! - nginx runs in a private mount namespace whose `/etc/passwd`, `/etc/group`
//!   and `/etc/hosts` also know the users and upstream host names the corpus
//!   names (on the real box they exist; here they would fail the lookup).
//!
//! What nginx still rejects for a reason outside the configuration (a module
//! Debian does not build, a certificate path built from variables…) is counted
//! as "environment" and kept out of the comparison. The corpus itself is not in
//! the repository (it is third-party material): the test runs over the
//! directory named by `NGINX_FPM_LINT_CORPUS` (or `fixtures/corpus/` when a
//! copy was put there) and skips with a reason when there is none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use lint_source::{FileKind, Severity, SourceMap};
use nginx_conf_parser::catalogue::{Catalogue, NginxVersion};
use nginx_conf_parser::check::{check, infer_context, CheckOptions};
use nginx_conf_parser::{load, parse_file, Config, Directive, LoadOptions};

/// Files where we reject and nginx accepts, or the reverse, on purpose or while
/// another change is under way: (corpus file name, reason).
const DELIBERATE: &[(&str, &str)] = &[];

/// Directives whose first argument is a file nginx opens, creates or loads at `-t`.
const FILE_ARG: &[&str] = &[
    "include",
    "ssl_certificate",
    "ssl_certificate_key",
    "ssl_trusted_certificate",
    "ssl_client_certificate",
    "ssl_dhparam",
    "ssl_crl",
    "ssl_password_file",
    "ssl_session_ticket_key",
    "ssl_stapling_file",
    "access_log",
    "error_log",
    "pid",
    "lock_file",
    "client_body_temp_path",
    "proxy_temp_path",
    "fastcgi_temp_path",
    "uwsgi_temp_path",
    "scgi_temp_path",
    "proxy_cache_path",
    "fastcgi_cache_path",
    "uwsgi_cache_path",
    "scgi_cache_path",
    "working_directory",
];

/// Directives whose first argument may name a host nginx resolves while loading.
const HOST_ARG: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
    "listen",
    "server",
];

/// nginx messages that, for a snippet, mean "defined elsewhere in its tree" (a
/// `log_format`, `upstream`, zone or inherited certificate of the nginx.conf it
/// belongs to): the snippet is fine where it is included, not on its own.
const NEEDS_TREE: &[&str] = &[
    "unknown log format",
    "no port in upstream",
    "zero size shared memory zone",
    "is unknown",
    "no \"ssl_certificate\" is defined",
];

/// Classes another change is fixing (recorded as "known, being fixed", not counted):
/// our codes, or nginx messages when we miss them.
const KNOWN_OURS: &[(&str, &str)] = &[
    (
        "NGX014",
        "empty comparisons in `if` (`$x = \"\"`), being fixed",
    ),
    (
        "NGX019",
        "PCRE-only regex syntax, moving to pcre2, being fixed",
    ),
    ("max_headers", "max_headers on 1.22, being fixed"),
];
const KNOWN_NGINX: &[(&str, &str)] = &[("variable", "unknown variables, being fixed")];

/// nginx messages that mean "not this configuration's fault".
const ENVIRONMENT: &[&str] = &[
    "getpwnam(",
    "getgrnam(",
    "host not found",
    "dlopen()",
    "cannot load certificate",
    "PEM_read_bio",
    "BIO_new_file",
    "SSL_CTX_use",
    "SSL_CTX_load_verify_locations",
    "X509_",
    "open() \"",
    "mkdir() \"",
    "GeoIP",
];

fn available() -> Result<(), String> {
    test_support::real_binaries(&["nginx"])
}

/// The corpus directory: `NGINX_FPM_LINT_CORPUS`, else `fixtures/corpus` when it holds files.
pub fn corpus_dir() -> Option<PathBuf> {
    test_support::corpus_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."), "nginx")
}

#[derive(Default)]
struct Case {
    name: String,
    dir: PathBuf,
    context: &'static str,
    /// An include of this file names files that are not in the corpus tree (stubbed or
    /// unmatched globs): definitions it relies on may live there.
    partial: bool,
}

/// Shared facts gathered while assembling: names to add to the namespace's files.
#[derive(Default)]
struct Needs {
    users: BTreeSet<String>,
    groups: BTreeSet<String>,
    hosts: BTreeSet<String>,
}

struct Material {
    cert: Vec<u8>,
    key: Vec<u8>,
    dh: Vec<u8>,
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?} failed");
    out.stdout
}

fn material(tmp: &Path) -> Material {
    let key = tmp.join("key.pem");
    let cert = tmp.join("cert.pem");
    let (k, c) = (
        key.to_string_lossy().into_owned(),
        cert.to_string_lossy().into_owned(),
    );
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=corpus.test",
        "-days",
        "3650",
        "-keyout",
        &k,
        "-out",
        &c,
    ]);
    Material {
        cert: std::fs::read(&cert).expect("cert"),
        key: std::fs::read(&key).expect("key"),
        dh: openssl(&[
            "genpkey",
            "-genparam",
            "-algorithm",
            "DH",
            "-pkeyopt",
            "dh_param:ffdhe2048",
        ]),
    }
}

fn walk_directives<'a>(ds: &'a [Directive], out: &mut Vec<&'a Directive>) {
    for d in ds {
        out.push(d);
        if let Some(b) = &d.block {
            walk_directives(&b.directives, out);
        }
    }
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
        || host.starts_with('[')
        || host == "*"
        || host.chars().all(|c| c.is_ascii_digit())
}

/// The host part of a `proxy_pass`/`server`/`listen` argument, when nginx resolves it.
fn host_of(arg: &str) -> Option<String> {
    if arg.contains('$') || arg.starts_with("unix:") || arg.contains('=') {
        return None;
    }
    let rest = arg.split_once("://").map_or(arg, |(_, r)| r);
    let host = rest.split(['/', '?']).next()?;
    let host = if host.starts_with('[') {
        return None;
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    (!host.is_empty() && !is_ip(host) && host.contains(|c: char| c.is_ascii_alphabetic()))
        .then(|| host.to_ascii_lowercase())
}

/// Assembles one corpus file into `dir`; returns its inferred context.
fn assemble(
    file: &Path,
    dir: &Path,
    stock: &[(PathBuf, Vec<u8>)],
    mat: &Material,
    needs: &Mutex<Needs>,
) -> (&'static str, bool) {
    let root = dir.join("root");
    let etc = root.join("etc/nginx");
    for (rel, bytes) in stock {
        let p = etc.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("stock");
    }
    std::fs::create_dir_all(root.join("logs")).expect("logs");
    let bytes = std::fs::read(file).expect("corpus file");
    let map = SourceMap::new();
    let id = map.add_text(file, FileKind::Nginx, &bytes);
    let (parsed, _) = parse_file(id, Arc::from(bytes.as_slice()));
    let parsed = Arc::new(parsed);
    let mut config = Config::default();
    config.root = Some(id);
    config.files.insert(id, parsed.clone());
    let context = infer_context(&config, NginxVersion::V1_22);
    let context = match context {
        "main" | "http" | "server" | "location" => context,
        _ => "http",
    };
    let prefix = root.to_string_lossy().into_owned();
    let mut inserts: Vec<usize> = Vec::new();
    let mut creates: Vec<(PathBuf, &'static str)> = Vec::new();
    let mut list = Vec::new();
    walk_directives(&parsed.directives, &mut list);
    let mut in_upstream_servers = BTreeSet::new();
    for d in &list {
        if parsed.str(&d.name) == "upstream" {
            if let Some(b) = &d.block {
                for s in &b.directives {
                    in_upstream_servers.insert(s.span.start);
                }
            }
        }
    }
    let utf8 = std::str::from_utf8(&bytes).is_ok();
    let mut needs_local = Needs::default();
    for d in &list {
        let name = parsed.str(&d.name);
        let arg = |i: usize| d.args.get(i).map(|t| parsed.str(t).into_owned());
        if name == "user" {
            if let Some(u) = arg(0) {
                needs_local.users.insert(u.clone());
                needs_local.groups.insert(arg(1).unwrap_or(u));
            }
        }
        if HOST_ARG.contains(&name.as_ref()) {
            let is_upstream_server =
                name != "server" || in_upstream_servers.contains(&d.span.start);
            // `listen NAME` is mostly a template placeholder (`listen VALET_HTTP_PORT;`):
            // only names that look like real host names get an address.
            let real_name = |a: &str| {
                name != "listen"
                    || (a.contains('.') && !a.contains(|c: char| c.is_ascii_uppercase()))
            };
            if is_upstream_server {
                if let Some(h) = arg(0).filter(|a| real_name(a)).and_then(|a| host_of(&a)) {
                    needs_local.hosts.insert(h);
                }
            }
        }
        if name == "resolver" {
            for a in d.args.iter().map(|t| parsed.str(t)) {
                if let Some(h) = host_of(&a) {
                    needs_local.hosts.insert(h);
                }
            }
        }
        if !FILE_ARG.contains(&name.as_ref()) {
            continue;
        }
        let Some(tok) = d.args.first() else { continue };
        let value = parsed.str(tok).into_owned();
        if value.contains('$')
            || value == "off"
            || value == "stderr"
            || value.starts_with("syslog:")
            || value.starts_with("memory:")
        {
            continue;
        }
        let kind: &'static str = match name.as_ref() {
            "include" => "stub",
            "ssl_certificate" | "ssl_trusted_certificate" | "ssl_client_certificate" => "cert",
            "ssl_certificate_key" => "key",
            "ssl_dhparam" => "dh",
            "ssl_session_ticket_key" => "ticket",
            "ssl_password_file" => "password",
            n if n.ends_with("_temp_path")
                || n.ends_with("_cache_path")
                || n == "working_directory" =>
            {
                "dir"
            }
            _ => "parent",
        };
        let target = if let Some(rest) = value.strip_prefix('/') {
            if utf8 {
                inserts.push(tok.inner_span().start as usize);
            }
            root.join(rest)
        } else if matches!(kind, "stub" | "cert" | "key" | "dh" | "ticket" | "password") {
            // Relative to the directory of nginx.conf.
            etc.join(&value)
        } else {
            root.join(&value)
        };
        creates.push((target, kind));
    }
    // Insert the root prefix in front of absolute paths, last first so offsets hold.
    let mut text = bytes.clone();
    inserts.sort_unstable();
    inserts.dedup();
    for at in inserts.into_iter().rev() {
        text.splice(at..at, prefix.bytes());
    }
    let main = etc.join("nginx.conf");
    let snippet = etc.join("corpus.conf");
    let (main_text, own) = match context {
        "main" => (text, &main),
        "http" => {
            std::fs::write(&snippet, &text).expect("snippet");
            (
                format!(
                    "events {{}}\nhttp {{\n    include {};\n}}\n",
                    snippet.display()
                )
                .into_bytes(),
                &snippet,
            )
        }
        "server" => {
            std::fs::write(&snippet, &text).expect("snippet");
            (
                format!(
                    "events {{}}\nhttp {{\n    server {{\n        include {};\n    }}\n}}\n",
                    snippet.display()
                )
                .into_bytes(),
                &snippet,
            )
        }
        _ => {
            std::fs::write(&snippet, &text).expect("snippet");
            (
                format!(
                    "events {{}}\nhttp {{\n    server {{\n        location / {{\n            include {};\n        }}\n    }}\n}}\n",
                    snippet.display()
                )
                .into_bytes(),
                &snippet,
            )
        }
    };
    if context == "main" {
        std::fs::write(&main, &main_text).expect("main");
    } else {
        std::fs::write(&main, &main_text).expect("wrapper");
    }
    let _ = own;
    let mut partial = false;
    let mut certs = BTreeMap::<PathBuf, Vec<u8>>::new();
    for (path, kind) in creates {
        let glob = path.to_string_lossy().contains(['*', '?', '[']);
        match kind {
            "stub" if glob => {
                partial |= !stock.iter().any(|(rel, _)| {
                    glob::Pattern::new(&path.to_string_lossy())
                        .is_ok_and(|p| p.matches_path(&etc.join(rel)))
                });
            }
            "stub" if !path.exists() => {
                partial = true;
                let _ = std::fs::create_dir_all(path.parent().expect("parent"));
                let _ = std::fs::write(&path, b"");
            }
            "cert" => certs.entry(path).or_default().extend_from_slice(&mat.cert),
            "key" => certs.entry(path).or_default().extend_from_slice(&mat.key),
            "dh" => {
                certs.insert(path, mat.dh.clone());
            }
            "ticket" => {
                certs.insert(path, vec![7u8; 80]);
            }
            "password" => {
                certs.insert(path, b"corpus\n".to_vec());
            }
            "dir" => {
                let _ = std::fs::create_dir_all(path.parent().expect("parent"));
            }
            "parent" => {
                let _ = std::fs::create_dir_all(path.parent().expect("parent"));
            }
            _ => {}
        }
    }
    for (path, bytes) in certs {
        let _ = std::fs::create_dir_all(path.parent().expect("parent"));
        let _ = std::fs::write(&path, bytes);
    }
    let mut n = needs.lock().expect("lock");
    n.users.extend(needs_local.users);
    n.groups.extend(needs_local.groups);
    n.hosts.extend(needs_local.hosts);
    (context, partial)
}

/// `/etc/passwd`, `/etc/group` and `/etc/hosts` for the namespace nginx runs in.
fn namespace_files(tmp: &Path, needs: &Needs) -> Option<[PathBuf; 3]> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let group = std::fs::read_to_string("/etc/group").ok()?;
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
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
    for (i, gr) in needs.groups.iter().enumerate() {
        if !known(&group, gr) && !gr.contains([':', '\n']) {
            g.push_str(&format!("{gr}:x:{}:\n", 62000 + i));
        }
    }
    let mut h = hosts;
    for host in &needs.hosts {
        h.push_str(&format!("127.0.0.1 {host}\n"));
    }
    let files = [tmp.join("passwd"), tmp.join("group"), tmp.join("hosts")];
    for (path, text) in files.iter().zip([p, g, h]) {
        std::fs::write(path, text).ok()?;
    }
    // Does this box let us make a private mount namespace?
    let ok = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount --bind \"$1\" /etc/hosts", "sh"])
        .arg(&files[2])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some(files)
}

fn nginx_verdict(dir: &Path, ns: Option<&[PathBuf; 3]>) -> (bool, Option<(PathBuf, u32)>, String) {
    let root = dir.join("root");
    let conf = root.join("etc/nginx/nginx.conf");
    let error_log = format!("error_log {}/error.log;", dir.display());
    let mut cmd = match ns {
        Some([passwd, group, hosts]) => {
            let mut c = Command::new("unshare");
            c.args([
                "-m",
                "sh",
                "-c",
                "mount --bind \"$1\" /etc/passwd && mount --bind \"$2\" /etc/group && mount --bind \"$3\" /etc/hosts && shift 3 && exec nginx \"$@\"",
                "sh",
            ])
            .arg(passwd)
            .arg(group)
            .arg(hosts);
            c
        }
        None => Command::new("nginx"),
    };
    let out = cmd
        .arg("-t")
        .arg("-p")
        .arg(format!("{}/", root.display()))
        .arg("-c")
        .arg(&conf)
        .arg("-g")
        .arg(error_log)
        .output()
        .expect("nginx runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let location = stderr
        .lines()
        .find(|l| l.contains("[emerg]"))
        .and_then(|l| {
            let (_, rest) = l.rsplit_once(" in ")?;
            let (file, line) = rest.rsplit_once(':')?;
            Some((PathBuf::from(file), line.trim().parse().ok()?))
        });
    (out.status.success(), location, stderr)
}

fn our_verdict(dir: &Path) -> Vec<(PathBuf, u32, String)> {
    let map = SourceMap::new();
    let config = load(
        &dir.join("root/etc/nginx/nginx.conf"),
        &LoadOptions::default(),
        &map,
    );
    let mut diags = config.diagnostics.clone();
    diags.extend(check(
        &config,
        &CheckOptions {
            version: NginxVersion::V1_22,
            context: Some("main".into()),
            ..Default::default()
        },
        &map,
    ));
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| {
            let p = d.primary.as_ref()?;
            let spans = std::iter::once(p.span).chain(d.related.iter().map(|r| r.span));
            Some(
                spans
                    .flat_map(|s| {
                        let f = map.get(s.file);
                        let msg = format!("{} {}", d.code, d.message);
                        [
                            (f.path.clone(), f.line_col(s.start).line, msg.clone()),
                            (f.path.clone(), f.line_col(s.end).line, msg),
                        ]
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect()
}

fn stock_files() -> Vec<(PathBuf, Vec<u8>)> {
    let base = Path::new("/etc/nginx");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(base)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry
            .path()
            .strip_prefix(base)
            .unwrap_or(entry.path())
            .to_path_buf();
        // The stock nginx.conf and site lists would be read instead of the corpus file.
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if rel == Path::new("nginx.conf")
            || matches!(
                first.as_deref(),
                Some(
                    "sites-enabled"
                        | "sites-available"
                        | "conf.d"
                        | "modules-enabled"
                        | "modules-available"
                )
            )
        {
            continue;
        }
        if entry.file_type().is_file() {
            if let Ok(bytes) = std::fs::read(entry.path()) {
                out.push((rel, bytes));
            }
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    both_accept: usize,
    both_reject: usize,
    same_line: usize,
    false_errors: Vec<String>,
    misses: Vec<String>,
    env_accept: usize,
    env_reject: usize,
    deliberate: Vec<String>,
    known: Vec<String>,
    rejected: Vec<String>,
    tree_accept: usize,
    tree_reject: usize,
}

#[test]
fn real_world_corpus_agrees_with_nginx_t() {
    if let Err(reason) = available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the corpus test must run in CI: {reason}");
        }
        eprintln!("skipping the nginx corpus test: {reason}");
        return;
    }
    let Some(corpus) = corpus_dir() else {
        println!("skipping the nginx corpus test: no corpus (set NGINX_FPM_LINT_CORPUS to a directory with nginx/ and SOURCES.tsv, see docs/corpus.md)");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("nginx"))
        .expect("corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let tmp = tempfile::tempdir().expect("tmp");
    let mat = material(tmp.path());
    let stock = stock_files();
    let needs = Mutex::new(Needs::default());
    let cases: Vec<Case> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let dir = tmp.path().join(format!("c{i}"));
            let (context, partial) = assemble(f, &dir, &stock, &mat, &needs);
            Case {
                partial,
                name: f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                dir,
                context,
            }
        })
        .collect();
    let ns = namespace_files(tmp.path(), &needs.lock().expect("lock"));
    if ns.is_none() {
        println!("note: no private mount namespace here: missing users/hosts count as environment");
    }
    let catalogue = Catalogue::get(NginxVersion::V1_22);
    let tally = Mutex::new(Tally::default());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let (ok_real, location, stderr) = nginx_verdict(&case.dir, ns.as_ref());
                let errors = our_verdict(&case.dir);
                let ok_ours = errors.is_empty();
                let emerg = stderr
                    .lines()
                    .find(|l| l.contains("[emerg]"))
                    .unwrap_or("")
                    .to_string();
                let module_missing = emerg
                    .split_once("unknown directive \"")
                    .and_then(|(_, r)| r.split_once('"'))
                    .is_some_and(|(n, _)| !catalogue.lookup(n).is_empty());
                let environment =
                    !ok_real && (module_missing || ENVIRONMENT.iter().any(|p| emerg.contains(p)));
                let needs_tree = !ok_real
                    && (case.context != "main" || case.partial)
                    && NEEDS_TREE.iter().any(|p| emerg.contains(p));
                let known_ours = !errors.is_empty()
                    && errors
                        .iter()
                        .all(|e| KNOWN_OURS.iter().any(|(k, _)| e.2.contains(k)));
                let known_nginx = !ok_real
                    && emerg.contains("unknown \"")
                    && KNOWN_NGINX.iter().any(|(k, _)| emerg.contains(k));
                let deliberate = DELIBERATE.iter().find(|(n, _)| *n == case.name);
                let mut t = tally.lock().expect("lock");
                let ours: Vec<&str> = errors
                    .iter()
                    .map(|e| e.2.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let line = format!(
                    "{} [{}]: nginx: {} | we: {:?}",
                    case.name,
                    case.context,
                    emerg.trim(),
                    ours
                );
                match (ok_real, ok_ours, environment) {
                    (_, _, _) if deliberate.is_some() => t.deliberate.push(line),
                    (true, true, _) => t.both_accept += 1,
                    (true, false, _) if known_ours => t.known.push(line),
                    (true, false, _) => t.false_errors.push(line),
                    (false, _, false) if needs_tree => {
                        if ok_ours {
                            t.tree_accept += 1
                        } else {
                            t.tree_reject += 1
                        }
                    }
                    (false, true, false) if known_nginx => t.known.push(line),
                    (false, _, true) => {
                        if ok_ours {
                            t.env_accept += 1
                        } else {
                            t.env_reject += 1
                        }
                    }
                    (false, true, false) => t.misses.push(line),
                    (false, false, false) => {
                        t.both_reject += 1;
                        t.rejected.push(line.clone());
                        if let Some((file, l)) = &location {
                            if errors.iter().any(|(f, el, _)| f == file && el == l) {
                                t.same_line += 1;
                            }
                        }
                    }
                }
            });
        }
    });
    let t = tally.into_inner().expect("lock");
    let rejects = t.both_reject + t.misses.len();
    let accepts = t.both_accept + t.false_errors.len();
    let mut contexts = BTreeMap::<&str, usize>::new();
    for c in &cases {
        *contexts.entry(c.context).or_default() += 1;
    }
    println!("nginx corpus: {} files ({contexts:?})", cases.len());
    println!("                       | we accept | we reject");
    println!(
        "nginx -t accepts       | {:>9} | {:>9}",
        t.both_accept,
        t.false_errors.len()
    );
    println!(
        "nginx -t rejects       | {:>9} | {:>9}  (same line: {})",
        t.misses.len(),
        t.both_reject,
        t.same_line
    );
    println!(
        "rejects: environment   | {:>9} | {:>9}",
        t.env_accept, t.env_reject
    );
    println!(
        "rejects: snippet needs | {:>9} | {:>9}",
        t.tree_accept, t.tree_reject
    );
    println!("  the rest of its tree |           |");
    println!("known, being fixed elsewhere: {}", t.known.len());
    for k in &t.known {
        println!("  known: {k}");
    }
    println!("deliberate differences: {}", t.deliberate.len());
    for d in &t.deliberate {
        println!("  deliberate: {d}");
    }
    if std::env::var_os("CORPUS_VERBOSE").is_some() {
        for r in &t.rejected {
            println!("  both reject: {r}");
        }
    }
    for m in &t.misses {
        println!("  missed: {m}");
    }
    for f in &t.false_errors {
        println!("  FALSE LOAD ERROR: {f}");
    }
    assert!(cases.len() >= 300, "corpus too small: {}", cases.len());
    assert!(accepts > 0 && rejects > 0);
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
