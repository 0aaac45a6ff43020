//! Reading a configuration tree: the main file, every `include` (globs in
//! nginx's order, relative paths against the conf directory), from disk
//! (optionally under `--root`) or from an `nginx -T` dump.

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::{Diagnostic, FileId, FileKind, SourceFile, SourceMap, Span};
use rayon::prelude::*;

use crate::ast::ParsedFile;
use crate::cache::{IncludeSite, ParseCache, Parsed};
use crate::codes::{INCLUDE_CYCLE, INCLUDE_NOT_FOUND, INCLUDE_UNKNOWN, UNREADABLE};
use crate::config::Config;
use crate::parse::parse_text;
pub use lint_source::vfs::normalize;
use lint_source::vfs::{
    glob_matches, has_glob, sort_like_glob, Fetched, FileSystem, FsError, HostFs, RootFs,
};

/// Includes nested deeper than this are cut and reported.
const MAX_INCLUDE_DEPTH: usize = 32;

/// Where and how to read a tree.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--root DIR`: absolute paths are read under DIR (a checked-out copy of /).
    pub root: Option<PathBuf>,
    /// nginx's `-p` prefix; relative main paths resolve against it.
    pub prefix: Option<PathBuf>,
    /// The filesystem to read from (a deployment's container view); when `None`, the
    /// root's ([`RootFs`]) or the host's.
    pub fs: Option<Arc<dyn FileSystem>>,
    /// nginx's conf prefix (where relative includes resolve: the directory of the
    /// compiled-in nginx.conf); `None`: the main file's directory.
    pub conf_prefix: Option<PathBuf>,
    /// Parse trees of earlier runs to reuse for files whose bytes did not change (the
    /// map must draw its ids from [`ParseCache::ids`]; otherwise every file is parsed).
    pub cache: Option<Arc<ParseCache>>,
}

impl LoadOptions {
    /// The filesystem these options read from.
    pub fn filesystem(&self) -> Arc<dyn FileSystem> {
        match (&self.fs, &self.root) {
            (Some(fs), _) => fs.clone(),
            (None, Some(root)) => Arc::new(RootFs::new(root)),
            (None, None) => Arc::new(HostFs::new()),
        }
    }
}

/// The words of an NGX005 about a repository file filled in before nginx reads it
/// (shown even when the include naming it is in the image's own nginx.conf: the file is
/// the repository's).
pub const FILLED_AT_START: &str = "is filled in before the server reads it";

/// nginx's words for a failed open.
/// What the loader reads from, for what a file it cannot read means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    /// The disk, or a deployment's view of its containers.
    Files,
    /// A copy of `/` (`--root`): a file it cannot tell of is in a tree it does not hold.
    CopyOfRoot,
    /// `nginx -T` output: it prints every file nginx read, so a file missing from it was
    /// left out of the paste.
    Dump,
}

fn open_message(path: &Path, e: &FsError, view: View) -> String {
    match e {
        FsError::Unknown if view == View::Dump => format!(
            "\"{}\" is not in the dump: `nginx -T` prints every file nginx reads, so the paste was trimmed or cut off; it is not linted",
            path.display()
        ),
        FsError::Unknown if view == View::CopyOfRoot => format!(
            "\"{}\" is in a tree this copy of / does not hold: what it holds is not known",
            path.display()
        ),
        FsError::IsDirectory => format!("pread() \"{}\" failed (21: Is a directory)", path.display()),
        FsError::Unknown => format!(
            "\"{}\" is not provided by this deployment (not in the repository, not a stock file of its image)",
            path.display()
        ),
        FsError::Unrendered(why) => format!(
            "\"{}\" {FILLED_AT_START} ({why}): what nginx reads there is not known, and it is not linted",
            path.display()
        ),
        other => format!("open() \"{}\" failed ({})", path.display(), other.errno_text()),
    }
}

#[derive(Debug)]
struct Dump {
    files: HashMap<PathBuf, Arc<[u8]>>,
}

impl FileSystem for Dump {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        self.files
            .get(path)
            .map(|b| Fetched {
                carrier: None,
                bytes: b.clone(),
                disk_path: None,
                origin: None,
            })
            // Not "no such file": the dump says nothing of the disk.
            .ok_or(FsError::Unknown)
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

