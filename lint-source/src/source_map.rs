use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` inside one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// First byte, inclusive.
    pub start: u32,
    /// Last byte, exclusive.
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        // Files are capped well below 4 GiB by the loaders; saturate rather than wrap.
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// An empty span at `offset`.
    pub fn point(file: FileId, offset: usize) -> Self {
        Span::new(file, offset, offset)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The byte range, for slicing the file text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (they must share a file; else `self`).
    pub fn to(&self, other: Span) -> Span {
        if other.file != self.file {
            return *self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// What language a file is written in; decides comment syntax for suppressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// nginx configuration (`#` comments).
    Nginx,
    /// php-fpm configuration (PHP ini dialect, `;` comments).
    Fpm,
    /// php.ini (PHP ini dialect).
    PhpIni,
    /// Our own `.nginx-fpm-lint.toml`.
    LintConfig,
    /// Anything else (e.g. an `nginx -T` dump before it is split).
    Other,
}

/// 1-based line and column; the column counts characters (lossy UTF-8), not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
}

/// One file's path and bytes. Text is kept as bytes: nginx accepts non-UTF-8.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as nginx/php-fpm would name it (absolute, or as given on the command line).
    pub path: PathBuf,
    /// Where the bytes were actually read from (differs under `--root`); `None` for stdin/dumps.
    pub disk_path: Option<PathBuf>,
    /// The language of the file.
    pub kind: FileKind,
    /// The file's bytes, shared with the parse trees that borrow from it.
    pub text: Arc<[u8]>,
    /// Where a file that is not on this machine's disk comes from (`image nginx:1.27`).
    pub origin: Option<Arc<str>>,
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// A file with the given path, kind and content.
    pub fn new(path: PathBuf, disk_path: Option<PathBuf>, kind: FileKind, text: Arc<[u8]>) -> Self {
        SourceFile {
            path,
            disk_path,
            kind,
            text,
            origin: None,
            line_starts: OnceLock::new(),
        }
    }

    /// The same file, marked as coming from `origin` (an image's stock file, a template).
    pub fn with_origin(mut self, origin: Option<Arc<str>>) -> Self {
        self.origin = origin;
        self
    }

    /// The name to show for this file: where it was read, else its origin and path.
    pub fn display_path(&self) -> PathBuf {
        match (&self.disk_path, &self.origin) {
            (Some(disk), _) => disk.clone(),
            (None, Some(origin)) => PathBuf::from(format!("<{origin}>{}", self.path.display())),
            (None, None) => self.path.clone(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                memchr::memchr_iter(b'\n', &self.text)
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// Line and column of a byte offset (clamped to the file).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let starts = self.line_starts();
        let line_idx = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = starts[line_idx] as usize;
        let prefix = &self.text[line_start..offset as usize];
        // ASCII (nearly every configuration line) counts one column per byte.
        let column = if prefix.is_ascii() {
            prefix.len() + 1
        } else {
            String::from_utf8_lossy(prefix).chars().count() + 1
        };
        LineCol {
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The byte range of 1-based `line` without its newline (empty past the end).
    pub fn line_range(&self, line: u32) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1) as usize) else {
            return self.text.len()..self.text.len();
        };
        let end = starts
            .get(line as usize)
            .map(|e| (*e as usize).saturating_sub(1))
            .unwrap_or(self.text.len());
        start as usize..end.max(start as usize)
    }

    /// The text of a span, lossily decoded.
    pub fn snippet(&self, span: Span) -> std::borrow::Cow<'_, str> {
        let end = (span.end as usize).min(self.text.len());
        let start = (span.start as usize).min(end);
        String::from_utf8_lossy(&self.text[start..end])
    }
}

/// Owns every file read during a run. Append-only and shareable across threads.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: RwLock<Vec<Arc<SourceFile>>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&self, file: SourceFile) -> FileId {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.push(Arc::new(file));
        FileId(u32::try_from(files.len() - 1).unwrap_or(u32::MAX))
    }

    /// Convenience for tests and in-memory input: adds `text` under `path`.
    pub fn add_text(
        &self,
        path: impl Into<PathBuf>,
        kind: FileKind,
        text: impl AsRef<[u8]>,
    ) -> FileId {
        self.add(SourceFile::new(
            path.into(),
            None,
            kind,
            Arc::from(text.as_ref()),
        ))
    }

    /// The file behind an id. Panics only on an id that did not come from this map.
    pub fn get(&self, id: FileId) -> Arc<SourceFile> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(&files[id.0 as usize])
    }

    /// Finds a file by the path it was added under.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All files, in id order.
    pub fn files(&self) -> Vec<(FileId, Arc<SourceFile>)> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), Arc::clone(f)))
            .collect()
    }

    /// Line/column of a span's start and end.
    pub fn span_lines(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (file.line_col(span.start), file.line_col(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let map = SourceMap::new();
        let id = map.add_text("/x.conf", FileKind::Nginx, "ab\nçd ef\n");
        let f = map.get(id);
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // "ç" is two bytes but one column.
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 1 });
        assert_eq!(&f.text[f.line_range(2)], "çd ef".as_bytes());
    }
}
