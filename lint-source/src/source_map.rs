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

    /// True when `inner` lies inside this span, in the same file (a statement written in
    /// a block, not inherited from outside it).
    ///
    /// ```
    /// use lint_source::{FileId, Span};
    /// let block = Span::new(FileId(0), 10, 50);
    /// assert!(block.contains(Span::new(FileId(0), 20, 30)));
    /// assert!(!block.contains(Span::new(FileId(1), 20, 30)));
    /// assert!(!block.contains(Span::new(FileId(0), 40, 60)));
    /// ```
    pub fn contains(&self, inner: Span) -> bool {
        inner.file == self.file && inner.start >= self.start && inner.end <= self.end
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

/// A file's bytes, or what is needed to read them again.
#[derive(Debug)]
enum Text {
    Held(Arc<[u8]>),
    /// Dropped to save memory ([`SourceFile::drop_text`]); read again from the disk
    /// when asked, if the file there still holds the same bytes.
    Dropped {
        len: usize,
        hash: u64,
    },
}

/// The hash that tells a file read again from one that changed since: stable within a
/// run, which is all it is needed for.
fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x6e67_696e_7866_706d).hash_one(bytes)
}

/// The last text read again and not kept ([`SourceFile::text`]), by the disk path, length
/// and hash it was checked against: a report asks for one file's lines finding after
/// finding (findings are sorted by file), and one file at a time is all it needs. Keeping
/// every pool file a finding points into kept 6.2 MiB (1 292 files of 5 KB on the heavy
/// 5 000-site tree) beside the trees and the model that the CLI leaves for the exit: the
/// CLI's peak was the report's.
type Recent = (PathBuf, usize, u64, Arc<[u8]>);
static RECENT: std::sync::Mutex<Option<Recent>> = std::sync::Mutex::new(None);

/// One file's path and bytes. Text is kept as bytes: nginx accepts non-UTF-8.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as nginx/php-fpm would name it (absolute, or as given on the command line).
    pub path: PathBuf,
    /// Where the bytes were actually read from (differs under `--root`); `None` for stdin/dumps.
    pub disk_path: Option<PathBuf>,
    /// The language of the file.
    pub kind: FileKind,
    /// The file's bytes (see [`SourceFile::text`]).
    text: RwLock<Text>,
    /// The bytes are the disk file's as it is: they may be dropped and read again.
    rereadable: bool,
    /// A dropped text read again is kept (else it is handed out and dropped again).
    keep_read_again: std::sync::atomic::AtomicBool,
    /// Where a file that is not on this machine's disk comes from (`image nginx:1.27`).
    pub origin: Option<Arc<str>>,
    /// The repository file whose lines hold this text, when it is embedded in one.
    pub carrier: Option<Carrier>,
    line_starts: OnceLock<Vec<u32>>,
}

/// Where an embedded text stands in the repository file that holds it: its first line
/// is line `line` of `file`, every line indented by `column` more characters (a
/// ConfigMap's `default.conf: |` block, a Dockerfile's `COPY <<EOF` body). A finding is
/// placed there, so that an editor, GitHub or a SARIF viewer opens a real file.
///
/// ```
/// use lint_source::Carrier;
/// let carrier = Carrier::locate("k8s/app.yaml".into(), "kind: ConfigMap\ndata:\n  site.conf: |\n    server {\n        listen 80;\n    }\n", "server {\n    listen 80;\n}\n");
/// let carrier = carrier.expect("found");
/// assert_eq!((carrier.line, carrier.column), (4, 4));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carrier {
    /// The repository file.
    pub file: PathBuf,
    /// Its line (1-based) that holds the embedded text's first line.
    pub line: u32,
    /// The indentation added to every line.
    pub column: u32,
}

impl Carrier {
    /// Finds `embedded` in `carrier_text` as consecutive lines, each indented alike
    /// (empty lines may be empty there); `None` when it is not there as written (a
    /// template's output, a text with variables filled in). To find many texts in one
    /// carrier, index it once with [`CarrierLines::new`].
    pub fn locate(file: PathBuf, carrier_text: &str, embedded: &str) -> Option<Carrier> {
        CarrierLines::new(carrier_text).locate(file, embedded)
    }
}

