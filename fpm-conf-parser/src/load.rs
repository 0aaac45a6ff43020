//! Loading a php-fpm tree: the main file, `include=` globs (against the
//! prefix, at most 5 files deep), sections that leak across includes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::vfs::{FileSystem, FsError, HostFs, RootFs, MAX_FILE};
use lint_source::{Diagnostic, FileId, FileKind, SourceFile, SourceMap, Span};

use crate::cache::{FpmParseCache, ParsedLines};
use crate::codes::{INCLUDE, UNKNOWN_VAR};
use crate::model::{FpmConfig, PhpIni, Pool};
use crate::parse::{parse_lines, Entry, Env, Line};

/// php-fpm fails at the 6th nested file.
const MAX_INCLUDE_FILES: usize = 5;

/// Where and how to read php-fpm files.
#[derive(Clone, Debug, Default)]
pub struct FpmLoadOptions {
    /// `--root DIR`: absolute paths are read under DIR.
    pub root: Option<PathBuf>,
    /// php-fpm's `-p` prefix; `None` = `/usr` (Debian's PHP_PREFIX).
    pub prefix: Option<PathBuf>,
    /// Values for `${VAR}`.
    pub env: Env,
    /// The filesystem to read from (a deployment's container view); when `None`, the
    /// root's ([`RootFs`]) or the host's.
    pub fs: Option<Arc<dyn FileSystem>>,
    /// The process environment is not all known (a container whose entrypoint may export
    /// more than the files say): a `${VAR}` without a value stays written as it is, a
    /// placeholder no check judges, instead of php-fpm's empty value.
    pub environment_incomplete: bool,
    /// Lines parsed in earlier runs (an editor session): unchanged files are not parsed
    /// again. The run's source map must draw its ids from the cache's source.
    pub cache: Option<Arc<FpmParseCache>>,
    /// php-fpm is started with `-R` (`--allow-to-run-as-root`).
    pub root_allowed: bool,
}

impl FpmLoadOptions {
    /// The filesystem these options read from.
    pub fn filesystem(&self) -> Arc<dyn FileSystem> {
        match (&self.fs, &self.root) {
            (Some(fs), _) => fs.clone(),
            (None, Some(root)) => Arc::new(RootFs::new(root)),
            (None, None) => Arc::new(HostFs::new()),
        }
    }
}

fn describe(e: &FsError) -> String {
    match e {
        FsError::NotFound => "No such file or directory".into(),
        FsError::Unknown => "not provided by this deployment".into(),
        FsError::Unrendered(why) => format!("filled in before php-fpm reads it ({why})"),
        FsError::PermissionDenied => "Permission denied".into(),
        FsError::IsDirectory => "Is a directory".into(),
        other => other.errno_text(),
    }
}

fn read(
    path: &Path,
    fs: &dyn FileSystem,
    kind: FileKind,
    map: &SourceMap,
    cache: Option<&FpmParseCache>,
    host_read: bool,
) -> Result<FileId, (FsError, String)> {
    let fetched = fs.read(path).map_err(|e| {
        let text = match &e {
            FsError::IsDirectory => format!("'{}' is a directory", path.display()),
            FsError::TooLarge => format!(
                "'{}' is larger than {} MiB; not read",
                path.display(),
                MAX_FILE >> 20
            ),
            other => format!("unable to open '{}': {}", path.display(), describe(other)),
        };
        (e, text)
    })?;
    let source = SourceFile::new(path.to_path_buf(), fetched.disk_path, kind, fetched.bytes)
        .with_origin(fetched.origin)
        .with_carrier(fetched.carrier);
    Ok(match cache.filter(|c| c.serves(map)) {
        Some(cache) => cache.add(source, map),
        // Read from this machine's disk as it is (no deployment's view, which may have
        // edited the bytes): the text can be dropped after parsing and read again.
        None if host_read => map.add(source.rereadable()),
        None => map.add(source),
    })
}

struct State<'a> {
    opts: &'a FpmLoadOptions,
    fs: &'a dyn FileSystem,
    map: &'a SourceMap,
    config: FpmConfig,
    /// Index of the open pool; `None` = global.
    current: Option<usize>,
    /// Pools by lower-cased name (`[www]` and `[WWW]` are one pool).
    pool_index: foldhash::HashMap<String, usize>,
    /// Files already read, by path: an include of a file read before parses it again (its
    /// entries apply again where it is included) but neither reads nor stores it twice.
    read_once: foldhash::HashMap<PathBuf, FileId>,
    /// Parses of files already read (a file included again); see [`MAX_REPEATED_PARSES`].
    repeated: usize,
}

