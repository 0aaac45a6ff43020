//! php-fpm files parsed in earlier runs: an editor re-lints both sides on every
//! keystroke, and a hosting box's thousand pool files do not change while one nginx
//! site is being typed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use lint_source::{Diagnostic, FileId, IdSource, SourceFile, SourceMap, Span};

use crate::parse::{Env, Line};

/// A file's [`SourceFile::identity`].
type Key = (PathBuf, Option<PathBuf>, Option<Arc<str>>);

/// What the line parser made of one file.
#[derive(Debug)]
pub(crate) struct ParsedLines {
    pub(crate) lines: Vec<Line>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) unknown: Vec<(String, Span)>,
}

/// One file as a run read it, and its lines once parsed.
struct Kept {
    source: Arc<SourceFile>,
    id: FileId,
    parsed: Option<Arc<ParsedLines>>,
}

#[derive(Default)]
struct Files {
    by_key: foldhash::HashMap<Key, Kept>,
    /// Which key holds an id (parsed lines are asked for by id).
    by_id: foldhash::HashMap<FileId, Key>,
    /// The `${VAR}` values the kept lines were expanded with, and whether unknown ones
    /// stayed written: lines parsed under other values are parsed again.
    env: Option<(Env, bool)>,
}

impl Files {
    /// True when the kept lines were parsed under these `${VAR}` values.
    fn parsed_under(&self, env: &Env, incomplete: bool) -> bool {
        self.env
            .as_ref()
            .is_some_and(|(e, i)| e == env && *i == incomplete)
    }
}

/// Lines of php-fpm files from earlier runs, reused while a file's bytes (and the
/// `${VAR}` values) stay the same. A reused file keeps its [`FileId`], so the run's
/// [`SourceMap`] must draw its ids from the [`IdSource`] the cache was made with, the
/// one the nginx side's parse cache hands out.
///
/// ```
/// use std::path::Path;
/// use std::sync::Arc;
/// use lint_source::{vfs::MemoryFs, IdSource, SourceMap};
/// use fpm_conf_parser::{load, FpmLoadOptions, FpmParseCache};
///
/// let fs = MemoryFs::new().with_file("/etc/php-fpm.conf", "[www]\nlisten = 9000\n");
/// let ids = IdSource::new();
/// let cache = Arc::new(FpmParseCache::new(ids.clone()));
/// let opts = FpmLoadOptions { fs: Some(Arc::new(fs)), cache: Some(cache.clone()), ..Default::default() };
/// let first = load(Path::new("/etc/php-fpm.conf"), &opts, &SourceMap::with_ids(ids.clone()));
/// let again = load(Path::new("/etc/php-fpm.conf"), &opts, &SourceMap::with_ids(ids));
/// assert_eq!(first.main_file, again.main_file);
/// assert_eq!(cache.parses(), 1);
/// ```
pub struct FpmParseCache {
    ids: IdSource,
    files: Mutex<Files>,
    parses: AtomicUsize,
}

impl std::fmt::Debug for FpmParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FpmParseCache")
            .field("parses", &self.parses())
            .finish_non_exhaustive()
    }
}

impl FpmParseCache {
    /// A cache for source maps that draw their ids from `ids`.
    pub fn new(ids: IdSource) -> Self {
        FpmParseCache {
            ids,
            files: Mutex::default(),
            parses: AtomicUsize::new(0),
        }
    }

    /// How many files were parsed (not reused) so far: what tests count.
    pub fn parses(&self) -> usize {
        self.parses.load(Ordering::Relaxed)
    }

    fn files(&self) -> std::sync::MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True when `map` draws its ids from this cache's source.
    pub(crate) fn serves(&self, map: &SourceMap) -> bool {
        map.id_source().is_some_and(|ids| ids.same(&self.ids))
    }

    /// Adds `source` to `map`: under its earlier id when its bytes did not change, else
    /// under a new one (which replaces the file's older version here).
    pub(crate) fn add(&self, source: SourceFile, map: &SourceMap) -> FileId {
        let key = source.identity();
        let mut files = self.files();
        if let Some(kept) = files.by_key.get(&key) {
            // A file read twice in one run (two php-fpm trees including it) gets two ids,
            // as without the cache.
            if kept.source.kind == source.kind
                && kept.source.text()[..] == source.text()[..]
                && !map.contains(kept.id)
            {
                map.adopt(kept.id, kept.source.clone());
                return kept.id;
            }
        }
        let id = map.add(source);
        if let Some(older) = files.by_key.insert(
            key.clone(),
            Kept {
                source: map.get(id),
                id,
                parsed: None,
            },
        ) {
            files.by_id.remove(&older.id);
        }
        files.by_id.insert(id, key);
        id
    }

