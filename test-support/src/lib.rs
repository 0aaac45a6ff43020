//! Helpers shared by the test suites: file trees, whether the real nginx and php-fpm
//! can be run here, and where the real-world corpus lives. Tests only; never a
//! dependency of a library crate.
#![forbid(unsafe_code)]

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

/// The real-world corpus: `NGINX_FPM_LINT_CORPUS`, else `fixtures/corpus` of the
/// workspace, when it holds a `kind` directory (`nginx`, `fpm`).
pub fn corpus_dir(workspace: &Path, kind: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("NGINX_FPM_LINT_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => workspace.join("fixtures/corpus"),
    };
    dir.join(kind).is_dir().then_some(dir)
}