/// Parses of an already-read file one load makes at most. php-fpm nests includes at
/// most [`MAX_INCLUDE_FILES`] deep, but a file that includes itself (or a glob that
/// matches it) several times is read again at every level: k such lines cost k⁵ parses
/// (a fuzzed 5 KB file took seconds; 4 096 parses of it still took 2 s). Real trees
/// include each file once, however many pools they have (a hosting box: thousands of
/// pool files, each read once, none counted here).
const MAX_REPEATED_PARSES: usize = 256;

/// Loads a php-fpm main file (or a lone pool file) and everything it includes.
pub fn load(path: &Path, opts: &FpmLoadOptions, map: &SourceMap) -> FpmConfig {
    // PHP_PREFIX: /usr for distribution packages, /usr/local for source builds (the Docker image).
    let prefix = opts.prefix.clone().unwrap_or_else(|| {
        PathBuf::from(if path.starts_with("/usr/local") {
            "/usr/local"
        } else {
            "/usr"
        })
    });
    let fs = opts.filesystem();
    let mut state = State {
        opts,
        fs: &*fs,
        map,
        config: FpmConfig {
            main: path.to_path_buf(),
            prefix: prefix.clone(),
            root_allowed: opts.root_allowed,
            ..FpmConfig::default()
        },
        current: None,
        pool_index: foldhash::HashMap::default(),
        read_once: foldhash::HashMap::default(),
        repeated: 0,
    };
    match read(
        path,
        &*fs,
        FileKind::Fpm,
        map,
        opts.cache.as_deref(),
        opts.fs.is_none(),
    ) {
        Ok(id) => {
            state.config.main_file = Some(id);
            state.file(id, 1);
        }
        Err((_, message)) => {
            let id = map.add(SourceFile::new(
                path.to_path_buf(),
                None,
                FileKind::Fpm,
                Arc::from(&b""[..]),
            ));
            state.config.main_file = Some(id);
            state.config.diagnostics.push(Diagnostic::new(
                &INCLUDE,
                Span::point(id, 0),
                format!("failed to load configuration file: {message}"),
            ));
        }
    }
    // Kept for the whole run: exactly sized (lists grown by doubling keep slack).
    for pool in &mut state.config.pools {
        let mut exact = Vec::with_capacity(pool.entries.len());
        exact.append(&mut pool.entries);
        pool.entries = exact;
        // The pool's own `prefix` (relative to php-fpm's) is where its relative paths
        // resolve: php-fpm 8.2 -t reads `chroot = x` under `prefix = /srv` as `/srv/x`.
        if let Some(own) = pool
            .value("prefix")
            .filter(|v| !v.is_empty() && !v.contains('$'))
        {
            pool.prefix = crate::model::resolve_path(&own, &prefix);
        }
    }
    state.config
}

/// Gives entries whose value named an unknown `${VAR}` their text as written (see
/// [`FpmLoadOptions::environment_incomplete`]).
fn keep_unknown_written(lines: &mut [Line], unknown: &[(String, Span)], text: &[u8]) {
    for line in lines {
        let Line::Entry(entry) = line else { continue };
        let span = entry.value_span;
        let named = unknown
            .iter()
            .any(|(_, at)| at.file == span.file && at.start >= span.start && at.end <= span.end);
        if named {
            if let Some(written) = text.get(span.start as usize..span.end as usize) {
                entry.value = String::from_utf8_lossy(written).into_owned().into();
            }
        }
    }
}

