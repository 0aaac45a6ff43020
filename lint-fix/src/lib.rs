//! Applies the fixes the rules attach to their findings.
//!
//! A fix is a set of byte edits on the files as they were read (spans from the parsers),
//! so everything outside the edited bytes — comments, indentation, quoting — stays as it
//! is. One pass takes the fixes in report order, keeps those whose edits overlap no edit
//! already taken (the others wait for the next pass, when the file has been re-read and
//! the finding re-computed), and writes each changed file once, atomically. [`run`]
//! repeats passes until nothing is left to fix or [`MAX_PASSES`] is reached; [`preview`]
//! makes the same passes in memory (each re-lint reads the previous pass's bytes) and
//! returns the total change without writing.
//!
//! What is never written: a file that is not on this machine's disk (an image's stock
//! file, a rendered template, stdin, an `nginx -T` dump), a file whose bytes on disk are
//! not the bytes that were linted (changed since, or rewritten at start by envsubst),
//! a file reached through a link that leads out of the linted tree, and a hard-linked file
//! (the rename would split it).
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::ops::Range;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::overlay::Snapshot;
use lint_source::vfs::{FsError, RootFs};
use lint_source::{Applicability, Diagnostic, SourceFile, SourceMap};

/// Passes [`run`] makes at most: each pass re-lints, so a fix that uncovers another
/// finding is fixed by the next one; a chain longer than this is a rule bug, not a config.
pub const MAX_PASSES: usize = 5;

/// What may be fixed, and where.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    /// Also apply fixes that change behaviour beyond the finding.
    pub unsafe_fixes: bool,
    /// The linted trees (a `--root`, a repository, the directory of a named file). A file
    /// is written only when it lies inside one of them, links resolved inside it.
    pub roots: Vec<PathBuf>,
}

/// One file a pass changes.
#[derive(Clone, Debug)]
pub struct FileChange {
    /// Where it is written (links resolved).
    pub path: PathBuf,
    /// How the report names it.
    pub shown: PathBuf,
    /// Its bytes before.
    pub old: Arc<[u8]>,
    /// Its bytes after.
    pub new: Vec<u8>,
}

/// The fixes one pass applies.
#[derive(Clone, Debug, Default)]
pub struct Pass {
    /// Changed files, by path.
    pub files: Vec<FileChange>,
    /// Codes of the fixes applied, one per fix.
    pub fixed: Vec<&'static str>,
    /// Fixes left for the next pass (their edits overlap one taken in this pass).
    pub deferred: usize,
    /// Unsafe fixes left out because `--unsafe-fixes` was not given.
    pub unsafe_skipped: usize,
    /// Fixes that touch a file that may not be written, with the reason (once per file).
    pub refused: Vec<String>,
}

