//! Helpers shared by the test suites: file trees, whether the real nginx and php-fpm
//! can be run here, where the real-world corpus lives, and the sandbox that runs them
//! on materialized deployments ([`sandbox`]). Tests only; never a dependency of a
//! library crate.
#![forbid(unsafe_code)]

pub mod sandbox;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every file under `dir` (symbolic links to files count: sites-enabled), sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// Copies every file under `from` to the same relative path under `to`.
///
/// # Panics
/// On an I/O error (a test's own temp dir).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in files(from) {
        let rel = entry.strip_prefix(from).expect("inside the tree");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(&entry, &dest).expect("copy");
    }
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `php-fpm8.2 -t -y conf`: whether it refused the file, and what it printed (its log
/// goes to stderr; stdout after it).
pub fn php_fpm_t(conf: &Path) -> (bool, String) {
    let real = Command::new("php-fpm8.2")
        .args(["-t", "-y"])
        .arg(conf)
        .output()
        .expect("run php-fpm");
    let printed =
        String::from_utf8_lossy(&real.stderr).into_owned() + &String::from_utf8_lossy(&real.stdout);
    (!real.status.success(), printed)
}

/// `Ok` when the suite can run the real programs: root (they switch users and bind
/// sockets) and every binary answers `-v`; else why not, for the skip message.
pub fn real_binaries(binaries: &[&str]) -> Result<(), String> {
    if !is_root() {
        return Err("not root (nginx and php-fpm must switch users)".into());
    }
    for bin in binaries {
        let works = Command::new(bin)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !works {
            return Err(format!("{bin} is not installed"));
        }
    }
    Ok(())
}

/// True when the real `binaries` can run ([`real_binaries`]); otherwise prints why and
/// the suite skips, except in CI, where a differential suite must run: a missing binary
/// there fails instead of passing silently.
pub fn binaries_or_skip(suite: &str, binaries: &[&str]) -> bool {
    match real_binaries(binaries) {
        Ok(()) => true,
        Err(reason) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{suite} must run in CI: {reason}")
        }
        Err(reason) => {
            eprintln!("skipping {suite}: {reason}");
            false
        }
    }
}

/// The real-world corpus: `NGINX_FPM_LINT_CORPUS`, else `fixtures/corpus` of the
/// workspace, when it holds a `kind` directory (`nginx`, `fpm`).
///
/// # Panics
/// When `NGINX_FPM_LINT_CORPUS` is set and names no corpus of that kind: whoever set
/// it (CI, after `.ci/debian-corpus`) means the corpus test to run, so a missing
/// corpus is an error there, not a skip.
pub fn corpus_dir(workspace: &Path, kind: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("NGINX_FPM_LINT_CORPUS") {
        let dir = PathBuf::from(d);
        assert!(
            dir.join(kind).is_dir() && dir.join("SOURCES.tsv").is_file(),
            "NGINX_FPM_LINT_CORPUS={} has no {kind}/ directory and SOURCES.tsv (see docs/corpus.md)",
            dir.display()
        );
        return Some(dir);
    }
    let dir = workspace.join("fixtures/corpus");
    dir.join(kind).is_dir().then_some(dir)
}

/// The files of one kind of a corpus, checked against its manifest `SOURCES.tsv`
/// (`file`, `repo`, `path`, `commit`, `licence`, `licence_file`; `file` is `kind/name`).
#[derive(Debug)]
pub struct CorpusFiles {
    /// The corpus files of the kind, sorted.
    pub files: Vec<PathBuf>,
    /// Every row of the kind names a Debian package (`debian:PACKAGE`,
    /// `debian-source:PACKAGE`): the corpus
    /// `.ci/debian-corpus` builds, smaller than the one from public repositories.
    pub debian_only: bool,
}

/// Lists `dir/kind/` and checks it against `dir/SOURCES.tsv`: every file has its row
/// (where it comes from and under which licence) and every row of the kind its file
/// (a corpus that was only partly fetched fails here, not in a count).
///
/// # Errors
/// What does not match, for the test's panic message.
pub fn corpus_files(dir: &Path, kind: &str) -> Result<CorpusFiles, String> {
    let manifest = std::fs::read_to_string(dir.join("SOURCES.tsv"))
        .map_err(|e| format!("{}: {e}", dir.join("SOURCES.tsv").display()))?;
    let prefix = format!("{kind}/");
    let mut rows = std::collections::BTreeMap::new();
    for (i, line) in manifest.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 6 {
            return Err(format!(
                "SOURCES.tsv:{}: {} columns, not 6",
                i + 1,
                cols.len()
            ));
        }
        if let Some(name) = cols[0].strip_prefix(&prefix) {
            // `debian:PACKAGE` (a binary package's file) or `debian-source:PACKAGE` (a
            // source package's, .ci/debian-corpus).
            rows.insert(
                name.to_string(),
                cols[1].starts_with("debian:") || cols[1].starts_with("debian-source:"),
            );
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(kind))
        .map_err(|e| format!("{}: {e}", dir.join(kind).display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let names: std::collections::BTreeSet<String> = files
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let unlisted: Vec<&String> = names.iter().filter(|n| !rows.contains_key(*n)).collect();
    let absent: Vec<&String> = rows.keys().filter(|n| !names.contains(*n)).collect();
    if !unlisted.is_empty() || !absent.is_empty() {
        return Err(format!(
            "{kind}/ and SOURCES.tsv differ: not in SOURCES.tsv {unlisted:?}; listed but absent {absent:?}"
        ));
    }
    Ok(CorpusFiles {
        files,
        debian_only: !rows.is_empty() && rows.values().all(|d| *d),
    })
}
