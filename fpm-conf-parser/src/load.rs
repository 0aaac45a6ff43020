//! Loading a php-fpm tree: the main file, `include=` globs (against the
//! prefix, at most 5 files deep), sections that leak across includes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::{Diagnostic, FileId, FileKind, SourceFile, SourceMap, Span};

use crate::codes::{INCLUDE, UNKNOWN_VAR};
use crate::model::{FpmConfig, PhpIni, Pool};
use crate::parse::{parse_lines, Entry, Env, Line};

/// php-fpm fails at the 6th nested file.
const MAX_INCLUDE_FILES: usize = 5;
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Where and how to read php-fpm files.
#[derive(Clone, Debug, Default)]
pub struct FpmLoadOptions {
    /// `--root DIR`: absolute paths are read under DIR.
    pub root: Option<PathBuf>,
    /// php-fpm's `-p` prefix; `None` = `/usr` (Debian's PHP_PREFIX).
    pub prefix: Option<PathBuf>,
    /// Values for `${VAR}`.
    pub env: Env,
}

impl FpmLoadOptions {
    fn disk(&self, path: &Path) -> PathBuf {
        match &self.root {
            Some(root) if path.is_absolute() => root.join(path.strip_prefix("/").unwrap_or(path)),
            _ => path.to_path_buf(),
        }
    }

    fn logical(&self, disk: &Path) -> PathBuf {
        match &self.root {
            Some(root) => disk
                .strip_prefix(root)
                .map(|rel| Path::new("/").join(rel))
                .unwrap_or_else(|_| disk.to_path_buf()),
            None => disk.to_path_buf(),
        }
    }
}

fn read(
    path: &Path,
    opts: &FpmLoadOptions,
    kind: FileKind,
    map: &SourceMap,
) -> Result<FileId, String> {
    let disk = opts.disk(path);
    let meta = std::fs::metadata(&disk)
        .map_err(|e| format!("unable to open '{}': {}", path.display(), short_io(&e)))?;
    if meta.is_dir() {
        return Err(format!("'{}' is a directory", path.display()));
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "'{}' is larger than {} MiB; not read",
            path.display(),
            MAX_FILE >> 20
        ));
    }
    let bytes = std::fs::read(&disk)
        .map_err(|e| format!("unable to read '{}': {}", path.display(), short_io(&e)))?;
    Ok(map.add(SourceFile::new(
        path.to_path_buf(),
        Some(disk),
        kind,
        Arc::from(bytes),
    )))
}

fn short_io(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

struct State<'a> {
    opts: &'a FpmLoadOptions,
    map: &'a SourceMap,
    config: FpmConfig,
    /// Index of the open pool; `None` = global.
    current: Option<usize>,
    /// Pools by lower-cased name (`[www]` and `[WWW]` are one pool).
    pool_index: std::collections::HashMap<String, usize>,
}

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
    let mut state = State {
        opts,
        map,
        config: FpmConfig {
            main: path.to_path_buf(),
            prefix: prefix.clone(),
            ..FpmConfig::default()
        },
        current: None,
        pool_index: std::collections::HashMap::new(),
    };
    match read(path, opts, FileKind::Fpm, map) {
        Ok(id) => {
            state.config.main_file = Some(id);
            state.file(id, 1);
        }
        Err(message) => {
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
    }
    state.config
}

impl State<'_> {
    fn file(&mut self, id: FileId, depth: usize) {
        let text = self.map.get(id).text.clone();
        let mut unknown = Vec::new();
        let lines = parse_lines(
            id,
            &text,
            &self.opts.env,
            &mut self.config.diagnostics,
            &mut unknown,
        );
        for (name, span) in unknown {
            self.config.diagnostics.push(
                Diagnostic::new(&UNKNOWN_VAR, span, format!("${{{name}}} is not known to the linter: php-fpm takes it from php.ini or its environment (empty when unset)"))
                    .with_help(format!("pass its value with `--env {name}=VALUE` (or `env` in .nginx-fpm-lint.toml) to check what depends on it")),
            );
        }
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
        let full = crate::model::resolve_path(&entry.value, &self.config.prefix);
        let full_str = full.to_string_lossy().into_owned();
        let disk_pattern = self.opts.disk(&full);
        let Some(disk_pattern) = disk_pattern.to_str() else {
            return;
        };
        // Like glob(3) with GLOB_ERR: a missing directory is an error, no match only a warning.
        let dir_exists = self
            .opts
            .disk(full.parent().unwrap_or(Path::new("/")))
            .is_dir();
        if !dir_exists {
            self.config.diagnostics.push(
                Diagnostic::new(&INCLUDE, entry.value_span, format!("Unable to globalize '{full_str}' (ret=2): its directory does not exist"))
                    .with_help("php-fpm refuses to start; fix the path (relative includes start at the prefix, /usr on Debian)"),
            );
            return;
        }
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: true,
        };
        let mut matches: Vec<PathBuf> = match glob::glob_with(disk_pattern, options) {
            Ok(paths) => paths
                .filter_map(Result::ok)
                .filter(|p| !p.is_dir())
                .collect(),
            Err(e) => {
                self.config.diagnostics.push(Diagnostic::new(
                    &INCLUDE,
                    entry.value_span,
                    format!("invalid include pattern '{full_str}': {e}"),
                ));
                return;
            }
        };
        matches.sort();
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
        for disk in matches {
            let logical = self.opts.logical(&disk);
            if depth >= MAX_INCLUDE_FILES {
                self.config.diagnostics.push(
                    Diagnostic::new(&INCLUDE, entry.value_span, format!("failed to include more than {MAX_INCLUDE_FILES} files recursively (at '{}')", logical.display()))
                        .with_help("php-fpm refuses to start; flatten the includes"),
                );
                return;
            }
            match read(&logical, self.opts, FileKind::Fpm, self.map) {
                Ok(id) => self.file(id, depth + 1),
                Err(message) => self.config.diagnostics.push(Diagnostic::new(
                    &INCLUDE,
                    entry.value_span,
                    format!("Unable to include {}: {message}", logical.display()),
                )),
            }
        }
    }
}

/// Reads a php.ini with the same line parser (sections are ignored).
pub fn load_php_ini(path: &Path, opts: &FpmLoadOptions, map: &SourceMap) -> PhpIni {
    let mut ini = PhpIni {
        path: path.to_path_buf(),
        ..PhpIni::default()
    };
    match read(path, opts, FileKind::PhpIni, map) {
        Ok(id) => {
            let text = map.get(id).text.clone();
            let mut unknown = Vec::new();
            let lines = parse_lines(id, &text, &opts.env, &mut ini.diagnostics, &mut unknown);
            // php.ini allows `#`-free comments only too, but PHP merely warns; keep only entries.
            ini.diagnostics
                .retain(|d| d.code != crate::codes::HASH_COMMENT.code);
            ini.entries = lines
                .into_iter()
                .filter_map(|l| {
                    if let Line::Entry(e) = l {
                        Some(e)
                    } else {
                        None
                    }
                })
                .collect();
        }
        Err(message) => {
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
    ini
}