/// Whether two edit ranges of one file collide: they share a byte, or one inserts where
/// the other starts or inside it (the order of the two texts would be a guess).
pub fn conflicts(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start.max(b.start) < a.end.min(b.end)
        || a.start == b.start
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

/// The edit ranges taken in one file, by start: a new edit is compared with its
/// neighbours, not with every edit taken (16 000 servers' fixes in one file compared
/// pairwise took seconds). Taken edits never [`conflicts`] with each other, so they
/// are disjoint and sorted by start they are sorted by end too.
#[derive(Default)]
struct Taken(BTreeMap<usize, usize>);

impl Taken {
    fn insert(&mut self, range: &Range<usize>) {
        let end = self.0.entry(range.start).or_insert(range.end);
        *end = (*end).max(range.end);
    }

    /// [`conflicts`] with any range taken.
    fn collides(&self, range: &Range<usize>) -> bool {
        // A taken edit starting where this one does or inside it.
        let inside = self
            .0
            .range(range.start..range.end.max(range.start + 1))
            .next()
            .is_some();
        // The nearest one starting before it, reaching into it.
        let before = self
            .0
            .range(..range.start)
            .next_back()
            .is_some_and(|(_, &end)| end > range.start);
        inside || before
    }
}

/// Applies non-conflicting edits (`range` of the original bytes → text) to `text`.
/// Ranges past the end are clamped; the caller guarantees they do not conflict.
pub fn apply_edits(text: &[u8], edits: &[(Range<usize>, &str)]) -> Vec<u8> {
    let mut sorted: Vec<&(Range<usize>, &str)> = edits.iter().collect();
    sorted.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = Vec::with_capacity(text.len() + 64);
    let mut at = 0;
    for (range, replacement) in sorted {
        let start = range.start.min(text.len()).max(at);
        let end = range.end.min(text.len()).max(start);
        out.extend_from_slice(&text[at..start]);
        out.extend_from_slice(replacement.as_bytes());
        at = end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

/// Where a linted file may be written, or why it may not.
pub fn writable_path(file: &SourceFile, roots: &[PathBuf]) -> Result<PathBuf, String> {
    if let Some(origin) = &file.origin {
        return Err(format!(
            "comes from {origin}, not from a file in the linted tree"
        ));
    }
    let Some(disk) = &file.disk_path else {
        return Err("was not read from a file on disk".into());
    };
    let absolute = std::path::absolute(disk).map_err(|e| e.to_string())?;
    let absolute = lint_source::vfs::normalize(&absolute);
    // The innermost tree that holds it: links are resolved inside that tree only.
    let root = roots
        .iter()
        .filter_map(|r| std::path::absolute(r).ok())
        .map(|r| lint_source::vfs::normalize(&r))
        .filter(|r| absolute.starts_with(r))
        .max_by_key(|r| r.components().count())
        .ok_or_else(|| "lies outside the linted tree".to_string())?;
    let rel = absolute.strip_prefix(&root).unwrap_or(&absolute);
    let real = RootFs::new(&root)
        .resolve(&Path::new("/").join(rel))
        .map_err(|e| match e {
            FsError::NotFound => "is a link that leads out of the linted tree".to_string(),
            other => other.errno_text(),
        })?;
    // Links are followed inside the tree only (an absolute target names the tree's own
    // file, as nginx in that tree would see it), so the path written is always inside it.
    // Whether its bytes are those linted is checked again right before writing.
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.nlink() > 1 {
        return Err("has several hard links (replacing it would split them)".into());
    }
    Ok(real)
}

/// Chooses the fixes of one pass and computes the new bytes of every file they touch.
pub fn plan(diagnostics: &[Diagnostic], map: &SourceMap, options: &FixOptions) -> Pass {
    let mut pass = Pass::default();
    // Per written path: the file as read, and the edits taken so far.
    struct Pending {
        shown: PathBuf,
        old: Arc<[u8]>,
        edits: Vec<(Range<usize>, String)>,
        /// The taken edits, for the collision test.
        taken: Taken,
    }
    impl Pending {
        fn take(&mut self, range: Range<usize>, text: String) {
            self.taken.insert(&range);
            self.edits.push((range, text));
        }
    }
    let mut pending: BTreeMap<PathBuf, Pending> = BTreeMap::new();
    let mut targets: BTreeMap<u32, Result<PathBuf, String>> = BTreeMap::new();
    let mut refused_files: HashSet<PathBuf> = HashSet::new();
    // The same fix reported twice (a file linted by two deployments) is applied once.
    let mut seen: HashSet<Vec<(PathBuf, usize, usize, String)>> = HashSet::new();
    'fixes: for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        if fix.edits.is_empty() {
            continue;
        }
        if fix.applicability == Applicability::Unsafe && !options.unsafe_fixes {
            pass.unsafe_skipped += 1;
            continue;
        }
        let mut resolved = Vec::with_capacity(fix.edits.len());
        for edit in &fix.edits {
            let file = map.get(edit.span.file);
            let target = targets
                .entry(edit.span.file.0)
                .or_insert_with(|| writable_path(&file, &options.roots));
            let path = match target {
                Ok(p) => p.clone(),
                Err(why) => {
                    let shown = file.display_path();
                    if refused_files.insert(shown.clone()) {
                        pass.refused
                            .push(format!("{}: not fixed: it {why}", shown.display()));
                    }
                    continue 'fixes;
                }
            };
            let range = edit.span.range();
            if range.end > file.text_len() {
                continue 'fixes;
            }
            resolved.push((path, range, edit.replacement.clone(), file));
        }
        let mut key: Vec<(PathBuf, usize, usize, String)> = resolved
            .iter()
            .map(|(p, r, t, _)| (p.clone(), r.start, r.end, t.clone()))
            .collect();
        key.sort();
        if !seen.insert(key) {
            continue;
        }
        // One fix's own edits never conflict; against the edits taken, any conflict defers it.
        let collides = resolved
            .iter()
            .any(|(path, range, _, _)| pending.get(path).is_some_and(|p| p.taken.collides(range)));
        // Two ids of one path with different bytes: the fix was computed on other bytes.
        let stale = resolved.iter().any(|(path, _, _, file)| {
            pending.get(path).is_some_and(|p| {
                !Arc::ptr_eq(&p.old, &file.text()) && p.old.as_ref() != file.text().as_ref()
            })
        });
        if collides || stale {
            pass.deferred += 1;
            continue;
        }
        for (path, range, text, file) in resolved {
            pending
                .entry(path)
                .or_insert_with(|| Pending {
                    shown: file.display_path(),
                    old: file.text(),
                    edits: Vec::new(),
                    taken: Taken::default(),
                })
                .take(range, text);
        }
        pass.fixed.push(d.code);
    }
    for (path, p) in pending {
        let edits: Vec<(Range<usize>, &str)> = p
            .edits
            .iter()
            .map(|(r, t)| (r.clone(), t.as_str()))
            .collect();
        let new = apply_edits(&p.old, &edits);
        if new.as_slice() != p.old.as_ref() {
            pass.files.push(FileChange {
                path,
                shown: p.shown,
                old: p.old,
                new,
            });
        }
    }
    pass
}

/// Writes one file atomically: a temporary file in the same directory with the same
/// mode and owner, renamed over the old one. Refuses when the bytes on disk are no
/// longer those that were linted.
pub fn write_file(change: &FileChange) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::read(&change.path).map_err(|e| e.to_string())?;
    if current.as_slice() != change.old.as_ref() {
        return Err("its bytes on disk are not the ones linted (changed since, or a template rewritten at start); not written".into());
    }
    let meta = std::fs::metadata(&change.path).map_err(|e| e.to_string())?;
    let dir = change
        .path
        .parent()
        .ok_or_else(|| "has no directory".to_string())?;
    let mut temp = tempfile::Builder::new()
        .prefix(".nginx-fpm-lint-fix")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file beside it: {e}"))?;
    temp.write_all(&change.new)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| e.to_string())?;
    std::fs::set_permissions(
        temp.path(),
        std::fs::Permissions::from_mode(meta.permissions().mode()),
    )
    .map_err(|e| e.to_string())?;
    let temp_meta = std::fs::metadata(temp.path()).map_err(|e| e.to_string())?;
    if (temp_meta.uid(), temp_meta.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::chown(temp.path(), Some(meta.uid()), Some(meta.gid())).map_err(|e| {
            format!(
                "cannot keep its owner {}:{} ({e}); not written",
                meta.uid(),
                meta.gid()
            )
        })?;
    }
    temp.persist(&change.path)
        .map_err(|e| format!("cannot replace it: {}", e.error))?;
    Ok(())
}

