//! Parse trees kept between runs: an editor re-lints the whole tree on every keystroke,
//! and only the file being typed in has changed.

use foldhash::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lint_source::{Diagnostic, FileId, IdSource, SourceFile, SourceMap, Span};

use crate::ast::ParsedFile;
use crate::catalogue::DirectiveSpec;

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

/// A file's [`SourceFile::identity`].
type Key = (PathBuf, Option<PathBuf>, Option<Arc<str>>);

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
    checks: Mutex<StatementChecks>,
    statements_checked: std::sync::atomic::AtomicUsize,
    servers_walked: std::sync::atomic::AtomicUsize,
    variable_servers_walked: std::sync::atomic::AtomicUsize,
}

/// What the load-time checks found for one statement: the catalogue row it matched
/// (where the walk goes on into its block) and its findings.
#[derive(Clone)]
pub(crate) struct Checked {
    pub(crate) spec: Option<&'static DirectiveSpec>,
    pub(crate) found: Vec<Diagnostic>,
}

/// The load-time checks' findings of single statements, by file, kept between runs.
/// Most of what `nginx -t` checks while loading (the lookup, the context, the argument
/// count, values, regexes) depends on a statement's own words, its context and the
/// options only, so a file whose bytes did not change (same id) is not checked again
/// statement by statement: that was a quarter of an editor's re-lint of a 1 000-site
/// tree (docs/performance.md, session 8).
#[derive(Default)]
pub(crate) struct StatementChecks {
    /// The options the findings were made under (nginx version, loaded modules).
    pub(crate) options: String,
    /// Ids of the files the cache holds: only their statements are kept (a file read
    /// twice in one run gets a fresh id the next run: keeping it would only grow).
    live: foldhash::HashSet<FileId>,
    /// By file, then by the statement's offset and the context it was checked in.
    pub(crate) by_file: foldhash::HashMap<FileId, foldhash::HashMap<(u32, &'static str), Checked>>,
    /// Statements of kept files checked (not reused) by this check.
    pub(crate) fresh: usize,
    /// Whole `server` blocks of http, by the file and offset of the `server` statement:
    /// the files spliced into the block (in walk order) and everything the statement walk
    /// found inside it. An editor's change touches one server of hundreds; the others'
    /// blocks are the same statements from the same unchanged files, so they are not
    /// walked again (the walk itself, memo lookups included, was most of a re-lint's
    /// load-time checks).
    pub(crate) servers: foldhash::HashMap<(FileId, u32), ServerChecks>,
    /// Server blocks walked (not reused) by this check.
    pub(crate) servers_walked: usize,
    /// What the variables check found in whole `server` blocks of http, keyed as
    /// `servers`: the names they define and the unknown-looking names they use.
    pub(crate) variables:
        foldhash::HashMap<(FileId, u32), crate::check::variables::ServerVariables>,
    /// Server blocks the variables check walked (not reused).
    pub(crate) variable_servers_walked: usize,
}

/// What the statement walk found inside one `server` block (see [`StatementChecks::servers`]).
#[derive(Clone)]
pub(crate) struct ServerChecks {
    /// The files spliced into the block, in walk order: equal lists of unchanged files
    /// (an unchanged file keeps its id) mean the same statements.
    pub(crate) spliced: Vec<FileId>,
    /// The findings, in walk order.
    pub(crate) found: Vec<Diagnostic>,
}

impl StatementChecks {
    /// True when statements of `file` may be kept.
    pub(crate) fn keeps(&self, file: FileId) -> bool {
        self.live.contains(&file)
    }
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

