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
fn open_message(path: &Path, e: &FsError, copy_of_root: bool) -> String {
    match e {
        FsError::Unknown if copy_of_root => format!(
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
            .ok_or(FsError::NotFound)
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
        copy_of_root: opts.fs.is_none() && opts.root.is_some(),
        map,
        cache: opts.cache.as_deref(),
        conf_prefix: opts
            .conf_prefix
            .clone()
            .unwrap_or_else(|| main.parent().map(Path::to_path_buf).unwrap_or_default()),
    }
    .run(&main)
}

/// Where a pasted dump ends: before a closing Markdown fence (```` ``` ```` alone on
/// the last line). Dumps are copied from issues and chats with their fence; read as
/// part of the last file, it was a syntax error at a line that file does not have.
fn paste_end(text: &[u8]) -> usize {
    let trimmed = text.trim_ascii_end();
    let start = trimmed
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let last = trimmed[start..].trim_ascii();
    if last.starts_with(b"```") && !last[3..].contains(&b'`') {
        start
    } else {
        text.len()
    }
}

/// Whether `text` is `nginx -T` output (saved to a file, or pasted with its Markdown
/// fence): its first line that is not blank, a fence or one of nginx's own status lines
/// (`nginx: the configuration file ... syntax is ok`) is a `# configuration file PATH:`
/// marker. Read as one nginx.conf, a dump is every file of the tree at the top level.
///
/// ```
/// use nginx_conf_parser::is_dump;
/// assert!(is_dump(b"nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\nevents {}\n"));
/// assert!(!is_dump(b"# configuration file for the shop\nevents {}\n"));
/// ```
pub fn is_dump(text: &[u8]) -> bool {
    const MARK: &[u8] = b"# configuration file ";
    text.split(|&b| b == b'\n')
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty() && !line.starts_with(b"```") && !line.starts_with(b"nginx: "))
        .is_some_and(|line| {
            line.starts_with(MARK) && line.ends_with(b":") && line.len() > MARK.len() + 1
        })
}

/// Splits `nginx -T` output into its files and loads them as if read from disk.
pub fn from_dump(name: &Path, text: &[u8], map: &SourceMap) -> Config {
    let mut files: HashMap<PathBuf, Arc<[u8]>> = HashMap::new();
    let mut order: Vec<PathBuf> = Vec::new();
    const MARK: &[u8] = b"# configuration file ";
    let mut current: Option<(PathBuf, usize)> = None;
    let mut pos = 0;
    let finish = |current: &mut Option<(PathBuf, usize)>,
                  end: usize,
                  files: &mut HashMap<PathBuf, Arc<[u8]>>| {
        if let Some((path, start)) = current.take() {
            // -T appends one LF after each file's bytes.
            let mut body = &text[start..end.max(start)];
            if body.ends_with(b"\n") {
                body = &body[..body.len() - 1];
                // In a CRLF copy, that LF came with its CR.
                if body.ends_with(b"\r") {
                    body = &body[..body.len() - 1];
                }
            }
            files.entry(path).or_insert_with(|| Arc::from(body));
        }
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
        if line.starts_with(MARK) && line.ends_with(b":") {
            finish(&mut current, pos, &mut files);
            let path = PathBuf::from(
                String::from_utf8_lossy(&line[MARK.len()..line.len() - 1]).into_owned(),
            );
            order.push(path.clone());
            current = Some((path, (line_end + 1).min(text.len())));
        }
        pos = line_end + 1;
    }
    finish(&mut current, paste_end(text), &mut files);
    let Some(main) = order.first().cloned() else {
        let mut config = Config::default();
        let id = map.add(SourceFile::new(
            name.to_path_buf(),
            None,
            FileKind::Other,
            Arc::from(text),
        ));
        config.diagnostics.push(Diagnostic::new(
            &UNREADABLE,
            Span::point(id, 0),
            "not an `nginx -T` dump: no \"# configuration file PATH:\" line found",
        ));
        return config;
    };
    let conf_prefix = dump_conf_prefix(&order);
    let provider = Dump { files };
    Loader {
        provider: &provider,
        copy_of_root: false,
        map,
        conf_prefix,
        cache: None,
    }
    .run(&main)
}

/// Where a dump's relative paths resolve. `nginx -T` prints the main file first, so its
/// directory is nginx's conf prefix. Dumps pasted into issues are often trimmed to the
/// interesting files (`conf.d/site.conf` first, `fastcgi_params` later); the main file's
/// directory is then the nearest directory holding every dumped file, since nginx dumps
/// only files under or beside its own (was: the first file's directory, so `include
/// fastcgi_params` in conf.d/site.conf failed although /etc/nginx/fastcgi_params was dumped).
fn dump_conf_prefix(order: &[PathBuf]) -> PathBuf {
    let Some(first) = order.first() else {
        return PathBuf::new();
    };
    let first_dir = first.parent().map(Path::to_path_buf).unwrap_or_default();
    if first.file_name().is_some_and(|n| n == "nginx.conf") {
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
    /// Reading a copy of `/` (`--root`): a file it cannot tell of is in a tree the copy
    /// does not hold, not one a deployment leaves out.
    copy_of_root: bool,
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
        let text = crate::ast::Text::new(source.text.clone());
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
                    open_message(main, &error, self.copy_of_root),
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
                                            open_message(&full, &error, self.copy_of_root),
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
                            open_message(t, error, self.copy_of_root),
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