    fn is_dir(&self, _: &Path) -> Option<bool> {
        None
    }

    fn disk_path(&self, _: &Path) -> Option<PathBuf> {
        None
    }
}

/// Reads `path` (nginx.conf or a snippet) and everything it includes.
pub fn load(path: &Path, opts: &LoadOptions, map: &SourceMap) -> Config {
    let provider = opts.filesystem();
    let main = match (path.is_absolute(), &opts.prefix) {
        (false, Some(prefix)) => prefix.join(path),
        _ => path.to_path_buf(),
    };
    let main = normalize(&main);
    Loader {
        provider: &*provider,
        // A copy of / read with its packages' stock files beside it (a view of its own)
        // is still a copy of /: what it lacks is "not in the copy", not "not deployed".
        view: if opts.root.is_some() {
            View::CopyOfRoot
        } else {
            View::Files
        },
        map,
        cache: opts.cache.as_deref(),
        conf_prefix: opts
            .conf_prefix
            .clone()
            .unwrap_or_else(|| main.parent().map(Path::to_path_buf).unwrap_or_default()),
    }
    .run(&main)
}

/// Whether a line is something a paste of `nginx -T` carries around the dump rather than
/// configuration: a Markdown fence, nginx's status and error lines (`nginx: the
/// configuration file ... test is successful`, `2026/12/05 13:14:56 [warn] ...`), a
/// shell prompt or the command (`root@web1:~# nginx -T`).
fn paste_noise(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    if line.starts_with(b"```") || line.starts_with(b"nginx: ") {
        return true;
    }
    // nginx's log format: `YYYY/MM/DD HH:MM:SS [level] pid#tid: ...`.
    let logged = line.len() > 21
        && line[..4].iter().all(u8::is_ascii_digit)
        && line[4] == b'/'
        && line[7] == b'/'
        && line[10] == b' '
        && line[13] == b':'
        && line[19..].starts_with(b" [");
    if logged {
        return true;
    }
    // `user@host:~$ `, `root@web1:/etc/nginx# nginx -T`, `$ sudo nginx -T`.
    let text = String::from_utf8_lossy(line);
    let prompt_end = text
        .find("$ ")
        .or_else(|| text.find("# "))
        .map_or(text.ends_with(['$', '#']), |_| true);
    let prompt =
        text.contains('@') && text.contains(':') && prompt_end && !text.contains(['{', '}', ';']);
    prompt || text.starts_with("$ ") || text == "$" || text.contains("nginx -T")
}

/// Where a pasted dump ends: before a closing Markdown fence after the last file (and
/// the prose that follows it), and before the lines nginx or a shell print after the
/// dump (a prompt, nginx's `test failed` footer). Read as part of the last file, they
/// were syntax errors at lines that file does not have.
fn paste_end(text: &[u8], last_start: usize) -> usize {
    let tail = &text[last_start.min(text.len())..];
    // A fence in the last file closes the paste, whatever follows it.
    let mut at = 0;
    for line in tail.split(|&b| b == b'\n') {
        if line.trim_ascii().starts_with(b"```") {
            return last_start + at;
        }
        at += line.len() + 1;
    }
    // Trailing noise lines, from the end.
    let mut end = text.len();
    loop {
        let body = &text[last_start.min(end)..end];
        let trimmed = body.trim_ascii_end();
        let line_start = trimmed
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let last = &trimmed[line_start..];
        if trimmed.is_empty() || !paste_noise(last) || last.trim_ascii().starts_with(b"#") {
            return end;
        }
        end = last_start + line_start;
    }
}