/// A carrier's lines, indexed by their text without indentation, to find many embedded
/// texts in it: a manifest of n ConfigMaps searched line by line for each of them was
/// quadratic (1 000 pairs: a 0.7 MB manifest read and scanned 1 000 times).
pub struct CarrierLines<'t> {
    lines: Vec<&'t str>,
    /// Line numbers (0-based, ascending) by `trim_start()` of the line.
    by_text: foldhash::HashMap<&'t str, Vec<u32>>,
}

impl<'t> CarrierLines<'t> {
    /// Large carriers are not searched: the display falls back to the embedded name.
    const MAX_CARRIER: usize = 2 * 1024 * 1024;

    /// Indexes `carrier_text` (nothing when it is larger than 2 MiB: not searched).
    pub fn new(carrier_text: &'t str) -> Self {
        let mut by_text: foldhash::HashMap<&'t str, Vec<u32>> = Default::default();
        let lines: Vec<&'t str> = if carrier_text.len() > Self::MAX_CARRIER {
            Vec::new()
        } else {
            carrier_text.lines().collect()
        };
        for (i, line) in lines.iter().enumerate() {
            // The carrier is at most 2 MiB: its line numbers fit.
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            by_text.entry(line.trim_start()).or_default().push(i);
        }
        CarrierLines { lines, by_text }
    }

    /// [`Carrier::locate`] in the indexed carrier: the same answer (the first line where
    /// the text stands), found from the candidates of the embedded line that is rarest in
    /// the carrier instead of by trying every line.
    pub fn locate(&self, file: PathBuf, embedded: &str) -> Option<Carrier> {
        let inner: Vec<&str> = embedded.lines().collect();
        let first = inner.iter().position(|l| !l.trim().is_empty())?;
        // A carrier line where an embedded line stands (indented) reads the same without
        // its indentation: every place the text stands is among the lines of its rarest
        // non-empty line, shifted back by that line's number in the text.
        let (anchor, candidates) = inner
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(k, l)| (k, self.by_text.get(l.trim_start()).map_or(&[][..], |v| v)))
            .min_by_key(|(_, c)| c.len())?;
        for &at in candidates {
            let Some(start) = (at as usize).checked_sub(anchor) else {
                continue;
            };
            let i = start + first;
            let Some(line) = self.lines.get(i) else {
                continue;
            };
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if trimmed != inner[first].trim_start() || line.get(indent..) != Some(inner[first]) {
                continue;
            }
            let fits = inner.iter().enumerate().all(|(k, want)| {
                self.lines.get(start + k).is_some_and(|got| {
                    (want.is_empty() && got.trim().is_empty())
                        || (got.len() >= indent
                            && got.is_char_boundary(indent)
                            && got[..indent].trim().is_empty()
                            && &got[indent..] == *want)
                })
            });
            if fits {
                return Some(Carrier {
                    file,
                    line: u32::try_from(start + 1).ok()?,
                    column: u32::try_from(indent).ok()?,
                });
            }
        }
        None
    }
}

impl SourceFile {
    /// A file with the given path, kind and content.
    pub fn new(path: PathBuf, disk_path: Option<PathBuf>, kind: FileKind, text: Arc<[u8]>) -> Self {
        SourceFile {
            path,
            disk_path,
            kind,
            text: RwLock::new(Text::Held(text)),
            rereadable: false,
            keep_read_again: std::sync::atomic::AtomicBool::new(true),
            origin: None,
            carrier: None,
            line_starts: OnceLock::new(),
        }
    }

    /// The same file, placed in the repository file that holds its text.
    pub fn with_carrier(mut self, carrier: Option<Carrier>) -> Self {
        self.carrier = carrier;
        self
    }

    /// The same file, marked as read from its `disk_path` byte for byte: its text may be
    /// dropped ([`SourceFile::drop_text`]) and read again when it is needed.
    pub fn rereadable(mut self) -> Self {
        self.rereadable = self.disk_path.is_some();
        self
    }