    /// How many statements of the files it holds the load-time checks examined rather
    /// than reused, so far: what tests count.
    pub fn statements_checked(&self) -> usize {
        self.statements_checked
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many `server` blocks of http the load-time checks walked rather than reused,
    /// so far: what tests count.
    pub fn servers_walked(&self) -> usize {
        self.servers_walked
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many `server` blocks of http the variables check walked rather than reused,
    /// so far: what tests count.
    pub fn variable_servers_walked(&self) -> usize {
        self.variable_servers_walked
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// True when `map` draws its ids from this cache (else its trees cannot be reused there).
    pub(crate) fn serves(&self, map: &SourceMap) -> bool {
        map.id_source().is_some_and(|ids| ids.same(&self.ids))
    }

    /// The tree of `source` from an earlier run when its bytes are unchanged, taken into `map`.
    pub(crate) fn reuse(&self, source: &SourceFile, map: &SourceMap) -> Option<Parsed> {
        let key = source.identity();
        let hit = {
            let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            let hit = files.get(&key)?;
            (hit.source.kind == source.kind && hit.source.text()[..] == source.text()[..])
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
        let key = parsed.source.identity();
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let older = files.insert(key, parsed.clone());
        drop(files);
        let mut checks = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(older) = older {
            let gone = older.file.id;
            checks.live.remove(&gone);
            checks.by_file.remove(&gone);
            checks
                .servers
                .retain(|(file, _), unit| *file != gone && !unit.spliced.contains(&gone));
            checks
                .variables
                .retain(|(file, _), unit| *file != gone && !unit.spliced.contains(&gone));
        }
        checks.live.insert(parsed.file.id);
    }

    /// Takes the statement checks kept so far (a check running at the same time gets
    /// none); [`ParseCache::give_back`] returns them.
    pub(crate) fn take_checks(&self) -> StatementChecks {
        let mut checks = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        StatementChecks {
            options: checks.options.clone(),
            live: checks.live.clone(),
            by_file: std::mem::take(&mut checks.by_file),
            fresh: 0,
            servers: std::mem::take(&mut checks.servers),
            servers_walked: 0,
            variables: std::mem::take(&mut checks.variables),
            variable_servers_walked: 0,
        }
    }

    /// Keeps what a check found for the next run.
    pub(crate) fn give_back(&self, found: StatementChecks) {
        self.statements_checked
            .fetch_add(found.fresh, std::sync::atomic::Ordering::Relaxed);
        let mut checks = self.checks.lock().unwrap_or_else(|e| e.into_inner());
        self.servers_walked
            .fetch_add(found.servers_walked, std::sync::atomic::Ordering::Relaxed);
        self.variable_servers_walked.fetch_add(
            found.variable_servers_walked,
            std::sync::atomic::Ordering::Relaxed,
        );
        if checks.options != found.options {
            checks.options = found.options;
            checks.by_file.clear();
            checks.servers.clear();
            checks.variables.clear();
        }
        let live = &checks.live;
        // A kept block whose file, or a file spliced into it, is gone is not kept.
        let alive = |file: &FileId, spliced: &[FileId]| {
            live.contains(file) && spliced.iter().all(|f| live.contains(f))
        };
        let servers: Vec<_> = found
            .servers
            .into_iter()
            .filter(|((file, _), unit)| alive(file, &unit.spliced))
            .collect();
        let variables: Vec<_> = found
            .variables
            .into_iter()
            .filter(|((file, _), unit)| alive(file, &unit.spliced))
            .collect();
        checks.servers.extend(servers);
        checks.variables.extend(variables);
        for (file, statements) in found.by_file {
            // A file parsed again while the check ran is not the one checked.
            if checks.live.contains(&file) {
                checks.by_file.entry(file).or_default().extend(statements);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, CheckOptions};
    use crate::{load, LoadOptions};
    use lint_source::vfs::MemoryFs;

    /// Findings as a user sees them: code, message and place (not the file's id).
    fn shown(found: &[Diagnostic], map: &SourceMap) -> Vec<String> {
        let mut out: Vec<String> = found
            .iter()
            .map(|d| {
                let at = d.primary.as_ref().map(|p| {
                    let file = map.get(p.span.file);
                    format!("{}:{}", file.path.display(), p.span.start)
                });
                format!("{} {} {at:?}", d.code, d.message)
            })
            .collect();
        out.sort();
        out
    }

    /// The load-time findings of a tree whose nginx.conf includes conf.d/*.conf, with
    /// `files` (path, text) beside it, linted with `cache` or without.
    fn lint_files(files: &[(&str, &str)], cache: Option<&Arc<ParseCache>>) -> Vec<String> {
        let mut fs = MemoryFs::new().with_file(
            "/etc/nginx/nginx.conf",
            "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
        );
        for (path, text) in files {
            fs = fs.with_file(path, text);
        }
        let map = match cache {
            Some(cache) => SourceMap::with_ids(cache.ids()),
            None => SourceMap::new(),
        };
        let load_opts = LoadOptions {
            fs: Some(Arc::new(fs)),
            cache: cache.cloned(),
            ..Default::default()
        };
        let config = load("/etc/nginx/nginx.conf".as_ref(), &load_opts, &map);
        let check_opts = CheckOptions {
            cache: cache.cloned(),
            ..Default::default()
        };
        shown(&check(&config, &check_opts, &map), &map)
    }

    fn lint(a: &str, cache: Option<&Arc<ParseCache>>) -> Vec<String> {
        lint_files(
            &[
                ("/etc/nginx/conf.d/a.conf", a),
                (
                    "/etc/nginx/conf.d/b.conf",
                    "server {\n    listen 81;\n    fastcgi_pas unix:/run/x.sock;\n    client_max_body_size 10Q;\n    ssl_protocols TLSv1;\n}\n",
                ),
            ],
            cache,
        )
    }

    #[test]
    fn statements_of_unchanged_files_are_not_checked_again_and_say_the_same() {
        let cache = Arc::new(ParseCache::default());
        let edits = [
            "server {\n    listen 80;\n    location / { return 200; }\n}\n",
            "server {\n    listen 80;\n    location / { return 200; }\n}\n",
            "server {\n    listen 80;\n    location / { retrun 200; }\n}\n",
            "server {\n    listen 80;\n    location / { return 200 \"$uri\"; }\n    server_name a.test;\n}\n",
        ];
        let mut checked = Vec::new();
        let mut walked = Vec::new();
        for a in edits {
            let kept = lint(a, Some(&cache));
            assert_eq!(kept, lint(a, None), "{a}");
            // b.conf's findings (an unknown directive, a bad size) come back from the
            // cache in every run.
            assert!(kept.iter().any(|f| f.contains("fastcgi_pas")), "{kept:#?}");
            assert!(
                kept.iter().any(|f| f.contains("client_max_body_size")),
                "{kept:#?}"
            );
            checked.push(cache.statements_checked());
            walked.push(cache.servers_walked());
        }
        // The first run checks every statement but the two `listen`s: events, http,
        // include (nginx.conf), server, location, return (a.conf), server, fastcgi_pas,
        // client_max_body_size, ssl_protocols (b.conf). The same text again: none. Then
        // a.conf's only, each time it changes.
        let deltas: Vec<usize> = std::iter::once(checked[0])
            .chain(checked.windows(2).map(|w| w[1] - w[0]))
            .collect();
        assert_eq!(deltas, [10, 0, 3, 4]);
        // Whole server blocks: both the first time, then only a.conf's when it changes
        // (b.conf's findings above came back without its block being walked).
        let walked: Vec<usize> = std::iter::once(walked[0])
            .chain(walked.windows(2).map(|w| w[1] - w[0]))
            .collect();
        assert_eq!(walked, [2, 0, 1, 1]);
    }

    /// A server block is the same only with the same included files: a snippet it
    /// includes changing brings the block's findings from the new text.
    #[test]
    fn a_server_block_is_walked_again_when_a_file_it_includes_changes() {
        let cache = Arc::new(ParseCache::default());
        let run = |snippet: &str| {
            let fs = MemoryFs::new()
                .with_file(
                    "/etc/nginx/nginx.conf",
                    "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
                )
                .with_file(
                    "/etc/nginx/conf.d/a.conf",
                    "server {\n    listen 80;\n    location / { include /etc/nginx/snippets/*.conf; }\n}\n",
                )
                .with_file("/etc/nginx/snippets/php.conf", snippet);
            let map = SourceMap::with_ids(cache.ids());
            let load_opts = LoadOptions {
                fs: Some(Arc::new(fs)),
                cache: Some(cache.clone()),
                ..Default::default()
            };
            let config = load("/etc/nginx/nginx.conf".as_ref(), &load_opts, &map);
            let check_opts = CheckOptions {
                cache: Some(cache.clone()),
                ..Default::default()
            };
            shown(&check(&config, &check_opts, &map), &map)
        };
        assert!(run("return 200;\n").is_empty());
        assert_eq!(cache.servers_walked(), 1);
        let found = run("retrun 200;\n");
        assert!(found.iter().any(|f| f.contains("retrun")), "{found:#?}");
        assert_eq!(cache.servers_walked(), 2);
        let again = run("retrun 200;\n");
        assert_eq!(again, found);
        assert_eq!(cache.servers_walked(), 2);
    }

    /// The variables check keeps whole `server` blocks too: an unchanged block is not
    /// walked again, and a kept block still holds every name it uses when the block that
    /// first used it (the same snippet included) changes.
    #[test]
    fn the_variables_check_keeps_server_blocks_and_each_holds_its_own_names() {
        let cache = Arc::new(ParseCache::default());
        let run = |a: &str, b: &str, cache: Option<&Arc<ParseCache>>| {
            lint_files(
                &[
                    ("/etc/nginx/conf.d/a.conf", a),
                    ("/etc/nginx/conf.d/b.conf", b),
                    (
                        "/etc/nginx/snippets/log.conf",
                        "add_header X-Request $request_idd;\n",
                    ),
                ],
                cache,
            )
        };
        let with_snippet =
            "server {\n    listen 80;\n    include /etc/nginx/snippets/log.conf;\n}\n";
        let without = "server {\n    listen 80;\n    set $request_idd 1;\n}\n";
        let b = "server {\n    listen 81;\n    include /etc/nginx/snippets/log.conf;\n    return 200 $unknown_in_b;\n}\n";
        let mut walked = Vec::new();
        for a in [
            with_snippet,
            with_snippet,
            "server {\n    listen 80;\n}\n",
            without,
        ] {
            let kept = run(a, b, Some(&cache));
            assert_eq!(kept, run(a, b, None), "{a}");
            walked.push(cache.variable_servers_walked());
        }
        // Both blocks, then none, then a.conf's each time it changes.
        let deltas: Vec<usize> = std::iter::once(walked[0])
            .chain(walked.windows(2).map(|w| w[1] - w[0]))
            .collect();
        assert_eq!(deltas, [2, 0, 1, 1]);
        // b.conf's block, kept since the first run, still reports the snippet's name once
        // a.conf no longer includes the snippet; and not once a.conf defines it.
        let found = run("server {\n    listen 80;\n}\n", b, Some(&cache));
        assert_eq!(
            found.iter().filter(|f| f.contains("request_idd")).count(),
            1,
            "{found:#?}"
        );
        let found = run(without, b, Some(&cache));
        assert!(
            !found.iter().any(|f| f.contains("request_idd")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|f| f.contains("unknown_in_b")),
            "{found:#?}"
        );
        // a.conf's block, kept, still defines the name b.conf's changed block uses.
        let b_edited = format!("# edited\n{b}");
        let before = cache.variable_servers_walked();
        let found = run(without, &b_edited, Some(&cache));
        assert_eq!(
            cache.variable_servers_walked(),
            before + 1,
            "b.conf's block only"
        );
        assert_eq!(found, run(without, &b_edited, None));
        assert!(
            !found.iter().any(|f| f.contains("request_idd")),
            "{found:#?}"
        );
    }
}