/// Whether `text` is `nginx -T` output (saved to a file, or pasted with its Markdown
/// fence): its first line that is not blank, a fence, one of nginx's own status or log
/// lines (`nginx: the configuration file ... syntax is ok`, a timestamped `[warn]` of a
/// `2>&1` capture) or a shell prompt is a `# configuration file PATH:` marker; or it is
/// the output of an `nginx -T` that failed (its `[emerg]` line and `test failed`).
/// Read as one nginx.conf, a dump is every file of the tree at the top level.
///
/// ```
/// use nginx_conf_parser::is_dump;
/// assert!(is_dump(b"nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\nevents {}\n"));
/// assert!(is_dump(b"2026/12/05 13:14:56 [warn] 395#395: conflicting server name \"a\" on 0.0.0.0:80, ignored\n# configuration file /etc/nginx/nginx.conf:\nevents {}\n"));
/// assert!(!is_dump(b"# configuration file for the shop\nevents {}\n"));
/// ```
pub fn is_dump(text: &[u8]) -> bool {
    const MARK: &[u8] = b"# configuration file ";
    let first = text
        .split(|&b| b == b'\n')
        .map(|line| line.trim_ascii())
        .take(64)
        .find(|line| !line.is_empty() && (line.starts_with(MARK) || !paste_noise(line)));
    let marked = first.is_some_and(|line| {
        line.starts_with(MARK) && line.ends_with(b":") && line.len() > MARK.len() + 1
    });
    marked || failed_test(text).is_some()
}

/// The `[emerg]` line of an `nginx -T` that failed (`nginx: [emerg] unknown directive
/// "retrun" in /etc/nginx/conf.d/a.conf:4` or its timestamped form, followed by `nginx:
/// configuration file ... test failed`), as (its offset, nginx's message).
fn failed_test(text: &[u8]) -> Option<(usize, String)> {
    let head = &text[..text.len().min(64 * 1024)];
    let failed = head
        .windows(b"test failed".len())
        .any(|w| w == b"test failed");
    if !failed {
        return None;
    }
    let mut at = 0;
    for line in head.split(|&b| b == b'\n') {
        let text = String::from_utf8_lossy(line);
        if let Some(i) = text.find("[emerg] ") {
            let message = text[i + "[emerg] ".len()..].trim();
            // `pid#tid: ` of the timestamped form.
            let message = message
                .split_once(": ")
                .filter(|(pid, _)| pid.bytes().all(|b| b.is_ascii_digit() || b == b'#'))
                .map_or(message, |(_, m)| m);
            return Some((at, message.to_string()));
        }
        at += line.len() + 1;
    }
    None
}

/// Where a marker line may stand: not inside a block, a quoted string or a comment of the
/// file being read. nginx prints `# configuration file PATH:` only between files, so such a
/// line inside a block (a comment copied from an old dump) or inside a multi-line string
/// is that file's content.
#[derive(Default)]
struct SectionScan {
    depth: i64,
    quote: Option<u8>,
}

impl SectionScan {
    fn feed(&mut self, line: &[u8]) {
        let mut escaped = false;
        let mut at_word_start = true;
        for &b in line {
            if let Some(q) = self.quote {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == q {
                    self.quote = None;
                }
                at_word_start = false;
                continue;
            }
            match b {
                b'#' if at_word_start => break,
                b'"' | b'\'' if at_word_start => self.quote = Some(b),
                b'{' => self.depth += 1,
                b'}' => self.depth -= 1,
                _ => {}
            }
            at_word_start = matches!(b, b' ' | b'\t' | b'\r' | b';' | b'{' | b'}');
        }
    }

    /// Between statements at the top level of the file.
    fn at_top(&self) -> bool {
        self.depth <= 0 && self.quote.is_none()
    }
}