    /// The file's bytes. Shared: the parse trees that borrow from them hold the same.
    /// A file whose text was dropped is read again from the disk (and kept again); if
    /// the file changed there since, the text is empty (its spans no longer point into
    /// it, and nothing is shown rather than the wrong lines).
    ///
    /// ```
    /// use lint_source::{FileKind, SourceFile};
    /// let file = SourceFile::new("a.conf".into(), None, FileKind::Nginx, b"events {}\n"[..].into());
    /// assert_eq!(&file.text()[..], b"events {}\n");
    /// ```
    pub fn text(&self) -> Arc<[u8]> {
        let held = self
            .text
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Text::Held(text) = &*held {
            return Arc::clone(text);
        }
        drop(held);
        let mut slot = self
            .text
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*slot {
            // Another thread read it again meanwhile.
            Text::Held(text) => Arc::clone(text),
            Text::Dropped { len, hash } => {
                let (len, hash) = (*len, *hash);
                let keep = self
                    .keep_read_again
                    .load(std::sync::atomic::Ordering::Relaxed);
                let recent = |disk: &std::path::Path| {
                    let recent = RECENT
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    recent
                        .as_ref()
                        .filter(|(p, l, h, _)| p == disk && *l == len && *h == hash)
                        .map(|(.., text)| Arc::clone(text))
                };
                let disk = self.disk_path.as_deref();
                if let Some(text) = disk.filter(|_| !keep).and_then(recent) {
                    return text;
                }
                let again = disk
                    .and_then(|disk| crate::vfs::read_host(disk).ok())
                    .filter(|bytes| bytes.len() == len && content_hash(bytes) == hash);
                match (again, disk) {
                    (Some(text), Some(disk)) => {
                        if keep {
                            *slot = Text::Held(Arc::clone(&text));
                        } else {
                            *RECENT
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                                Some((disk.to_path_buf(), len, hash, Arc::clone(&text)));
                        }
                        text
                    }
                    _ => Arc::from(&[][..]),
                }
            }
        }
    }

    /// The length of the file's bytes, without reading a dropped text again.
    pub fn text_len(&self) -> usize {
        match &*self
            .text
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Text::Held(text) => text.len(),
            Text::Dropped { len, .. } => *len,
        }
    }

    /// Drops the text of a [rereadable](SourceFile::rereadable) file to save memory (a
    /// distribution's pool file is 90 % comments, needed only to show a finding's lines,
    /// fix it or read a suppression comment); [`SourceFile::text`] reads it again. True
    /// when dropped. The bytes stay in memory as long as a parse tree or a caller holds
    /// them.
    ///
    /// Unless `keep_read_again`, a text read again is handed out and not kept (only the
    /// last one read again of all files is, until another is), until
    /// [`SourceFile::keep_text_read_again`]: the rules compute fixes of findings that a
    /// suppression comment then removes, and every such pool file came back to memory at
    /// the run's peak; the report reads the lines of one file after another.
    pub fn drop_text(&self, keep_read_again: bool) -> bool {
        if !self.rereadable {
            return false;
        }
        self.keep_read_again
            .store(keep_read_again, std::sync::atomic::Ordering::Relaxed);
        let mut slot = self
            .text
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Text::Held(text) = &*slot {
            *slot = Text::Dropped {
                len: text.len(),
                hash: content_hash(text),
            };
        }
        true
    }

    /// From now on, a dropped text read again is kept (to show a report's lines, the
    /// file is read once rather than once for every line and column asked).
    pub fn keep_text_read_again(&self) {
        self.keep_read_again
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The same file, marked as coming from `origin` (an image's stock file, a template).
    pub fn with_origin(mut self, origin: Option<Arc<str>>) -> Self {
        self.origin = origin;
        self
    }

    /// What tells this file from others of the same path, for caches that keep files
    /// between runs: a deployment's view and the disk can hold different files under one
    /// path, and an image's stock file is known by its origin.
    pub fn identity(&self) -> (PathBuf, Option<PathBuf>, Option<Arc<str>>) {
        (
            self.path.clone(),
            self.disk_path.clone(),
            self.origin.clone(),
        )
    }

    /// The origin of a file an `envsubst` rendered from a template (the official nginx
    /// image's `/etc/nginx/templates/*.template`, a start script's `envsubst < t > f`):
    /// its `${NAME}` placeholders that the environment did not fill are not nginx
    /// variables.
    pub const ENVSUBST_ORIGIN: &'static str = "envsubst template";

    /// Whether this file is a template an `envsubst` renders, by its name on disk, the
    /// repository file that holds its text, or its origin (a rendered template's text
    /// stands under the render's target name, `conf.d/default.conf`).
    pub fn is_envsubst_template(&self) -> bool {
        let template_name = |p: &std::path::Path| {
            p.extension()
                .is_some_and(|e| e == "template" || e == "tmpl" || e == "tpl")
        };
        template_name(self.disk_path.as_deref().unwrap_or(&self.path))
            || self
                .carrier
                .as_ref()
                .is_some_and(|c| template_name(&c.file))
            || self
                .origin
                .as_deref()
                .is_some_and(|o| o.starts_with(Self::ENVSUBST_ORIGIN))
    }

    /// The name to show for this file: where it was read, else its origin and path.
    pub fn display_path(&self) -> PathBuf {
        match (&self.disk_path, &self.origin) {
            (Some(disk), _) => disk.clone(),
            (None, Some(origin)) => PathBuf::from(format!("<{origin}>{}", self.path.display())),
            (None, None) => self.path.clone(),
        }
    }

    fn line_starts(&self, text: &[u8]) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                memchr::memchr_iter(b'\n', text).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// Line and column of a byte offset (clamped to the file).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let text = self.text();
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let starts = self.line_starts(&text);
        let line_idx = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = starts[line_idx] as usize;
        let prefix = text.get(line_start..offset as usize).unwrap_or_default();
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
        let text = self.text();
        let starts = self.line_starts(&text);
        let Some(&start) = starts.get(line.saturating_sub(1) as usize) else {
            return text.len()..text.len();
        };
        let end = starts
            .get(line as usize)
            .map(|e| (*e as usize).saturating_sub(1))
            .unwrap_or(text.len());
        start as usize..end.max(start as usize)
    }

    /// The text of a span, lossily decoded.
    pub fn snippet(&self, span: Span) -> String {
        let text = self.text();
        let end = (span.end as usize).min(text.len());
        let start = (span.start as usize).min(end);
        String::from_utf8_lossy(&text[start..end]).into_owned()
    }
}

