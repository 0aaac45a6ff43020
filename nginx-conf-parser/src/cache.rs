//! Parse trees kept between runs: an editor re-lints the whole tree on every keystroke,
//! and only the file being typed in has changed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lint_source::{Diagnostic, IdSource, SourceFile, SourceMap, Span};

use crate::ast::ParsedFile;

/// An `include` statement of a parsed file: its span and the pattern it names.
#[derive(Clone, Debug)]
pub(crate) struct IncludeSite {
    pub(crate) span: Span,
    pub(crate) pattern: String,
}

/// One file as a run read and parsed it.
#[derive(Clone)]
pub(crate) struct Parsed {
    pub(crate) source: Arc<SourceFile>,
    pub(crate) file: Arc<ParsedFile>,
    pub(crate) diagnostics: Arc<[Diagnostic]>,
    pub(crate) includes: Arc<[IncludeSite]>,
}

/// The same file as read elsewhere: a deployment's view and the disk can hold different
/// files under one path, and an image's stock file is known by its origin.
type Key = (PathBuf, Option<PathBuf>, Option<Arc<str>>);

fn key_of(source: &SourceFile) -> Key {
    (
        source.path.clone(),
        source.disk_path.clone(),
        source.origin.clone(),
    )
}

/// Parse trees of nginx files from earlier runs, reused while a file's bytes stay the
/// same: the file keeps its [`lint_source::FileId`] (the tree's spans carry it), so the
/// run's [`SourceMap`] must draw its ids from [`ParseCache::ids`].
///
/// ```
/// use std::sync::Arc;
/// use lint_source::SourceMap;
/// use lint_source::vfs::MemoryFs;
/// use nginx_conf_parser::{load, LoadOptions, ParseCache};
///
/// let fs = Arc::new(MemoryFs::new().with_file("/etc/nginx/nginx.conf", "events {}\nhttp {}\n"));
/// let cache = Arc::new(ParseCache::default());
/// let opts = LoadOptions { fs: Some(fs), cache: Some(cache.clone()), ..Default::default() };
/// let first = load("/etc/nginx/nginx.conf".as_ref(), &opts, &SourceMap::with_ids(cache.ids()));
/// let again = load("/etc/nginx/nginx.conf".as_ref(), &opts, &SourceMap::with_ids(cache.ids()));
/// assert_eq!(first.root, again.root);
/// assert_eq!(cache.parses(), 1);
/// ```
#[derive(Default)]
pub struct ParseCache {
    ids: IdSource,
    files: Mutex<HashMap<Key, Parsed>>,
    parses: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseCache")
            .field("parses", &self.parses())
            .finish_non_exhaustive()
    }
}

impl ParseCache {
    /// The ids the source map of every run using this cache must draw from.
    pub fn ids(&self) -> IdSource {
        self.ids.clone()
    }

    /// How many files were parsed (not reused) so far: what tests count.
    pub fn parses(&self) -> usize {
        self.parses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// True when `map` draws its ids from this cache (else its trees cannot be reused there).
    pub(crate) fn serves(&self, map: &SourceMap) -> bool {
        map.id_source().is_some_and(|ids| ids.same(&self.ids))
    }

    /// The tree of `source` from an earlier run when its bytes are unchanged, taken into `map`.
    pub(crate) fn reuse(&self, source: &SourceFile, map: &SourceMap) -> Option<Parsed> {
        let key = key_of(source);
        let hit = {
            let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            let hit = files.get(&key)?;
            (hit.source.kind == source.kind && hit.source.text[..] == source.text[..])
                .then(|| hit.clone())?
        };
        // A file read twice in one run (two main files, two deployments including it) gets
        // two ids, as without the cache: suppressions and findings are counted per id.
        if map.contains(hit.file.id) {
            return None;
        }
        map.adopt(hit.file.id, hit.source.clone());
        Some(hit)
    }

    /// Keeps a fresh parse for the next run (replacing the file's older version).
    pub(crate) fn keep(&self, parsed: &Parsed) {
        self.parses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let key = key_of(&parsed.source);
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(key, parsed.clone());
    }
}
