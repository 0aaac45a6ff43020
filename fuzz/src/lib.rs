//! Shared pieces of the fuzz targets: an in-memory filesystem (no disk I/O per run),
//! the decoding of one fuzz input into a small tree of configuration files, and a
//! check that every diagnostic points inside a file of the source map.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::vfs::{glob_matches, sort_like_glob, Fetched, FileSystem, FsError};
use lint_source::{Diagnostic, SourceMap, Span};

/// A filesystem made of a few files held in memory.
#[derive(Debug, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Arc<[u8]>>,
}

impl MemFs {
    /// An empty filesystem.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or keeps the first of) a file at an absolute path.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: &[u8]) {
        self.files.entry(path.into()).or_insert_with(|| Arc::from(bytes));
    }

    /// The bytes of a file, if present.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(path).map(|b| &**b)
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        if let Some(bytes) = self.files.get(path) {
            return Ok(Fetched {
                bytes: bytes.clone(),
                disk_path: None,
                origin: None,
            });
        }
        if self.is_dir(path) == Some(true) {
            return Err(FsError::IsDirectory);
        }
        Err(FsError::NotFound)
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        let pattern = pattern.to_string_lossy();
        let mut found: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| glob_matches(&pattern, p))
            .cloned()
            .collect();
        sort_like_glob(&mut found);
        Ok(found)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        Some(self.files.keys().any(|p| p != path && p.starts_with(path)))
    }

    fn disk_path(&self, _: &Path) -> Option<PathBuf> {
        None
    }
}

/// Where the files of a decoded tree live: a chunk's first byte (modulo the length)
/// picks its path, so mutations can move a file and seeds keep their layout.
pub const TREE_PATHS: &[&str] = &[
    "/etc/nginx/nginx.conf",
    "/etc/nginx/fastcgi.conf",
    "/etc/nginx/fastcgi_params",
    "/etc/nginx/conf.d/0.conf",
    "/etc/nginx/conf.d/1.conf",
    "/etc/nginx/snippets/fastcgi-php.conf",
    "/etc/nginx/sites-enabled/default",
    "/etc/php/8.2/fpm/php-fpm.conf",
    "/etc/php/8.2/fpm/pool.d/www.conf",
    "/etc/php/8.2/fpm/pool.d/1.conf",
    "/etc/php/8.2/fpm/php.ini",
    "/etc/passwd",
    "/etc/group",
];

/// Separates the files of a tree in a fuzz input.
pub const SEPARATOR: u8 = 0;

/// At most this many files per tree.
pub const MAX_FILES: usize = 8;

/// Decodes a fuzz input into a tree: chunks split on [`SEPARATOR`] (at most
/// [`MAX_FILES`]), each `[path index byte][contents]`. The first chunk naming a path wins.
pub fn decode_tree(data: &[u8]) -> MemFs {
    let mut fs = MemFs::new();
    for chunk in data.split(|&b| b == SEPARATOR).take(MAX_FILES) {
        let Some((&which, body)) = chunk.split_first() else {
            continue;
        };
        fs.insert(TREE_PATHS[usize::from(which) % TREE_PATHS.len()], body);
    }
    fs
}

/// Encodes files (path index, contents) as [`decode_tree`] reads them (for seeds and tests).
pub fn encode_tree(files: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (which, body)) in files.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.push(*which);
        out.extend_from_slice(body);
    }
    out
}

fn check_span(map: &SourceMap, span: Span, what: &str) {
    let file = map.get(span.file);
    assert!(
        span.start <= span.end && span.end as usize <= file.text.len(),
        "{what} span {}..{} outside {} ({} bytes)",
        span.start,
        span.end,
        file.path.display(),
        file.text.len()
    );
    let _ = map.span_lines(span);
    let _ = file.snippet(span);
}

/// Asserts that every span of every diagnostic lies inside a file of `map` (a finding
/// must be shown at file:line:col) and renders its positions as the CLI does.
pub fn check_diagnostics(map: &SourceMap, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        if let Some(primary) = &d.primary {
            check_span(map, primary.span, d.code);
        }
        for label in &d.related {
            check_span(map, label.span, d.code);
        }
        if let Some(fix) = &d.fix {
            for edit in &fix.edits {
                check_span(map, edit.span, d.code);
            }
        }
    }
}