impl State<'_> {
    /// The lines of file `id`: an earlier run's when the cache has them.
    fn lines(&self, id: FileId) -> Arc<ParsedLines> {
        let (env, incomplete) = (&self.opts.env, self.opts.environment_incomplete);
        let cache = self.opts.cache.as_deref().filter(|c| c.serves(self.map));
        if let Some(kept) = cache.and_then(|c| c.lines(id, env, incomplete)) {
            return kept;
        }
        let mut text = self.map.get(id).text();
        // `php-fpm -tt` output (production mode, as `nginx -T` is nginx's): read as the
        // settings it prints, at the places they stand in it.
        if crate::parse::is_fpm_dump(&text) {
            text = Arc::from(crate::parse::fpm_dump_as_ini(&text));
        }
        let mut diagnostics = Vec::new();
        let mut unknown = Vec::new();
        let mut lines = parse_lines(id, &text, env, &mut diagnostics, &mut unknown);
        if incomplete && !unknown.is_empty() {
            keep_unknown_written(&mut lines, &unknown, &text);
        }
        if incomplete {
            placeholders_filled_at_start(&mut diagnostics, &text);
        }
        let parsed = Arc::new(ParsedLines {
            lines,
            diagnostics,
            unknown,
        });
        if let Some(cache) = cache {
            cache.keep_lines(id, env, incomplete, parsed.clone());
        }
        parsed
    }

    fn file(&mut self, id: FileId, depth: usize) {
        let parsed = self.lines(id);
        self.config
            .diagnostics
            .extend(parsed.diagnostics.iter().cloned());
        for (name, span) in &parsed.unknown {
            // `${NAME:-fallback}` (PHP 8.3's INI fallback, lagoon's images): the fallback
            // applies from 8.3 on; before, the whole text names a variable never set.
            let (var, message) = match name.split_once(":-") {
                Some((var, fallback)) => (var, format!("${{{name}}} is not known to the linter: php-fpm 8.3 and newer use \"{fallback}\" when {var} is unset; before 8.3 the whole text names a variable that is never set (empty)")),
                None => (name.as_str(), format!("${{{name}}} is not known to the linter: php-fpm takes it from php.ini or its environment (empty when unset)")),
            };
            self.config.diagnostics.push(
                Diagnostic::new(&UNKNOWN_VAR, *span, message)
                    .with_help(format!("pass its value with `--env {var}=VALUE` (or `env` in .nginx-fpm-lint.toml) to check what depends on it")),
            );
        }
        // Moved out when no cache shares them (a run of the CLI): cloning them made a
        // copy of every key and value of every pool file.
        let lines = match Arc::try_unwrap(parsed) {
            Ok(owned) => owned.lines,
            Err(shared) => shared.lines.clone(),
        };
        for line in lines {
            match line {
                Line::Section { name, span } => self.section(name, span),
                Line::Entry(entry) if entry.key == "include" && entry.array_key.is_none() => {
                    self.include(&entry, depth)
                }
                Line::Entry(entry) => match self.current {
                    Some(i) => self.config.pools[i].entries.push(entry),
                    None => self.config.global.push(entry),
                },
            }
        }
    }

    /// Whether opening `dir` fails with ENOTDIR rather than ENOENT: a component of it is a
    /// file (`/etc/passwd/*.conf`), which glob(3) takes as no match, not as an error. A
    /// literal path globs to itself when it exists.
    fn not_a_directory(&self, dir: &Path) -> bool {
        dir.ancestors().any(|a| {
            self.fs.is_dir(a) == Some(false) && self.fs.glob(a).is_ok_and(|m| !m.is_empty())
        })
    }

    /// A relative `include=` whose directory under the prefix is not known, while the same
    /// pattern from `/` matches files of this filesystem and no other usual prefix
    /// (`/usr`, `/usr/local`) holds that directory: php-fpm reads nothing there (the
    /// directory of a distribution's or the official image's prefix holds no `etc/`
    /// folder of pools), and the pool files the author meant stay unread. Reported; true
    /// when it was.
    fn relative_include_lands_at_root(&mut self, entry: &Entry, opened: &str) -> bool {
        let value = entry.value.trim();
        if value.starts_with('/') || value.is_empty() {
            return false;
        }
        let prefix = self.config.prefix.clone();
        // The prefix is a guess from the main file's place: another usual prefix holding
        // the directory may be the real one (the official image's /usr/local).
        let opened_rel = Path::new(opened)
            .strip_prefix(&prefix)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for other in ["/usr", "/usr/local"] {
            if Path::new(other) != prefix
                && self.fs.is_dir(&Path::new(other).join(&opened_rel)) == Some(true)
            {
                return false;
            }
        }
        let from_root = Path::new("/").join(value);
        let found = match self.fs.glob(&from_root) {
            Ok(found) if !found.is_empty() => found,
            _ => return false,
        };
        let full = crate::model::resolve_path(value, &prefix);
        let shown: Vec<String> = found
            .iter()
            .take(3)
            .map(|p| p.display().to_string())
            .collect();
        self.config.diagnostics.push(
            Diagnostic::new(
                &INCLUDE,
                entry.value_span,
                format!(
                    "Unable to globalize '{}': a relative include starts at php-fpm's prefix ({}), not at /, and nothing is there",
                    full.display(),
                    prefix.display()
                ),
            )
            .with_note(format!(
                "the pool files this pattern names from / are not read: {}{}",
                shown.join(", "),
                if found.len() > shown.len() { ", ..." } else { "" }
            ))
            .with_help(format!(
                "php-fpm refuses to start (no pool is read); write `include={}`",
                from_root.display()
            )),
        );
        true
    }

    fn section(&mut self, name: String, span: Span) {
        if name.eq_ignore_ascii_case("global") {
            self.current = None;
            return;
        }
        let key = name.to_ascii_lowercase();
        if let Some(&i) = self.pool_index.get(&key) {
            self.current = Some(i);
            return;
        }
        self.pool_index.insert(key, self.config.pools.len());
        let prefix = self.config.prefix.clone();
        self.config.pools.push(Pool {
            name,
            name_span: span,
            entries: Vec::new(),
            prefix,
        });
        self.current = Some(self.config.pools.len() - 1);
    }

    fn include(&mut self, entry: &Entry, depth: usize) {
        // `include=${HEROKU_PHP_FPM_CONFIG_INCLUDE}` with the variable unknown (kept as
        // written, FPM011 says so): what it names is not known, and pools may come from
        // there. Globbed as written it "matched nothing" (heroku-buildpack-php).
        if entry.value.contains("${") {
            self.config.incomplete = true;
            return;
        }
        let full = crate::model::resolve_path(&entry.value, &self.config.prefix);
        let full_str = full.to_string_lossy().into_owned();
        // glob(3) with GLOB_ERR fails (GLOB_ABORTED, ret=2) only when a directory it opens
        // to list is missing; a pattern that opens none (`/nonexistent/x.conf`) or whose
        // wildcard directory matches nothing gets GLOB_NOMATCH, which php-fpm only warns
        // about (triage AP, FP-4).
        if let Some(opened) = glob_opened_dir(&full_str) {
            match self.fs.is_dir(Path::new(opened)) {
                Some(false) if !self.not_a_directory(Path::new(opened)) => {
                    self.config.diagnostics.push(
                        Diagnostic::new(&INCLUDE, entry.value_span, format!("Unable to globalize '{full_str}' (ret=2): its directory does not exist"))
                            .with_help("php-fpm refuses to start; fix the path (relative includes start at the prefix, /usr on Debian)"),
                    );
                    return;
                }
                Some(_) => {}
                // A relative include is the prefix's (php-fpm 8.2 -t: `etc/php-fpm.d/*.conf`
                // under /etc/php-fpm.conf is globbed at /usr/etc/php-fpm.d, "Unable to
                // globalize ... (ret=2)"), but the files it names are at `/` + the pattern:
                // a php-fpm.conf taken from the official image (prefix /usr/local) into a
                // distribution's php-fpm (prefix /usr). tamakiii-sandbox/php-fpm-nginx.
                None if self.relative_include_lands_at_root(entry, opened) => return,
                // The deployment (or a checkout that cannot hold an empty directory) does
                // not say: nothing to read, nothing to claim, and pools may come from there.
                None => {
                    self.config.incomplete = true;
                    return;
                }
            }
        } else if self
            .fs
            .is_dir(full.parent().unwrap_or(Path::new("/")))
            .is_none()
        {
            self.config.incomplete = true;
            return;
        }
        let matches = match self.fs.glob(&full) {
            Ok(found) => found,
            Err(_) => return,
        };
        if matches.is_empty() {
            self.config.diagnostics.push(
                Diagnostic::new(
                    &INCLUDE,
                    entry.value_span,
                    format!("Nothing matches the include pattern '{full_str}'"),
                )
                .with_severity(lint_source::Severity::Warning)
                .with_help("php-fpm starts anyway, without these pools"),
            );
            return;
        }
        // php-fpm globs with GLOB_MARK and skips what ends in `/`: directories. Known by
        // the read failing (a `stat` per match less on every editor run: a pool.d of a
        // thousand files was a thousand calls).
        let skipped = |logical: &Path| self.fs.is_dir(logical) == Some(true);
        for logical in matches {
            if depth >= MAX_INCLUDE_FILES && !skipped(&logical) {
                self.config.diagnostics.push(
                    Diagnostic::new(&INCLUDE, entry.value_span, format!("failed to include more than {MAX_INCLUDE_FILES} files recursively (at '{}')", logical.display()))
                        .with_help("php-fpm refuses to start; flatten the includes"),
                );
                return;
            }
            let seen = self.read_once.get(&logical).copied();
            if seen.is_some() && self.repeated >= MAX_REPEATED_PARSES {
                self.config.diagnostics.push(
                    Diagnostic::new(&INCLUDE, entry.value_span, format!("includes repeat files more than {MAX_REPEATED_PARSES} times; the linter stopped following them here"))
                        .with_severity(lint_source::Severity::Warning)
                        .with_help("a file that includes itself (or a glob that matches it) is read again at every level: include each file from one place"),
                );
                return;
            }
            let read = match seen {
                Some(id) => {
                    self.repeated += 1;
                    Ok(id)
                }
                None => read(
                    &logical,
                    self.fs,
                    FileKind::Fpm,
                    self.map,
                    self.opts.cache.as_deref(),
                    self.opts.fs.is_none(),
                ),
            };
            match read {
                Ok(id) => {
                    self.read_once.insert(logical.clone(), id);
                    self.file(id, depth + 1)
                }
                Err(_) if skipped(&logical) => {}
                Err((FsError::Unknown | FsError::Unrendered(_), _)) => {
                    self.config.incomplete = true
                }
                Err((_, message)) => self.config.diagnostics.push(Diagnostic::new(
                    &INCLUDE,
                    entry.value_span,
                    format!("Unable to include {}: {message}", logical.display()),
                )),
            }
        }
    }
}