/// Owns every file read during a run. Append-only and shareable across threads.
///
/// Ids are dense from 0 unless the map draws them from an [`IdSource`] a parse cache
/// keeps between runs: then a file parsed by an earlier run
/// can be [adopted](SourceMap::adopt) at the id its parse tree's spans carry, and new
/// files get ids no earlier run used.
#[derive(Debug, Default)]
pub struct SourceMap {
    inner: RwLock<Slots>,
    ids: Option<IdSource>,
}

#[derive(Debug, Default)]
struct Slots {
    /// Files by id. Keyed rather than indexed: a map that shares an [`IdSource`] holds
    /// ids an editor session has grown with every edit, and a table up to the largest
    /// would grow with them.
    files: foldhash::HashMap<u32, Arc<SourceFile>>,
    /// One past the largest id held.
    bound: usize,
    /// Every add and adoption in order (an id adopted twice is listed twice), so that
    /// a run can tell which files it read when several runs share the map.
    order: Vec<FileId>,
}

/// Hands out file ids across the maps of many runs (an editor session's cache), so
/// that an id names one file version for the whole session.
#[derive(Clone, Debug, Default)]
pub struct IdSource(Arc<std::sync::atomic::AtomicU32>);

impl IdSource {
    /// A source starting at id 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when both hand out the same ids (clones of one source).
    pub fn same(&self, other: &IdSource) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn next(&self) -> FileId {
        // Saturates instead of wrapping: a wrapped id would name an older file. Four
        // billion files is beyond any session; past it ids repeat the last one.
        let previous = self.0.fetch_update(
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
            |id| Some(id.saturating_add(1)),
        );
        FileId(previous.unwrap_or(u32::MAX))
    }
}