/// A unified diff of the changes (paths as shown, relative to `base` when under it).
pub fn unified_diff(files: &[FileChange], base: &Path) -> String {
    let mut out = String::new();
    for f in files {
        let shown = f.shown.strip_prefix(base).unwrap_or(&f.shown);
        let old = String::from_utf8_lossy(&f.old);
        let new = String::from_utf8_lossy(&f.new);
        // Patience anchors on the lines found once in both: Myers over a whole 3 MB file
        // of thousands of small changes was quadratic (8 000 fixed servers: 9.6 s).
        let diff = similar::TextDiff::configure()
            .algorithm(similar::Algorithm::Patience)
            .diff_lines(old.as_ref(), new.as_ref());
        let a = format!("a/{}", shown.display());
        let b = format!("b/{}", shown.display());
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&a, &b)
                .missing_newline_hint(true)
                .to_string(),
        );
    }
    out
}

/// What [`run`] did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Codes of every fix applied, over all passes.
    pub fixed: Vec<&'static str>,
    /// Files written (each once, however many passes changed it).
    pub files: Vec<PathBuf>,
    /// Passes that changed something.
    pub passes: usize,
    /// Fixes still pending when the pass limit was reached.
    pub left_over: usize,
    /// Unsafe fixes left out (of the last pass).
    pub unsafe_skipped: usize,
    /// Files that may not be written and why.
    pub refused: Vec<String>,
    /// Files that could not be written and why.
    pub errors: Vec<String>,
}

