//! The 1.22 directive table against the nginx installed here (Debian's 1.22.1, which
//! carries backports: `max_headers` arrived with 1.22.1-9+deb12u11; an older revision,
//! as a mirror that was not refreshed installs, must not know it).
//!
//! For every directive of the 1.22 table whose module this nginx is built with, and
//! for every context the table allows it in, `NAME;` is written into a minimal
//! configuration in that context and `nginx -t` must neither call it an unknown
//! directive nor say it is not allowed there. Every directive the table has only
//! for the newest nginx, and every 1.22 directive of a module this nginx is built
//! without, must be unknown to it. So the table cannot drift from the nginx it
//! describes.
//!
//! Skips with a reason when nginx is missing or we are not root, unless CI=true.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use nginx_conf_parser::catalogue::{Catalogue, NginxVersion};

const MODULES_DIR: &str = "/usr/lib/nginx/modules";

fn available() -> Result<String, String> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !root {
        return Err("not root".into());
    }
    let out = Command::new("nginx")
        .arg("-V")
        .output()
        .map_err(|_| "nginx is not installed".to_string())?;
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    if !text.contains("nginx/1.22.") {
        return Err(format!(
            "the installed nginx is not 1.22: {}",
            text.lines().next().unwrap_or("")
        ));
    }
    Ok(text)
}

/// Whether this nginx has a directive's module, from the table's `build` column.
#[derive(Debug, PartialEq)]
enum Built {
    Yes {
        load: Vec<String>,
    },
    No,
    /// A dynamic module whose `.so` is not installed, or a third-party module.
    Unknown,
}

fn built(build: &str, configure: &HashSet<&str>) -> Built {
    let mut load = Vec::new();
    for cond in build.split(';').map(str::trim) {
        let cond = cond.split(',').next().unwrap_or(cond).trim();
        if cond.starts_with("third-party") || cond.starts_with("Debian package") {
            return Built::Unknown;
        }
        if let Some(platform) = cond.strip_prefix("platform:") {
            if platform.trim() != "Linux" {
                return Built::No;
            }
            continue;
        }
        if let Some(flag) = cond.strip_prefix("--without-") {
            if flag == "pcre)" {
                continue;
            }
            if configure.contains(format!("--without-{flag}").as_str()) {
                return Built::No;
            }
            continue;
        }
        if let Some(flag) = cond.strip_prefix("--with-") {
            let flag = flag.trim_end_matches("[=dynamic]");
            if configure.contains(format!("--with-{flag}").as_str()) {
                continue;
            }
            if configure.contains(format!("--with-{flag}=dynamic").as_str()) {
                let so = match flag {
                    "http_xslt_module" => "ngx_http_xslt_filter_module.so".to_string(),
                    "stream" => "ngx_stream_module.so".to_string(),
                    "mail" => "ngx_mail_module.so".to_string(),
                    other => format!("ngx_{other}.so"),
                };
                let path = Path::new(MODULES_DIR).join(&so);
                if !path.exists() {
                    return Built::Unknown;
                }
                load.push(path.display().to_string());
                continue;
            }
            return Built::No;
        }
        // always, default, "with PCRE (default when found", "with OpenSSL (...)".
    }
    Built::Yes { load }
}

/// A minimal configuration with `stmt` in `context`, or `None` for contexts not written here.
fn config_for(context: &str, stmt: &str, load: &[String]) -> Option<String> {
    let mut text: String = load
        .iter()
        .map(|so| format!("load_module {so};\n"))
        .collect();
    let body = match context {
        "main" => format!("{stmt}\nevents {{}}\n"),
        "events" => format!("events {{ {stmt} }}\n"),
        "http" => format!("events {{}}\nhttp {{ {stmt} }}\n"),
        "server" => format!("events {{}}\nhttp {{ server {{ {stmt} }} }}\n"),
        "location" => format!("events {{}}\nhttp {{ server {{ location / {{ {stmt} }} }} }}\n"),
        "if_server" => format!("events {{}}\nhttp {{ server {{ if ($uri) {{ {stmt} }} }} }}\n"),
        "if_location" => format!(
            "events {{}}\nhttp {{ server {{ location / {{ if ($uri) {{ {stmt} }} }} }} }}\n"
        ),
        "limit_except" => format!(
            "events {{}}\nhttp {{ server {{ location / {{ limit_except GET {{ {stmt} }} }} }} }}\n"
        ),
        "upstream" => {
            format!("events {{}}\nhttp {{ upstream u {{ {stmt} server 127.0.0.1:9; }} }}\n")
        }
        "stream" => format!("events {{}}\nstream {{ {stmt} }}\n"),
        "stream_server" => format!("events {{}}\nstream {{ server {{ {stmt} }} }}\n"),
        "stream_upstream" => {
            format!("events {{}}\nstream {{ upstream u {{ {stmt} server 127.0.0.1:9; }} }}\n")
        }
        "mail" => format!("events {{}}\nmail {{ {stmt} }}\n"),
        "mail_server" => format!("events {{}}\nmail {{ server {{ {stmt} }} }}\n"),
        _ => return None,
    };
    text.push_str(&body);
    Some(text)
}

/// `nginx -t`'s stderr for `text`.
fn nginx_t(dir: &Path, text: &str) -> String {
    std::fs::create_dir_all(dir).expect("mkdir");
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, text).expect("write");
    let out = Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(&conf)
        .output()
        .expect("nginx runs");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `N` of the installed package's `+deb12uN` (Debian's stable updates), if any.