/// Where a run's reading began in a shared map (see [`SourceMap::mark`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark(usize);

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map whose new files take their ids from `ids`.
    pub fn with_ids(ids: IdSource) -> Self {
        SourceMap {
            inner: RwLock::default(),
            ids: Some(ids),
        }
    }

    /// The source this map draws ids from, if it shares one.
    pub fn id_source(&self) -> Option<&IdSource> {
        self.ids.as_ref()
    }

    fn place(slots: &mut Slots, id: FileId, file: Arc<SourceFile>) {
        slots.bound = slots.bound.max(id.0 as usize + 1);
        slots.files.insert(id.0, file);
        slots.order.push(id);
    }

    /// Adds a file and returns its id.
    pub fn add(&self, file: SourceFile) -> FileId {
        let mut slots = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let id = match &self.ids {
            Some(ids) => ids.next(),
            None => FileId(u32::try_from(slots.bound).unwrap_or(u32::MAX)),
        };
        Self::place(&mut slots, id, Arc::new(file));
        id
    }

    /// Takes in a file an earlier run of the same [`IdSource`] added, at its id (its
    /// parse tree is reused as it is). Adopting it again in the same map is allowed.
    pub fn adopt(&self, id: FileId, file: Arc<SourceFile>) {
        let mut slots = self.inner.write().unwrap_or_else(|e| e.into_inner());
        Self::place(&mut slots, id, file);
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
        let slots = self.inner.read().unwrap_or_else(|e| e.into_inner());
        match slots.files.get(&id.0) {
            Some(file) => Arc::clone(file),
            None => panic!("file id {} is not in this source map", id.0),
        }
    }

    /// Finds a file by the path it was added under.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        let slots = self.inner.read().unwrap_or_else(|e| e.into_inner());
        slots
            .files
            .iter()
            .filter(|(_, f)| f.path == path)
            .map(|(id, _)| FileId(*id))
            .min()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        let slots = self.inner.read().unwrap_or_else(|e| e.into_inner());
        slots.files.len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the map holds `id`.
    pub fn contains(&self, id: FileId) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .contains_key(&id.0)
    }

    /// One past the largest id in the map: what a table indexed by id needs (ids are
    /// dense from 0 unless the map shares an [`IdSource`]).
    pub fn id_bound(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).bound
    }

    /// The point a run starts reading from; [`SourceMap::read_since`] then lists what it read.
    pub fn mark(&self) -> Mark {
        Mark(
            self.inner
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .order
                .len(),
        )
    }

    /// Files added or adopted since `mark`, each once, in the order they came.
    pub fn read_since(&self, mark: Mark) -> Vec<FileId> {
        let slots = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let mut seen = std::collections::HashSet::new();
        slots.order[mark.0.min(slots.order.len())..]
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// All files, in id order.
    pub fn files(&self) -> Vec<(FileId, Arc<SourceFile>)> {
        let slots = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let mut all: Vec<(FileId, Arc<SourceFile>)> = slots
            .files
            .iter()
            .map(|(id, f)| (FileId(*id), Arc::clone(f)))
            .collect();
        all.sort_unstable_by_key(|(id, _)| *id);
        all
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

    /// A pool file written to a temporary folder and read from it as it is.
    fn pool_on_disk(text: &str) -> (tempfile::TempDir, PathBuf, SourceFile) {
        let dir = tempfile::tempdir().expect("tempdir");
        let disk = dir.path().join("www.conf");
        std::fs::write(&disk, text).expect("write");
        let bytes: Arc<[u8]> = std::fs::read(&disk).expect("read").into();
        let file =
            SourceFile::new(disk.clone(), Some(disk.clone()), FileKind::Fpm, bytes).rereadable();
        (dir, disk, file)
    }

    #[test]
    fn dropped_text_is_read_again_from_the_disk() {
        let (_dir, _, file) = pool_on_disk("[www]\n; a comment\nlisten = 9000\n");
        let before = file.text();
        assert!(file.drop_text(true));
        drop(before);
        assert_eq!(file.text_len(), 32);
        assert_eq!(
            file.line_col(28),
            LineCol {
                line: 3,
                column: 11
            }
        );
        assert_eq!(&file.text()[..], b"[www]\n; a comment\nlisten = 9000\n");
        // Read again, it is kept: the same bytes every time.
        assert!(Arc::ptr_eq(&file.text(), &file.text()));
    }

    #[test]
    fn a_text_read_again_is_kept_until_another_is_or_when_asked() {
        let (_dir, _, file) = pool_on_disk("listen = 9000\n");
        let (_other_dir, _, other) = pool_on_disk("listen = 9001\n");
        assert!(file.drop_text(false));
        assert!(other.drop_text(false));
        let first = file.text();
        assert!(
            Arc::ptr_eq(&first, &file.text()),
            "the last text read again is kept"
        );
        assert_eq!(&other.text()[..], b"listen = 9001\n");
        let again = file.text();
        assert!(
            !Arc::ptr_eq(&first, &again),
            "read again once another file was"
        );
        assert_eq!(&again[..], b"listen = 9000\n");
        file.keep_text_read_again();
        assert!(Arc::ptr_eq(&file.text(), &file.text()));
        assert_eq!(&other.text()[..], b"listen = 9001\n");
        assert!(Arc::ptr_eq(&file.text(), &file.text()), "kept when asked");
    }

    #[test]
    fn dropped_text_of_a_changed_file_is_empty_not_wrong() {
        let (_dir, disk, file) = pool_on_disk("listen = 9000\n");
        assert!(file.drop_text(true));
        std::fs::write(&disk, "listen = 9001\n").expect("write");
        assert!(file.text().is_empty());
        assert_eq!(file.text_len(), 14, "the length is the one read");
    }

    #[test]
    fn only_a_file_read_as_it_is_on_disk_drops_its_text() {
        let edited = SourceFile::new("/x.conf".into(), None, FileKind::Fpm, b"a = 1\n"[..].into())
            .rereadable();
        assert!(
            !edited.drop_text(true),
            "no disk path: nothing to read again"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let disk = dir.path().join("x.conf");
        std::fs::write(&disk, "a = 1\n").expect("write");
        // A deployment's view may have edited the bytes it read from the disk.
        let viewed = SourceFile::new(
            "/x.conf".into(),
            Some(disk),
            FileKind::Fpm,
            b"a = 1\nb = 2\n"[..].into(),
        );
        assert!(!viewed.drop_text(true));
        assert_eq!(&viewed.text()[..], b"a = 1\nb = 2\n");
    }

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
        assert_eq!(&f.text()[f.line_range(2)], "çd ef".as_bytes());
    }

    /// The scan every line in order that `Carrier::locate` was before it used an index.
    fn scanned(carrier_text: &str, embedded: &str) -> Option<(u32, u32)> {
        let inner: Vec<&str> = embedded.lines().collect();
        let first = inner.iter().position(|l| !l.trim().is_empty())?;
        let lines: Vec<&str> = carrier_text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if trimmed != inner[first].trim_start()
                || line.get(indent..) != Some(inner[first])
                || i < first
            {
                continue;
            }
            let start = i - first;
            let fits = inner.iter().enumerate().all(|(k, want)| {
                lines.get(start + k).is_some_and(|got| {
                    (want.is_empty() && got.trim().is_empty())
                        || (got.len() >= indent
                            && got.is_char_boundary(indent)
                            && got[..indent].trim().is_empty()
                            && &got[indent..] == *want)
                })
            });
            if fits {
                return Some((start as u32 + 1, indent as u32));
            }
        }
        None
    }

    #[test]
    fn located_with_an_index_as_by_a_scan() {
        // Look-alikes before the real place (a shorter copy, another indentation, a
        // text that starts alike and differs later), empty lines, texts that start
        // with empty lines or indentation, texts found nowhere.
        let carrier = "kind: ConfigMap\ndata:\n  a.conf: |\n    server {\n      listen 80;\n    }\n  b.conf: |\n    server {\n\n      listen 81;\n    }\n  c.conf: |\n      server {\n        listen 81;\n      }\n  d: |\n    x\n    x\n    y\n";
        let texts = [
            "server {\n  listen 80;\n}\n",
            "server {\n\n  listen 81;\n}\n",
            "server {\n  listen 81;\n}\n",
            "\n\nserver {\n  listen 81;\n}\n",
            "  server {\n",
            "x\ny\n",
            "x\nx\ny\n",
            "listen 81;\n}\n",
            "}\n  b.conf: |\n",
            "nowhere\n",
            "\n\n",
            "",
        ];
        let lines = CarrierLines::new(carrier);
        for text in texts {
            let indexed = lines
                .locate(PathBuf::from("k.yaml"), text)
                .map(|c| (c.line, c.column));
            assert_eq!(indexed, scanned(carrier, text), "{text:?}");
        }
        // Many pairs of one manifest, each found at its own place.
        let mut manifest = String::new();
        for i in 0..200 {
            manifest.push_str(&format!(
                "---\ndata:\n  site.conf: |\n    server {{\n      server_name s{i};\n    }}\n"
            ));
        }
        let lines = CarrierLines::new(&manifest);
        for i in [0, 7, 199] {
            let text = format!("server {{\n  server_name s{i};\n}}\n");
            let found = lines.locate(PathBuf::from("k.yaml"), &text);
            assert_eq!(
                found.as_ref().map(|c| (c.line, c.column)),
                scanned(&manifest, &text)
            );
            assert_eq!(found.as_ref().map(|c| c.line), Some(6 * i + 4));
        }
    }
}