/// Splits `nginx -T` output into its files and loads them as if read from disk. A dump
/// that is cut off (its last file ends inside a block or a string) is said so; a failed
/// `nginx -T` (no file printed, its `[emerg]` line) is reported with nginx's message.
pub fn from_dump(name: &Path, text: &[u8], map: &SourceMap) -> Config {
    let mut files: HashMap<PathBuf, Arc<[u8]>> = HashMap::new();
    let mut order: Vec<PathBuf> = Vec::new();
    const MARK: &[u8] = b"# configuration file ";
    let mut current: Option<(PathBuf, usize)> = None;
    let mut scan = SectionScan::default();
    let mut pos = 0;
    let body = |start: usize, end: usize| {
        // -T appends one LF after each file's bytes.
        let mut body = &text[start..end.max(start)];
        if body.ends_with(b"\n") {
            body = &body[..body.len() - 1];
            // In a CRLF copy, that LF came with its CR.
            if body.ends_with(b"\r") {
                body = &body[..body.len() - 1];
            }
        }
        body
    };
    while pos < text.len() {
        let line_end = text[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |p| pos + p);
        let line = &text[pos..line_end];
        // A dump saved on Windows (or pasted through it) has CRLF lines; nginx reads
        // CRLF files as it reads LF ones.
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let marker = line.starts_with(MARK) && line.ends_with(b":") && scan.at_top();
        // nginx prints each path once; a path printed again (a hand-edited paste) still
        // starts a section, and the first one's text is what is read.
        let path = marker.then(|| {
            normalize(Path::new(&*String::from_utf8_lossy(
                &line[MARK.len()..line.len() - 1],
            )))
        });
        match path {
            Some(path) => {
                if let Some((done, start)) = current.take() {
                    files
                        .entry(done)
                        .or_insert_with(|| Arc::from(body(start, pos)));
                }
                order.push(path.clone());
                current = Some((path, (line_end + 1).min(text.len())));
                scan = SectionScan::default();
            }
            None => {
                if current.is_some() {
                    scan.feed(line);
                }
            }
        }
        pos = line_end + 1;
    }
    let mut cut_off: Option<(PathBuf, usize)> = None;
    if let Some((last, start)) = current.take() {
        let end = paste_end(text, start);
        let mut tail = SectionScan::default();
        // Where the outermost block still open at the cut begins (file-relative): what
        // the rules say is missing from it may stand after the cut.
        let mut open_at = None;
        let mut at = 0;
        for line in text[start..end].split(|&b| b == b'\n') {
            let was_top = tail.at_top();
            tail.feed(line);
            if was_top && !tail.at_top() {
                open_at = Some(at);
            } else if tail.at_top() {
                open_at = None;
            }
            at += line.len() + 1;
        }
        // nginx ends every file it prints with a line feed: a dump whose last line has
        // none, and is no complete statement, was cut there.
        let last_line = text[start..end]
            .split(|&b| b == b'\n')
            .next_back()
            .unwrap_or_default()
            .trim_ascii();
        let mid_line =
            !last_line.is_empty() && !last_line.ends_with(b";") && !last_line.ends_with(b"}");
        if !tail.at_top() || mid_line {
            let last_line_at = text[start..end]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            cut_off = Some((last.clone(), open_at.unwrap_or(last_line_at)));
        }
        files
            .entry(last)
            .or_insert_with(|| Arc::from(body(start, end)));
    }
    let Some(main) = order.first().cloned() else {
        let mut config = Config::default();
        let id = map.add(SourceFile::new(
            name.to_path_buf(),
            None,
            FileKind::Other,
            Arc::from(text),
        ));
        let (at, message) = match failed_test(text) {
            Some((at, emerg)) => (
                at,
                format!("`nginx -T` failed and printed no configuration: nginx said `{emerg}`; fix that and run it again (it prints the files only when the test passes)"),
            ),
            None if text.trim_ascii().is_empty() => (
                0,
                "the `nginx -T` output is empty: nginx printed nothing to it (its errors go to stderr: capture them with `2>&1`)".to_string(),
            ),
            None => (
                0,
                "not an `nginx -T` dump: no \"# configuration file PATH:\" line found".to_string(),
            ),
        };
        config
            .diagnostics
            .push(Diagnostic::new(&UNREADABLE, Span::point(id, at), message));
        return config;
    };
    let conf_prefix = dump_conf_prefix(&order, &files);
    let provider = Dump { files };
    let mut config = Loader {
        provider: &provider,
        view: View::Dump,
        map,
        conf_prefix,
        cache: None,
    }
    .run(&main);
    if let Some((last, open_at)) = cut_off {
        let id = config
            .files
            .iter()
            .find(|(_, f)| map.get(f.id).path == last)
            .map(|(id, f)| (*id, f.text.len()));
        if let Some((id, len)) = id {
            config.cut_off = Some(Span::new(id, open_at.min(len), len));
            let mut note = Diagnostic::new(
                &UNREADABLE,
                Span::point(id, len),
                format!(
                    "the dump ends inside {}: the paste looks cut off; what followed is not linted, and what it defined (variables, upstreams) is missing from the findings",
                    last.display()
                ),
            );
            note.severity = lint_source::Severity::Note;
            config.diagnostics.push(note);
        }
        // The syntax error at the end of the last file is the paste's, not the file's.
        for d in &mut config.diagnostics {
            let at_end = d.primary.as_ref().is_some_and(|p| {
                map.get(p.span.file).path == last && d.message.contains("unexpected end of file")
            });
            if at_end {
                d.severity = lint_source::Severity::Note;
                d.notes.push(format!(
                    "the dump ends inside {}: the paste looks cut off, and what followed is not linted",
                    last.display()
                ));
            }
        }
    }
    config
}