impl Summary {
    /// Takes a pass's refused fixes (each once) and its count of skipped unsafe fixes;
    /// true when the pass has nothing to apply: the tree is stable.
    fn absorb(&mut self, pass: &mut Pass) -> bool {
        self.unsafe_skipped = pass.unsafe_skipped;
        for r in pass.refused.drain(..) {
            if !self.refused.contains(&r) {
                self.refused.push(r);
            }
        }
        let stable = pass.files.is_empty();
        if stable {
            self.left_over = 0;
        }
        stable
    }
}

/// Lints, applies one pass of fixes, and repeats while a pass changed something, at most
/// [`MAX_PASSES`] times. `lint` runs the whole linter afresh (it re-reads the files).
pub fn run(
    mut lint: impl FnMut() -> Result<(SourceMap, Vec<Diagnostic>), String>,
    options: &FixOptions,
) -> Result<Summary, String> {
    let mut summary = Summary::default();
    for _ in 0..MAX_PASSES {
        let (map, diagnostics) = lint()?;
        let mut pass = plan(&diagnostics, &map, options);
        if summary.absorb(&mut pass) {
            return Ok(summary);
        }
        let mut wrote = false;
        for change in &pass.files {
            match write_file(change) {
                Ok(()) => {
                    wrote = true;
                    if !summary.files.contains(&change.path) {
                        summary.files.push(change.path.clone());
                    }
                }
                Err(e) => summary
                    .errors
                    .push(format!("{}: {e}", change.shown.display())),
            }
        }
        if !wrote {
            return Ok(summary);
        }
        summary.fixed.extend(pass.fixed);
        summary.passes += 1;
        summary.left_over = pass.deferred;
    }
    Ok(summary)
}

/// The total change of every pass [`preview`] made, and what it did.
#[derive(Clone, Debug, Default)]
pub struct Preview {
    /// Each changed file once: its bytes before the first pass and after the last.
    pub files: Vec<FileChange>,
    /// What the passes did (`files` and `errors` stay empty: nothing is written).
    pub summary: Summary,
}

