//! An incremental linter (what the language server keeps between keystrokes) must say
//! exactly what a fresh one says, whatever changed. Every root-mode rule fixture is
//! linted, then each of its nginx files (up to three) and one php-fpm file is cut to its
//! first half, given an unknown directive at its end and put back, the incremental
//! linter and a fresh one linting after each change: the parse trees, the load-time
//! checks' statement and server-block memos, the per-server rules' findings and the
//! php-fpm lines kept between runs are all exercised on the project's whole range of
//! shapes.

use std::path::{Path, PathBuf};

use lint_api::{Input, Linter, Report};

/// Findings as a user sees them: code, place and message (not file ids).
fn shown(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.as_ref().map(|p| {
                let file = report.sources.get(p.span.file);
                format!("{}:{}-{}", file.path.display(), p.span.start, p.span.end)
            });
            format!("{} {at:?} {}", d.code, d.message)
        })
        .collect();
    out.sort();
    out
}

fn lint(linter: &Linter, root: &Path) -> Vec<String> {
    match linter.lint(&Input::root(root)) {
        Ok(report) => shown(&report),
        Err(e) => vec![format!("error: {e}")],
    }
}

fn fixtures() -> Vec<PathBuf> {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&rules).expect("fixtures/rules") {
        let rule = rule.expect("entry").path();
        let Ok(cases) = std::fs::read_dir(&rule) else {
            continue;
        };
        for case in cases {
            let case = case.expect("entry").path();
            if case.join("etc/nginx").is_dir() && !case.join("REPOSITORY").exists() {
                out.push(case);
            }
        }
    }
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("under");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else if entry.file_type().is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("readlink");
            std::os::unix::fs::symlink(link, &target).expect("symlink");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn an_incremental_linter_finds_what_a_fresh_one_finds_on_every_fixture() {
    let cases = fixtures();
    assert!(cases.len() > 100, "{} fixtures", cases.len());
    let mut edits = 0;
    let mut changed_findings = 0;
    for case in cases {
        let dir = tempfile::tempdir().expect("tmp");
        copy_tree(&case, dir.path());
        let root = dir.path();
        let kept = Linter::default().current_dir(root).incremental();
        let fresh = || Linter::default().current_dir(root);
        let first = lint(&kept, root);
        assert_eq!(first, lint(&fresh(), root), "{}", case.display());
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("etc/nginx"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        files.truncate(3);
        // One php-fpm file too: the pools are outside every server, so a change there
        // must reach the findings kept per server.
        let mut fpm: Vec<PathBuf> = walkdir::WalkDir::new(root.join("etc/php"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        fpm.sort();
        files.extend(fpm.into_iter().rev().take(1));
        for file in &files {
            let original = std::fs::read(file).expect("read");
            let lines: Vec<&[u8]> = original.split(|b| *b == b'\n').collect();
            let half = lines[..lines.len() / 2].join(&b'\n');
            // A statement nginx does not know, reported wherever the file is spliced:
            // stale findings of a block that includes the file would miss it (in a pool
            // file, a key php-fpm does not know).
            let mut unknown = original.clone();
            if file.starts_with(root.join("etc/nginx")) {
                unknown.extend_from_slice(b"\nnot_a_directive_of_nginx on;\n");
            } else {
                unknown.extend_from_slice(b"\nnot_a_key_of_php_fpm = on\n");
            }
            // A name no module defines, used inside the file's first `server` block:
            // the variables check keeps what each block uses.
            let text = String::from_utf8_lossy(&original);
            let in_server = text
                .contains("server {")
                .then(|| {
                    text.replacen(
                        "server {",
                        "server {\n    set $memo_x $not_a_variable_of_nginx;",
                        1,
                    )
                    .into_bytes()
                })
                .into_iter();
            let texts: Vec<Vec<u8>> = [half, unknown]
                .into_iter()
                .chain(in_server)
                .chain(std::iter::once(original.clone()))
                .collect();
            for text in &texts {
                std::fs::write(file, text).expect("write");
                edits += 1;
                let incremental = lint(&kept, root);
                let from_scratch = lint(&fresh(), root);
                assert_eq!(
                    incremental,
                    from_scratch,
                    "{}: after writing {} bytes to {}",
                    case.display(),
                    text.len(),
                    file.display()
                );
                if incremental != first {
                    changed_findings += 1;
                }
            }
        }
    }
    // The edits changed what was found often: the comparisons compared something.
    assert!(edits > 300, "{edits} edits");
    assert!(
        changed_findings > edits / 5,
        "{changed_findings} of {edits}"
    );
}