    /// The lines of file `id` parsed under `env`, if an earlier run parsed them.
    pub(crate) fn lines(
        &self,
        id: FileId,
        env: &Env,
        incomplete: bool,
    ) -> Option<Arc<ParsedLines>> {
        let files = self.files();
        if !files.parsed_under(env, incomplete) {
            return None;
        }
        let key = files.by_id.get(&id)?;
        files.by_key.get(key)?.parsed.clone()
    }

    /// Keeps the lines of file `id` parsed under `env` for the next runs.
    pub(crate) fn keep_lines(
        &self,
        id: FileId,
        env: &Env,
        incomplete: bool,
        parsed: Arc<ParsedLines>,
    ) {
        self.parses.fetch_add(1, Ordering::Relaxed);
        let mut files = self.files();
        if !files.parsed_under(env, incomplete) {
            for kept in files.by_key.values_mut() {
                kept.parsed = None;
            }
            files.env = Some((env.clone(), incomplete));
        }
        let Some(key) = files.by_id.get(&id).cloned() else {
            return;
        };
        if let Some(kept) = files.by_key.get_mut(&key) {
            kept.parsed = Some(parsed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, load, FpmLoadOptions};
    use lint_source::vfs::MemoryFs;
    use std::path::Path;

    fn shown(found: &[Diagnostic], map: &SourceMap) -> Vec<String> {
        let mut out: Vec<String> = found
            .iter()
            .map(|d| {
                let at = d
                    .primary
                    .as_ref()
                    .map(|p| format!("{}:{}", map.get(p.span.file).path.display(), p.span.start));
                format!("{} {} {at:?}", d.code, d.message)
            })
            .collect();
        out.sort();
        out
    }

    /// Loads and checks a tree whose pool file `b.conf` is `b`, with or without a cache.
    fn lint(
        b: &str,
        env: &[(&str, &str)],
        cache: Option<&Arc<FpmParseCache>>,
        ids: &IdSource,
    ) -> (Vec<String>, Vec<String>) {
        let fs = MemoryFs::new()
            .with_file(
                "/etc/php/fpm/php-fpm.conf",
                "[global]\nerror_log = /var/log/fpm.log\ninclude = /etc/php/fpm/pool.d/*.conf\n",
            )
            .with_file(
                "/etc/php/fpm/pool.d/a.conf",
                "[a]\nlisten = ${SOCK}\npm = static\npm.max_children = 0\n",
            )
            .with_file("/etc/php/fpm/pool.d/b.conf", b);
        let map = match cache {
            Some(_) => SourceMap::with_ids(ids.clone()),
            None => SourceMap::new(),
        };
        let opts = FpmLoadOptions {
            fs: Some(Arc::new(fs)),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cache: cache.cloned(),
            ..Default::default()
        };
        let config = load(Path::new("/etc/php/fpm/php-fpm.conf"), &opts, &map);
        let mut found = config.diagnostics.clone();
        found.extend(check(&config));
        let pools = config
            .pools
            .iter()
            .map(|p| format!("{} {:?}", p.name, p.value("listen")))
            .collect();
        (shown(&found, &map), pools)
    }

    #[test]
    fn unchanged_files_are_not_parsed_again_and_say_the_same() {
        let ids = IdSource::new();
        let cache = Arc::new(FpmParseCache::new(ids.clone()));
        let runs: [(&str, &[(&str, &str)]); 5] = [
            ("[b]\nlisten = 9001\npm = static\n", &[]),
            ("[b]\nlisten = 9001\npm = static\n", &[]),
            ("[b]\nlisten = 9001\npm = statik\n# hash\n", &[]),
            (
                "[b]\nlisten = 9001\npm = statik\n# hash\n",
                &[("SOCK", "/run/a.sock")],
            ),
            (
                "[b]\nlisten = 9001\npm = statik\n# hash\n",
                &[("SOCK", "/run/a.sock")],
            ),
        ];
        let mut parses = Vec::new();
        for (b, env) in runs {
            let kept = lint(b, env, Some(&cache), &ids);
            assert_eq!(kept, lint(b, env, None, &ids), "{b} {env:?}");
            // a.conf's finding (no children) comes back from the cache in every run.
            assert!(
                kept.0.iter().any(|f| f.contains("max_children")),
                "{kept:#?}"
            );
            parses.push(cache.parses());
        }
        // All three files first; none again; b.conf when it changes; all three when the
        // `${VAR}` values change (a.conf names one); none again.
        let deltas: Vec<usize> = std::iter::once(parses[0])
            .chain(parses.windows(2).map(|w| w[1] - w[0]))
            .collect();
        assert_eq!(deltas, [3, 0, 1, 3, 0]);
    }

    #[test]
    fn a_map_with_other_ids_is_served_fresh_ids() {
        let cache = FpmParseCache::new(IdSource::new());
        assert!(!cache.serves(&SourceMap::new()));
        assert!(!cache.serves(&SourceMap::with_ids(IdSource::new())));
    }
}