fn installed_debian_update() -> Option<u32> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "nginx-common"])
        .output()
        .ok()?;
    update_number(&String::from_utf8_lossy(&out.stdout))
}

/// The `N` of `+deb12uN` in a version or a table note.
fn update_number(text: &str) -> Option<u32> {
    let rest = &text[text.find("+deb12u")? + "+deb12u".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[test]
fn update_numbers_are_read_from_versions_and_notes() {
    assert_eq!(update_number("1.22.1-9+deb12u7"), Some(7));
    assert_eq!(
        update_number("backported by Debian in 1.22.1-9+deb12u11 (upstream 1.29.8)"),
        Some(11)
    );
    assert_eq!(update_number("1.22.1-9"), None);
}

struct Probe {
    name: &'static str,
    context: String,
    text: String,
    /// True: nginx must know the directive in this context; false: it must not know it.
    known: bool,
}

#[test]
fn the_1_22_table_matches_the_installed_nginx() {
    let version = match available() {
        Ok(v) => v,
        Err(reason) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("the catalogue test must run in CI: {reason}");
            }
            eprintln!("skipping the catalogue test against nginx: {reason}");
            return;
        }
    };
    let configure: HashSet<&str> = version.split_whitespace().collect();
    let installed = installed_debian_update();
    let old = Catalogue::get(NginxVersion::V1_22);
    let new = Catalogue::get(NginxVersion::Latest);
    let mut probes = Vec::new();
    let mut skipped = BTreeSet::new();
    let mut old_names: Vec<&'static str> = old.names().collect();
    old_names.sort();
    for name in &old_names {
        let rows: Vec<_> = old
            .lookup(name)
            .iter()
            .filter(|r| r.third_party.is_none())
            .collect();
        if rows.is_empty() {
            continue;
        }
        let verdicts: Vec<Built> = rows.iter().map(|r| built(r.build, &configure)).collect();
        if verdicts.iter().all(|v| *v == Built::No) {
            if let Some(text) = config_for("main", &format!("{name};"), &[]) {
                probes.push(Probe {
                    name,
                    context: "main".into(),
                    text,
                    known: false,
                });
            }
            continue;
        }
        for (row, verdict) in rows.iter().zip(&verdicts) {
            // A Debian backport newer than the installed package: nginx must not know it yet.
            let not_yet = update_number(row.notes)
                .zip(installed)
                .is_some_and(|(needed, have)| have < needed);
            if not_yet && matches!(verdict, Built::Yes { .. }) {
                if let Some(text) = config_for("main", &format!("{name};"), &[]) {
                    probes.push(Probe {
                        name,
                        context: "main".into(),
                        text,
                        known: false,
                    });
                }
                continue;
            }
            match verdict {
                Built::Yes { load } => {
                    for context in &row.contexts {
                        let stmt = format!("{name};");
                        match config_for(context, &stmt, load) {
                            Some(text) => probes.push(Probe {
                                name,
                                context: context.to_string(),
                                text,
                                known: true,
                            }),
                            None => {
                                skipped.insert(format!("{name} in {context}"));
                            }
                        }
                    }
                }
                Built::Unknown => {
                    skipped.insert(format!("{name} ({})", row.build));
                }
                Built::No => {}
            }
        }
    }
    let mut new_only: Vec<&'static str> = new
        .names()
        .filter(|n| old.lookup(n).is_empty())
        .filter(|n| new.lookup(n).iter().any(|r| r.third_party.is_none()))
        .collect();
    new_only.sort();
    for name in new_only {
        if let Some(text) = config_for("main", &format!("{name};"), &[]) {
            probes.push(Probe {
                name,
                context: "main".into(),
                text,
                known: false,
            });
        }
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for worker in 0..4 {
            let (tmp, next, failures, probes) = (&tmp, &next, &failures, &probes);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(probe) = probes.get(i) else { break };
                let dir: PathBuf = tmp.path().join(format!("w{worker}"));
                let stderr = nginx_t(&dir, &probe.text);
                let unknown = stderr.contains(&format!("unknown directive \"{}\"", probe.name));
                let not_here =
                    stderr.contains(&format!("\"{}\" directive is not allowed here", probe.name));
                let wrong = if probe.known {
                    (unknown || not_here).then(|| {
                        format!(
                            "the 1.22 table allows \"{}\" in {}, nginx says: {}",
                            probe.name,
                            probe.context,
                            stderr.lines().find(|l| l.contains("emerg")).unwrap_or("")
                        )
                    })
                } else {
                    (!unknown).then(|| {
                        format!(
                            "the 1.22 table lacks \"{}\", nginx knows it: {}",
                            probe.name,
                            stderr.lines().find(|l| l.contains("emerg")).unwrap_or("")
                        )
                    })
                };
                if let Some(w) = wrong {
                    failures.lock().expect("lock").push(w);
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    let known = probes.iter().filter(|p| p.known).count();
    println!(
        "catalogue vs nginx -t: {} probes ({known} directive/context pairs nginx must know, {} names it must not); skipped (module not installed here): {}",
        probes.len(),
        probes.len() - known,
        skipped.len()
    );
    let mut reasons: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in &skipped {
        let reason = s
            .split_once(" (")
            .map_or("context not written here", |(_, r)| r);
        *reasons.entry(reason.trim_end_matches(')')).or_default() += 1;
    }
    for (reason, n) in reasons {
        println!("  skipped {n}: {reason}");
    }
    assert!(known >= 600, "too few probes: {known}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