/// Reads a php.ini with the same line parser (sections are ignored), then the `*.ini`
/// files of the `conf.d` folder beside it, in name order, as PHP scans them after
/// php.ini (its configure-time scan dir in the official images, Debian and Alpine):
/// a later file's value wins. A php.ini that does not exist is no error when `conf.d`
/// has files: the official php images ship none, and `conf.d/*.ini` is where their
/// settings go.
pub fn load_php_ini(path: &Path, opts: &FpmLoadOptions, map: &SourceMap) -> PhpIni {
    let mut ini = PhpIni {
        path: path.to_path_buf(),
        ..PhpIni::default()
    };
    let fs = opts.filesystem();
    let scanned: Vec<PathBuf> = path
        .parent()
        .map(|dir| dir.join("conf.d").join("*.ini"))
        .and_then(|pattern| fs.glob(&pattern).ok())
        .unwrap_or_default();
    match read(path, &*fs, FileKind::PhpIni, map, None, false) {
        Ok(id) => read_ini_entries(id, opts, map, &mut ini),
        Err((_, _)) if !scanned.is_empty() => {}
        Err((_, message)) => {
            let id = map.add(SourceFile::new(
                path.to_path_buf(),
                None,
                FileKind::PhpIni,
                Arc::from(&b""[..]),
            ));
            ini.diagnostics
                .push(Diagnostic::new(&INCLUDE, Span::point(id, 0), message));
        }
    }
    // Bounded like an include glob: a folder of thousands of files is not PHP's.
    for file in scanned.iter().take(MAX_SCANNED_INI) {
        if let Ok(id) = read(file, &*fs, FileKind::PhpIni, map, None, false) {
            read_ini_entries(id, opts, map, &mut ini);
        }
    }
    ini
}