/// Where a dump's relative paths resolve. `nginx -T` prints the main file first, so its
/// directory is nginx's conf prefix, whatever the file is called (`-c prod.conf`): the
/// first file is taken for the main one when it is named `nginx.conf` or holds the main
/// file's blocks (`events`, `http`). Dumps pasted into issues are often trimmed to the
/// interesting files (`conf.d/site.conf` first, `fastcgi_params` later); the main file's
/// directory is then the nearest directory holding every dumped file, since nginx dumps
/// only files under or beside its own (was: the first file's directory, so `include
/// fastcgi_params` in conf.d/site.conf failed although /etc/nginx/fastcgi_params was dumped).
fn dump_conf_prefix(order: &[PathBuf], files: &HashMap<PathBuf, Arc<[u8]>>) -> PathBuf {
    let Some(first) = order.first() else {
        return PathBuf::new();
    };
    let first_dir = first.parent().map(Path::to_path_buf).unwrap_or_default();
    let holds_main_blocks = files.get(first).is_some_and(|text| {
        text.split(|&b| b == b'\n').any(|line| {
            let line = line.trim_ascii_start();
            ["events", "http"].iter().any(|block| {
                line.strip_prefix(block.as_bytes()).is_some_and(|rest| {
                    rest.first()
                        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'{'))
                })
            })
        })
    });
    if holds_main_blocks || first.file_name().is_some_and(|n| n == "nginx.conf") {
        return first_dir;
    }
    order.iter().skip(1).fold(first_dir, |common, path| {
        let dir = path.parent().unwrap_or(Path::new(""));
        common
            .ancestors()
            .find(|a| dir.starts_with(a))
            .map(Path::to_path_buf)
            .unwrap_or_default()
    })
}

/// A file read and parsed, or why it could not be.
type ReadResult = Result<Parsed, FsError>;
/// An include edge: the include statement's span and the files it names.
type IncludeEdge = (Span, Vec<FileId>);
/// Each include site of a file with the paths it resolved to.
type SiteTargets = Vec<(IncludeSite, Arc<[PathBuf]>)>;

struct Loader<'a> {
    provider: &'a dyn FileSystem,
    /// What is read: a file it cannot tell of is in a tree a copy of `/` does not hold,
    /// or left out of a dump, not one a deployment leaves out.
    view: View,
    map: &'a SourceMap,
    conf_prefix: PathBuf,
    cache: Option<&'a ParseCache>,
}

pub(crate) fn collect_includes(file: &ParsedFile) -> Vec<IncludeSite> {
    let mut out = Vec::new();
    let mut stack: Vec<&[crate::ast::Directive]> = vec![&file.directives];
    while let Some(dirs) = stack.pop() {
        for d in dirs {
            match &d.block {
                Some(block) => stack.push(&block.directives),
                None if d.args.len() == 1 && file.bytes(&d.name) == b"include" => {
                    out.push(IncludeSite {
                        span: d.span,
                        pattern: file.str(&d.args[0]).into_owned(),
                    });
                }
                None => {}
            }
        }
    }
    out
}

