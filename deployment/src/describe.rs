//! The text of `nginx-fpm-lint deployments`: what was assembled, and why.

use std::fmt::Write;
use std::path::Path;

use crate::container_fs::Source;
use crate::{Assembled, Side};

fn shown(path: &Path, repo: &Path) -> String {
    match path.strip_prefix(repo) {
        Ok(p) if p.as_os_str().is_empty() => ".".into(),
        Ok(p) => p.display().to_string(),
        Err(_) => crate::assemble::outside_of(path, repo),
    }
}

fn side(out: &mut String, role: &str, s: &Side, repo: &Path) {
    let _ = writeln!(out, "  {role}: {} ({})", s.container, s.image);
    let _ = writeln!(out, "    main file: {}", s.main.display());
    if let Some(ini) = &s.php_ini {
        use lint_source::vfs::FileSystem;
        // The official images ship no php.ini: only the conf.d fragments are read.
        let absent = if s.fs.read(ini).is_err() {
            " (absent; conf.d/*.ini beside it are read)"
        } else {
            " (then conf.d/*.ini beside it)"
        };
        let _ = writeln!(out, "    php.ini: {}{absent}", ini.display());
    }
    if let Some(v) = &s.nginx_version {
        let reference = s.image.split_whitespace().next().unwrap_or("");
        let assumed = if s.nginx_version_assumed {
            " (assumed: no image says which nginx runs these files; version questions are notes)"
                .to_string()
        } else if crate::stock::names_no_nginx_version(reference) {
            format!(" (assumed: `{reference}` names no release; the one it pointed to when this tool's data was taken)")
        } else {
            String::new()
        };
        let _ = writeln!(out, "    nginx version: {v}{assumed}");
    }
    let stock = s.fs.stock_files_in_use();
    if !stock.is_empty() {
        let mut sets: Vec<&str> = stock.iter().map(|(_, set)| *set).collect();
        sets.dedup();
        let names: Vec<String> = stock.iter().map(|(p, _)| p.display().to_string()).collect();
        let _ = writeln!(
            out,
            "    from the image ({}): {}",
            sets.join(", "),
            names.join(", ")
        );
    }
    for m in s.fs.mounts() {
        let what = match &m.source {
            Source::File(h) => shown(h, repo),
            Source::Dir { host, .. } => format!("{}/", shown(host, repo)),
            Source::Bytes { origin, .. } => origin.to_string(),
            Source::Opaque => "(content not in the repository)".into(),
            Source::FromImage => "(content not in the repository, not known; merged)".into(),
            Source::Shared(key) => match key.strip_prefix("bind:") {
                Some(host) => format!(
                    "{}/ (not in the repository: Docker creates it empty)",
                    shown(Path::new(host), repo)
                ),
                None => format!("({key}, content not in the repository)"),
            },
            Source::OverImage(key) => format!(
                "({key}: the image's files there, copied in when it is first mounted; the rest not known)"
            ),
            Source::Removed => "(removed)".into(),
            Source::Link(target) => format!("(link to {})", target.display()),
        };
        let _ = writeln!(out, "    {} ← {what}   [{}]", m.target.display(), m.why);
    }
}

/// Describes the deployments of a repository, one block each; `named` is the repository
/// as the user named it (an absolute path would make the text differ between machines).
pub fn describe(assembled: &Assembled, repo: &Path, named: &Path) -> String {
    let mut out = String::new();
    if assembled.deployments.is_empty() {
        let _ = writeln!(out, "no deployment found in {}", named.display());
    }
    for d in &assembled.deployments {
        let _ = writeln!(
            out,
            "deployment {} (from {})",
            d.name,
            shown(&d.source, repo)
        );
        if let Some(n) = &d.nginx {
            side(&mut out, "nginx", n, repo);
        }
        if let Some(f) = &d.fpm {
            side(&mut out, "php-fpm", f, repo);
        }
        let net = &d.network;
        if d.nginx.is_none() || d.fpm.is_none() {
            let _ = writeln!(out, "  network: one side only");
        } else if net.shared_loopback {
            let _ = writeln!(
                out,
                "  network: one network stack (nginx's 127.0.0.1 is php-fpm's)"
            );
        } else {
            let _ = writeln!(
                out,
                "  network: separate containers; php-fpm answers to {}",
                if net.fpm_names.is_empty() {
                    "no name".to_string()
                } else {
                    net.fpm_names.join(", ")
                }
            );
        }
        for note in &d.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        let _ = writeln!(out);
    }
    for (path, why) in &assembled.skipped {
        let _ = writeln!(out, "skipped {}: {why}", shown(path, repo));
    }
    out
}