/// `conf.d/*.ini` files read at most.
const MAX_SCANNED_INI: usize = 256;

/// Appends one ini file's entries (and its parse findings) to `ini`.
fn read_ini_entries(id: FileId, opts: &FpmLoadOptions, map: &SourceMap, ini: &mut PhpIni) {
    let text = map.get(id).text();
    let mut unknown = Vec::new();
    let mut diagnostics = Vec::new();
    let lines =
        crate::parse::parse_php_ini_lines(id, &text, &opts.env, &mut diagnostics, &mut unknown);
    // php.ini allows `#`-free comments only too, but PHP merely warns; keep only entries.
    diagnostics.retain(|d| d.code != crate::codes::HASH_COMMENT.code);
    if opts.environment_incomplete {
        placeholders_filled_at_start(&mut diagnostics, &text);
    }
    ini.diagnostics.extend(diagnostics);
    ini.entries.extend(lines.into_iter().filter_map(|l| {
        if let Line::Entry(e) = l {
            Some(e)
        } else {
            None
        }
    }));
}

/// A value that is a whole `!NAME!` placeholder (`memory_limit = !PHP_MEMORY_LIMIT!`,
/// which an image's entrypoint fills in with `sed` before PHP reads the file): as
/// written, `!` is an operator and PHP refuses the line; in a repository, where the
/// entrypoint runs first, the syntax error is a note that names the placeholder.
fn placeholders_filled_at_start(diagnostics: &mut [Diagnostic], text: &[u8]) {
    for d in diagnostics.iter_mut() {
        if d.code != crate::codes::SYNTAX.code {
            continue;
        }
        let Some(at) = d.primary.as_ref().map(|p| p.span.start as usize) else {
            continue;
        };
        let start = text[..at.min(text.len())]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let end = text[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |p| start + p);
        let line = String::from_utf8_lossy(&text[start..end]);
        let Some(name) = bang_placeholder(&line) else {
            continue;
        };
        d.severity = lint_source::Severity::Note;
        d.message = format!(
            "{}: `!{name}!` is a placeholder a start script fills in (sed) before php-fpm reads the file; the value is not known here",
            d.message
        );
    }
}