/// Makes [`run`]'s passes in memory and writes nothing: `lint` gets the bytes every
/// earlier pass produced (`None` before the first), to be read instead of the files
/// they stand for, so a fix that only applies after another one is seen as `--fix`
/// would apply it. The result is the total change, original bytes against final ones.
pub fn preview(
    mut lint: impl FnMut(Option<Arc<Snapshot>>) -> Result<(SourceMap, Vec<Diagnostic>), String>,
    options: &FixOptions,
) -> Result<Preview, String> {
    let mut changed: Vec<FileChange> = Vec::new();
    let mut summary = Summary::default();
    for _ in 0..MAX_PASSES {
        let buffers = (!changed.is_empty()).then(|| {
            Arc::new(Snapshot::new(
                changed
                    .iter()
                    .map(|c| (c.path.clone(), Arc::from(c.new.as_slice()))),
            ))
        });
        let (map, diagnostics) = lint(buffers)?;
        let mut pass = plan(&diagnostics, &map, options);
        if summary.absorb(&mut pass) {
            break;
        }
        for change in pass.files {
            match changed.iter_mut().find(|c| c.path == change.path) {
                // The first pass's `old` stays: the diff is against the file on disk.
                Some(c) => c.new = change.new,
                None => changed.push(change),
            }
        }
        summary.fixed.extend(pass.fixed);
        summary.passes += 1;
        summary.left_over = pass.deferred;
    }
    // A later pass may undo an earlier one's change of a file.
    changed.retain(|c| c.old.as_ref() != c.new.as_slice());
    Ok(Preview {
        files: changed,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::{Edit, FileKind, Fix, RuleMeta, Severity, Span};

    static META: RuleMeta = RuleMeta {
        code: "T001",
        name: "test",
        family: lint_source::Family::Lint,
        severity: Severity::Error,
        summary: "",
        aliases: &[],
        doc: "",
        fix: "",
    };

    fn finding(span: Span, fix: Fix) -> Diagnostic {
        Diagnostic::new(&META, span, "x").with_fix(fix)
    }

    fn on_disk(dir: &Path, name: &str, text: &str, map: &SourceMap) -> lint_source::FileId {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        map.add(SourceFile::new(
            path.clone(),
            Some(path),
            FileKind::Nginx,
            Arc::from(text.as_bytes()),
        ))
    }

    #[test]
    fn edits_keep_every_other_byte() {
        let text = b"  listen 443; # keep\n";
        let out = apply_edits(text, &[(12..12, " ssl"), (2..8, "listen")]);
        assert_eq!(out, b"  listen 443 ssl; # keep\n");
    }

    /// The neighbour test answers as [`conflicts`] against every taken range would, for
    /// every range of a small file against sets of disjoint taken ranges.
    #[test]
    fn taken_ranges_collide_as_conflicts_says() {
        let all: Vec<Range<usize>> = (0..8).flat_map(|s| (s..8).map(move |e| s..e)).collect();
        for taken_set in [
            vec![2..4, 7..7],
            vec![0..0, 3..5],
            vec![1..3, 3..3, 5..7],
            vec![4..4, 6..8],
            vec![0..2, 2..4, 4..6, 6..8],
        ] {
            let mut taken = Taken::default();
            for r in &taken_set {
                taken.insert(r);
            }
            for r in &all {
                let expected = taken_set.iter().any(|t| conflicts(t, r));
                assert_eq!(taken.collides(r), expected, "{r:?} against {taken_set:?}");
            }
        }
    }

    #[test]
    fn conflicts_are_shared_bytes_or_shared_insertion_points() {
        assert!(conflicts(&(0..4), &(3..6)));
        assert!(!conflicts(&(0..4), &(4..6)));
        assert!(conflicts(&(4..4), &(4..4)));
        assert!(conflicts(&(2..2), &(0..4)));
        assert!(!conflicts(&(4..4), &(0..4)));
    }

    #[test]
    fn an_overlapping_fix_waits_for_the_next_pass() {
        let dir = tempfile::tempdir().unwrap();
        let map = SourceMap::new();
        let id = on_disk(dir.path(), "a.conf", "listen 443;\n", &map);
        let whole = Span::new(id, 0, 11);
        let diags = vec![
            finding(
                whole,
                Fix::safe("a", vec![Edit::replace(whole, "listen 443 ssl;")]),
            ),
            finding(
                whole,
                Fix::safe("b", vec![Edit::replace(Span::new(id, 7, 10), "8443")]),
            ),
        ];
        let options = FixOptions {
            unsafe_fixes: false,
            roots: vec![dir.path().to_path_buf()],
        };
        let pass = plan(&diags, &map, &options);
        assert_eq!(pass.fixed.len(), 1);
        assert_eq!(pass.deferred, 1);
        assert_eq!(pass.files[0].new, b"listen 443 ssl;\n");
    }

    #[test]
    fn unsafe_fixes_need_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let map = SourceMap::new();
        let id = on_disk(dir.path(), "a.conf", "x;\n", &map);
        let s = Span::new(id, 0, 1);
        let diags = vec![finding(
            s,
            Fix::unsafe_edits("u", vec![Edit::replace(s, "y")]),
        )];
        let mut options = FixOptions {
            unsafe_fixes: false,
            roots: vec![dir.path().to_path_buf()],
        };
        assert!(plan(&diags, &map, &options).files.is_empty());
        options.unsafe_fixes = true;
        assert_eq!(plan(&diags, &map, &options).files[0].new, b"y;\n");
    }

    #[test]
    fn files_not_on_disk_or_outside_the_tree_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir(&tree).unwrap();
        let map = SourceMap::new();
        let outside = on_disk(dir.path(), "outside.conf", "x;\n", &map);
        let stock = map.add(
            SourceFile::new(
                PathBuf::from("/etc/nginx/fastcgi_params"),
                None,
                FileKind::Nginx,
                Arc::from(&b"x;\n"[..]),
            )
            .with_origin(Some(Arc::from("image nginx:1.27, stock nginx"))),
        );
        // A link inside the tree to a file outside it.
        std::os::unix::fs::symlink(dir.path().join("outside.conf"), tree.join("link.conf"))
            .unwrap();
        let link = map.add(SourceFile::new(
            tree.join("link.conf"),
            Some(tree.join("link.conf")),
            FileKind::Nginx,
            Arc::from(&b"x;\n"[..]),
        ));
        let options = FixOptions {
            unsafe_fixes: false,
            roots: vec![tree.clone()],
        };
        for id in [outside, stock, link] {
            let s = Span::new(id, 0, 1);
            let diags = vec![finding(s, Fix::safe("f", vec![Edit::replace(s, "y")]))];
            let pass = plan(&diags, &map, &options);
            assert!(pass.files.is_empty(), "{:?}", map.get(id).path);
            assert_eq!(pass.refused.len(), 1, "{:?}", pass.refused);
        }
    }

    #[test]
    fn writes_are_atomic_and_keep_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let map = SourceMap::new();
        let id = on_disk(dir.path(), "a.conf", "x;\n", &map);
        let path = dir.path().join("a.conf");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let s = Span::new(id, 0, 1);
        let diags = vec![finding(s, Fix::safe("f", vec![Edit::replace(s, "y")]))];
        let options = FixOptions {
            unsafe_fixes: false,
            roots: vec![dir.path().to_path_buf()],
        };
        let pass = plan(&diags, &map, &options);
        write_file(&pass.files[0]).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"y;\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        // Nothing left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // The same change again: the bytes on disk are no longer those linted.
        assert!(write_file(&pass.files[0]).is_err());
    }

    #[test]
    fn preview_shows_every_pass_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.conf");
        std::fs::write(&path, "a;\nz;\n").unwrap();
        // A chain: `a` becomes `b` on the first pass, `b` becomes `c` only when re-linted,
        // and `z` becomes `y` on the first pass.
        let lint = |buffers: Option<Arc<Snapshot>>| {
            let text: Arc<[u8]> = match buffers.as_ref().and_then(|b| b.get(&path)) {
                Some(t) => Arc::clone(t),
                None => Arc::from(std::fs::read(&path).unwrap()),
            };
            let map = SourceMap::new();
            let id = map.add(SourceFile::new(
                path.clone(),
                Some(path.clone()),
                FileKind::Nginx,
                Arc::clone(&text),
            ));
            let mut diags = Vec::new();
            let s = Span::new(id, 0, 1);
            match text[0] {
                b'a' => diags.push(finding(s, Fix::safe("ab", vec![Edit::replace(s, "b")]))),
                b'b' => diags.push(finding(s, Fix::safe("bc", vec![Edit::replace(s, "c")]))),
                _ => {}
            }
            if text[3] == b'z' {
                let z = Span::new(id, 3, 4);
                diags.push(finding(z, Fix::safe("zy", vec![Edit::replace(z, "y")])));
            }
            Ok((map, diags))
        };
        let options = FixOptions {
            unsafe_fixes: false,
            roots: vec![dir.path().to_path_buf()],
        };
        let preview = preview(lint, &options).unwrap();
        assert_eq!(preview.summary.passes, 2);
        assert_eq!(preview.summary.fixed.len(), 3);
        assert_eq!(preview.files.len(), 1);
        assert_eq!(preview.files[0].old.as_ref(), b"a;\nz;\n");
        assert_eq!(preview.files[0].new, b"c;\ny;\n");
        assert_eq!(std::fs::read(&path).unwrap(), b"a;\nz;\n");
    }

    #[test]
    fn diff_names_both_sides() {
        let change = FileChange {
            path: PathBuf::from("/t/a.conf"),
            shown: PathBuf::from("/t/a.conf"),
            old: Arc::from(&b"a\nlisten 443;\nb\n"[..]),
            new: b"a\nlisten 443 ssl;\nb\n".to_vec(),
        };
        let diff = unified_diff(&[change], Path::new("/t"));
        assert!(diff.starts_with("--- a/a.conf\n+++ b/a.conf\n"), "{diff}");
        assert!(diff.contains("-listen 443;\n+listen 443 ssl;\n"), "{diff}");
    }
}

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
