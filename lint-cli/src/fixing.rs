//! `--fix`, `--diff` and `--unsafe-fixes`: the command line's side of fixing. Choosing,
//! applying and writing edits is the lint-fix crate's; this module only lints (through
//! lint-api, as a report does: suppressions, `--select`, `--ignore` and the config file
//! apply, so a finding that is not reported is not fixed) and says what happened.

use std::io::Write;
use std::path::{Path, PathBuf};

use lint_source::{Diagnostic, SourceMap};

use crate::args::Args;

/// Runs `--diff` (prints the total change of every pass `--fix` would make, computed in
/// memory, writes nothing, returns the exit code: 1 when there is something to fix) or `--fix` (applies them, says what it did on
/// stderr, returns `None`: the report of what is left follows).
pub(crate) fn run(args: &Args, cwd: &Path, out: &mut dyn Write) -> Result<Option<u8>, String> {
    if !args.fix && !args.diff {
        return Ok(None);
    }
    // Read once: a dump on stdin cannot be read again by the next pass.
    let input = crate::input(args)?;
    let options = lint_fix::FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        roots: roots(args, cwd),
    };
    if args.diff {
        // Every pass --fix would make, in memory: each re-lint reads the previous pass's
        // bytes instead of the files, so the diff is the total change.
        let preview = lint_fix::preview(
            |buffers| {
                let mut input = input.clone();
                input.buffers = buffers;
                lint_once(args, cwd, &input)
            },
            &options,
        )?;
        let summary = &preview.summary;
        for r in &summary.refused {
            eprintln!("note: {r}");
        }
        write!(out, "{}", lint_fix::unified_diff(&preview.files, cwd))
            .map_err(|e| e.to_string())?;
        let fixes = summary.fixed.len();
        eprintln!(
            "{fixes} fix{} in {} file(s){}{}{}",
            if fixes == 1 { "" } else { "es" },
            preview.files.len(),
            if summary.passes > 1 {
                format!(" over {} passes", summary.passes)
            } else {
                String::new()
            },
            if summary.left_over > 0 {
                format!(
                    "; {} fix(es) still pending after {} passes",
                    summary.left_over,
                    lint_fix::MAX_PASSES
                )
            } else {
                String::new()
            },
            unsafe_hint(summary.unsafe_skipped),
        );
        return Ok(Some(u8::from(!preview.files.is_empty())));
    }
    let summary = lint_fix::run(|| lint_once(args, cwd, &input), &options)?;
    for r in &summary.refused {
        eprintln!("note: {r}");
    }
    for e in &summary.errors {
        eprintln!("error: {e}");
    }
    let fixes = summary.fixed.len();
    eprintln!(
        "fixed {fixes} finding{} in {} file(s){}{}",
        if fixes == 1 { "" } else { "s" },
        summary.files.len(),
        if summary.left_over > 0 {
            format!(
                "; {} fix(es) still pending after {} passes",
                summary.left_over,
                lint_fix::MAX_PASSES
            )
        } else {
            String::new()
        },
        unsafe_hint(summary.unsafe_skipped),
    );
    if !summary.errors.is_empty() {
        return Err("some files could not be written".into());
    }
    Ok(None)
}

fn unsafe_hint(skipped: usize) -> String {
    if skipped == 0 {
        String::new()
    } else {
        format!("; {skipped} unsafe fix(es) available with --unsafe-fixes")
    }
}

/// The trees a fix may write into: `--root`, the repositories and copies of `/` given as
/// paths, the repository of a changed file, the directory of a file named with
/// `--nginx`/`--fpm`/`--php-ini`, and `/` when this machine's own trees are linted.
fn roots(args: &Args, cwd: &Path) -> Vec<PathBuf> {
    let absolute = |p: &Path| lint_source::vfs::normalize(&cwd.join(p));
    if let Some(root) = &args.root {
        return vec![absolute(root)];
    }
    let mut out = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            out.push(absolute(p));
        } else {
            out.push(lint_api::repository_of(&absolute(p), cwd));
        }
    }
    for f in args.nginx.iter().chain(&args.fpm).chain(&args.php_ini) {
        if let Some(dir) = absolute(f).parent() {
            out.push(dir.to_path_buf());
        }
    }
    if out.is_empty() && args.nginx_dump.is_none() {
        out.push(PathBuf::from("/"));
    }
    out
}

/// One lint of everything the arguments name, as a report would show it (before rendering).
fn lint_once(
    args: &Args,
    cwd: &Path,
    input: &lint_api::Input,
) -> Result<(SourceMap, Vec<Diagnostic>), String> {
    let settings = crate::settings(args, cwd)?;
    let report = lint_api::Linter::new(settings)
        .current_dir(cwd)
        .lint(input)
        .map_err(|e| e.to_string())?;
    Ok((report.sources, report.diagnostics))
}