/// The name of a line's `!NAME!` value (`key = !NAME!`, a comment after it allowed).
fn bang_placeholder(line: &str) -> Option<&str> {
    let (_, value) = line.split_once('=')?;
    let value = value.split(';').next().unwrap_or(value).trim();
    let name = value.strip_prefix('!')?.strip_suffix('!')?;
    let well_formed = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    well_formed.then_some(name)
}

#[cfg(test)]
mod bang_placeholder_tests {
    use super::bang_placeholder;

    #[test]
    fn only_a_whole_bang_name_is_a_placeholder() {
        assert_eq!(
            bang_placeholder("memory_limit = !PHP_MEMORY_LIMIT! ; Variable"),
            Some("PHP_MEMORY_LIMIT")
        );
        assert_eq!(bang_placeholder("pm = !PM!"), Some("PM"));
        assert_eq!(
            bang_placeholder("error_reporting = E_ALL & !E_NOTICE"),
            None
        );
        assert_eq!(bang_placeholder("x = !1!"), None);
        assert_eq!(bang_placeholder("x = !!"), None);
        assert_eq!(bang_placeholder("!X!"), None);
    }
}

/// The directory glibc's glob(3) opens first to list it, for an absolute pattern: none for
/// a pattern without metacharacters (each name is looked up with stat, a missing one is
/// no match). A directory part with `*`, `?` or `[` is itself globbed (from the root
/// down), so the directory opened is the one before the first such component; a last
/// component with any of these or a backslash is matched by listing its directory.
fn glob_opened_dir(pattern: &str) -> Option<&str> {
    // glibc's __glob_pattern_type with quoting: (`*`/`?`/`[`, a backslash).
    let kind = |part: &str| {
        let (mut meta, mut backslash) = (false, false);
        let mut bytes = part.bytes();
        while let Some(b) = bytes.next() {
            match b {
                b'*' | b'?' | b'[' => meta = true,
                b'\\' => {
                    backslash = true;
                    bytes.next();
                }
                _ => {}
            }
        }
        (meta, backslash)
    };
    let mut end = 0;
    let last = pattern.rfind('/')?;
    for (i, b) in pattern.bytes().enumerate() {
        if b != b'/' {
            continue;
        }
        if i > 0 && kind(&pattern[end..i]).0 {
            return Some(if end <= 1 { "/" } else { &pattern[..end - 1] });
        }
        end = i + 1;
        if i == last {
            break;
        }
    }
    let (meta, backslash) = kind(&pattern[last + 1..]);
    (meta || backslash).then(|| if last == 0 { "/" } else { &pattern[..last] })
}

#[cfg(test)]
mod glob_tests {
    use super::glob_opened_dir;

    #[test]
    fn the_directory_glob_opens_first() {
        assert_eq!(glob_opened_dir("/nonexistent/x.conf"), None);
        assert_eq!(glob_opened_dir("/nonexistent/*.conf"), Some("/nonexistent"));
        assert_eq!(
            glob_opened_dir("/nonexistent/a/b/*.conf"),
            Some("/nonexistent/a/b")
        );
        assert_eq!(
            glob_opened_dir("/nonexistent/*/x.conf"),
            Some("/nonexistent")
        );
        assert_eq!(glob_opened_dir("/nonexist*/x.conf"), Some("/"));
        assert_eq!(glob_opened_dir("/x*.conf"), Some("/"));
        assert_eq!(glob_opened_dir("/etc/php*/missing/*.conf"), Some("/etc"));
        assert_eq!(
            glob_opened_dir("/nonexistent/x[.conf"),
            Some("/nonexistent")
        );
        assert_eq!(glob_opened_dir("/nonexistent[/x*.conf"), Some("/"));
        assert_eq!(
            glob_opened_dir("/nonexistent/x\\y.conf"),
            Some("/nonexistent")
        );
        assert_eq!(glob_opened_dir("/a/b\\c/x.conf"), None);
    }
}