impl Loader<'_> {
    fn read_and_parse(&self, path: &Path) -> ReadResult {
        let fetched = self.provider.read(path)?;
        let source = SourceFile::new(
            path.to_path_buf(),
            fetched.disk_path,
            FileKind::Nginx,
            fetched.bytes,
        )
        .with_origin(fetched.origin)
        .with_carrier(fetched.carrier);
        let cache = self.cache.filter(|c| c.serves(self.map));
        if let Some(hit) = cache.and_then(|c| c.reuse(&source, self.map)) {
            return Ok(hit);
        }
        // Checked for UTF-8 once, and kept as one allocation the tree reads words from.
        let text = crate::ast::Text::new(source.text());
        let source = SourceFile::new(source.path, source.disk_path, source.kind, text.bytes())
            .with_origin(source.origin)
            .with_carrier(source.carrier);
        let id = self.map.add(source);
        let source = self.map.get(id);
        let (file, diagnostics) = parse_text(id, text);
        let parsed = Parsed {
            includes: collect_includes(&file).into(),
            source,
            file: Arc::new(file),
            diagnostics: diagnostics.into(),
        };
        if let Some(cache) = cache {
            cache.keep(&parsed);
        }
        Ok(parsed)
    }

    fn run(&self, main: &Path) -> Config {
        let mut config = Config::default();
        let mut parsed: HashMap<PathBuf, FileId> = HashMap::new();
        let mut pending: Vec<Arc<[IncludeSite]>> = Vec::new();
        match self.read_and_parse(main) {
            Ok(file) => {
                config.diagnostics.extend(file.diagnostics.iter().cloned());
                let id = file.file.id;
                parsed.insert(main.to_path_buf(), id);
                config.root = Some(id);
                pending.push(file.includes.clone());
                config.files.insert(id, file.file);
            }
            Err(error) => {
                let id = self.map.add(SourceFile::new(
                    main.to_path_buf(),
                    self.provider.disk_path(main),
                    FileKind::Nginx,
                    Arc::from(&b""[..]),
                ));
                config.diagnostics.push(Diagnostic::new(
                    &UNREADABLE,
                    Span::point(id, 0),
                    open_message(main, &error, self.view),
                ));
                return config;
            }
        }
        // Breadth-first over include sites; each new level's files are read and parsed in parallel.
        // A pattern is resolved once: site files that each include their own directory
        // would otherwise read it once per file (1 000 files: a million directory entries).
        let mut globbed: HashMap<String, Arc<[PathBuf]>> = HashMap::new();
        while !pending.is_empty() {
            let mut wanted: Vec<PathBuf> = Vec::new();
            let mut wanted_set: foldhash::HashSet<PathBuf> = foldhash::HashSet::default();
            let mut resolved: SiteTargets = Vec::new();
            for sites in pending.drain(..) {
                for site in sites.iter() {
                    let raw = Path::new(&site.pattern);
                    let full = normalize(&if raw.is_absolute() {
                        raw.to_path_buf()
                    } else {
                        self.conf_prefix.join(raw)
                    });
                    let full_str = full.to_string_lossy().into_owned();
                    let targets = if has_glob(&full_str) {
                        let cached = globbed.get(&full_str).cloned();
                        match cached {
                            Some(found) => found,
                            None => {
                                let found: Arc<[PathBuf]> = match self.provider.glob(&full) {
                                    Ok(found) => found.into(),
                                    Err(error) => {
                                        config.diagnostics.push(Diagnostic::new(
                                            if matches!(
                                                error,
                                                FsError::Unknown | FsError::Unrendered(_)
                                            ) {
                                                &INCLUDE_UNKNOWN
                                            } else {
                                                &UNREADABLE
                                            },
                                            site.span,
                                            open_message(&full, &error, self.view),
                                        ));
                                        Arc::from(Vec::new())
                                    }
                                };
                                globbed.insert(full_str, found.clone());
                                found
                            }
                        }
                    } else {
                        Arc::from([full])
                    };
                    for t in targets.iter() {
                        if !parsed.contains_key(t) && wanted_set.insert(t.clone()) {
                            wanted.push(t.clone());
                        }
                    }
                    resolved.push((site.clone(), targets));
                }
            }
            let results: Vec<(PathBuf, ReadResult)> = wanted
                .into_par_iter()
                .map(|p| {
                    let r = self.read_and_parse(&p);
                    (p, r)
                })
                .collect();
            let mut failures: HashMap<PathBuf, FsError> = HashMap::new();
            for (path, result) in results {
                match result {
                    Ok(file) => {
                        config.diagnostics.extend(file.diagnostics.iter().cloned());
                        let id = file.file.id;
                        parsed.insert(path, id);
                        pending.push(file.includes.clone());
                        config.files.insert(id, file.file);
                    }
                    Err(message) => {
                        failures.insert(path, message);
                    }
                }
            }
            for (site, targets) in resolved {
                let mut ids = Vec::new();
                for t in targets.iter() {
                    if let Some(id) = parsed.get(t) {
                        ids.push(*id);
                    } else if let Some(error) = failures.get(t) {
                        let meta = match error {
                            FsError::NotFound => &INCLUDE_NOT_FOUND,
                            FsError::Unknown | FsError::Unrendered(_) => &INCLUDE_UNKNOWN,
                            _ => &UNREADABLE,
                        };
                        config.diagnostics.push(Diagnostic::new(
                            meta,
                            site.span,
                            open_message(t, error, self.view),
                        ));
                    }
                }
                if !ids.is_empty() {
                    config.includes.insert(site.span, ids);
                }
            }
        }
        self.break_cycles(&mut config);
        config
    }

    /// Depth-first over the include graph from the root; an edge to a file on
    /// the current path (a cycle) or past the depth limit is removed and reported.
    fn break_cycles(&self, config: &mut Config) {
        let Some(root) = config.root else { return };
        // Edges per file: (include statement's span, targets), in statement order.
        let mut edges: HashMap<FileId, Vec<IncludeEdge>> = HashMap::new();
        for (span, targets) in &config.includes {
            edges
                .entry(span.file)
                .or_default()
                .push((*span, targets.clone()));
        }
        for list in edges.values_mut() {
            list.sort_unstable_by_key(|(span, _)| span.start);
        }
        let mut cut: Vec<(FileId, Span, String)> = Vec::new();
        // Iterative DFS with the current path; a file is explored once per distinct
        // ancestor chain only when not yet fully explored (memoised as "done").
        let mut state: HashMap<FileId, u8> = HashMap::new(); // 1 = on stack, 2 = done
        let mut stack: Vec<(FileId, usize, usize)> = vec![(root, 0, 0)]; // (file, site idx, target idx)
        state.insert(root, 1);
        while let Some((file, si, ti)) = stack.last().copied() {
            let sites = edges.get(&file).map(Vec::as_slice).unwrap_or(&[]);
            let Some((span, targets)) = sites.get(si) else {
                state.insert(file, 2);
                stack.pop();
                continue;
            };
            let Some(target) = targets.get(ti).copied() else {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                    top.2 = 0;
                }
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.2 += 1;
            }
            match state.get(&target) {
                Some(1) => {
                    let name = self.map.get(target).path.display().to_string();
                    cut.push((target, *span, format!("include cycle: \"{name}\" is already being included here; nginx would read it again and again")));
                }
                Some(_) => {}
                None if stack.len() >= MAX_INCLUDE_DEPTH => {
                    cut.push((
                        target,
                        *span,
                        format!("includes nested deeper than {MAX_INCLUDE_DEPTH} files"),
                    ));
                }
                None => {
                    state.insert(target, 1);
                    stack.push((target, 0, 0));
                }
            }
        }
        // One report per include statement: a glob include of the directory the file sits in
        // closes a cycle with every file of it, and those are one mistake on one line.
        let mut order: Vec<Span> = Vec::new();
        let mut per_site: HashMap<Span, (String, usize)> = HashMap::new();
        for (target, span, message) in cut {
            per_site
                .entry(span)
                .and_modify(|(_, more)| *more += 1)
                .or_insert_with(|| {
                    order.push(span);
                    (message, 0)
                });
            if let Some(targets) = config.includes.get_mut(&span) {
                targets.retain(|t| *t != target);
            }
        }
        for span in order {
            if let Some((message, more)) = per_site.remove(&span) {
                let message = match more {
                    0 => message,
                    1 => format!("{message} (and 1 more file of this include)"),
                    n => format!("{message} (and {n} more files of this include)"),
                };
                config
                    .diagnostics
                    .push(Diagnostic::new(&INCLUDE_CYCLE, span, message));
            }
        }
    }
}
