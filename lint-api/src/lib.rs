//! The library API of nginx-fpm-lint.
//!
//! A [`Linter`] holds [`Settings`] (the same struct `.nginx-fpm-lint.toml`
//! deserialises into: selection, severities, per-path ignores, versions, users,
//! environment, expected names) and lints an [`Input`]: paths as the command line
//! takes them (a repository, a copy of `/`, single files), the machine's own
//! trees, an `nginx -T` dump, or configuration held in memory. The [`Report`] has
//! the findings with inline suppressions, selection and severities applied, and
//! the sources they point into. [`Linter::inspect`] gives the model itself (servers,
//! locations, pools and which locations reach which pool) to tools that want facts
//! rather than findings.
//!
//! ```
//! use lint_api::{Input, Linter, Settings};
//!
//! let input = Input::texts(
//!     [("/etc/nginx/nginx.conf", "events {}\nhttp { server { listen 80;\n  location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.1-fpm.sock; } } }\n")],
//!     [("/etc/php/8.2/fpm/pool.d/www.conf", "[www]\nlisten = /run/php/php8.2-fpm.sock\npm = static\npm.max_children = 5\n")],
//! );
//! let report = Linter::new(Settings::default()).lint(&input).unwrap();
//! assert!(report.diagnostics.iter().any(|d| d.code == "X001"));
//! ```
#![forbid(unsafe_code)]

pub mod alike_notes;
pub mod config;
pub mod discover;
pub mod snippet_fs;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_rules::{LintInput, NginxInput, Phase, RuleTime};
use lint_source::overlay::{Overlay, Snapshot};
use lint_source::read_cache::ReadCache;
use lint_source::vfs::{FileSystem, HostFs, MemoryFs, RootFs};
use lint_source::{Diagnostic, FileId, Severity, SourceMap};

pub use lint_rules::model::Model;

/// What the linter checks and how it reports: the content of `.nginx-fpm-lint.toml`.
///
/// ```
/// let settings = lint_api::Settings {
///     select: vec!["X".into(), "NGX2".into()],
///     nginx_version: Some("1.22".into()),
///     ..Default::default()
/// };
/// assert!(settings.ignore.is_empty());
/// ```
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// Only these codes, code prefixes (`X`, `NGX2`), names or aliases.
    #[serde(default)]
    pub select: Vec<String>,
    /// Never these.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity (`error`, `warning`, `note`) per code, name or alias.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Codes ignored per path glob, relative to [`Settings::base`].
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    /// Target nginx version (`1.22`, `1.26.2`, `latest`); unset: the one found (a
    /// root's packages, a deployment's image, this machine's `nginx -v`), else latest.
    pub nginx_version: Option<String>,
    /// nginx's worker user when no `user` directive says it.
    pub nginx_user: Option<String>,
    /// Third-party nginx modules to treat as loaded.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Values for php-fpm's `${VAR}` and Compose's `${VAR}`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Domains that must be served (checked by NGX105).
    #[serde(default)]
    pub names: Vec<String>,
    /// Lowest severity that fails a run (`error` when unset).
    pub fail_level: Option<String>,
    /// An earlier report whose findings are not reported again (`--baseline`),
    /// relative to [`Settings::base`].
    pub baseline: Option<PathBuf>,
    /// Options of individual rules by code, name or alias (`[rule-options.origins]`
    /// `domains = ["example.com"]`): booleans, words and lists of words.
    #[serde(default)]
    pub rule_options: BTreeMap<String, BTreeMap<String, RuleOptionValue>>,
    /// Where per-path globs are relative to: the config file's directory, else the
    /// current directory.
    #[serde(skip)]
    pub base: Option<PathBuf>,
}

/// The value of a rule option as the config file writes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum RuleOptionValue {
    /// `true` or `false`.
    Bool(bool),
    /// One word.
    Word(String),
    /// A list of words.
    Words(Vec<String>),
}

impl RuleOptionValue {
    /// The value rules read.
    pub fn to_rule_option(&self) -> lint_rules::RuleOption {
        match self {
            RuleOptionValue::Bool(b) => lint_rules::RuleOption::Bool(*b),
            RuleOptionValue::Word(w) => lint_rules::RuleOption::Words(vec![w.clone()]),
            RuleOptionValue::Words(w) => lint_rules::RuleOption::Words(w.clone()),
        }
    }
}

impl Settings {
    /// The lowest severity that fails a run.
    pub fn fail_level(&self) -> Severity {
        self.fail_level
            .as_deref()
            .and_then(config::parse_severity)
            .unwrap_or(Severity::Error)
    }
}

/// What to lint. Fields combine as the command line's arguments do.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// Paths as the command line takes them: a repository (linted in repository mode),
    /// a directory that holds a copy of `/` (`etc/nginx`, `etc/php`), or single files
    /// (each linted in the deployment it belongs to). Empty, with nothing else given:
    /// this machine's own trees.
    pub paths: Vec<PathBuf>,
    /// A copy of `/`: absolute paths in the configuration are read under it.
    pub root: Option<PathBuf>,
    /// nginx main files or snippets, named explicitly.
    pub nginx: Vec<PathBuf>,
    /// php-fpm main files or pool files, named explicitly.
    pub fpm: Vec<PathBuf>,
    /// php.ini files.
    pub php_ini: Vec<PathBuf>,
    /// An `nginx -T` dump: its name and bytes.
    pub nginx_dump: Option<(PathBuf, Vec<u8>)>,
    /// nginx's prefix (relative main paths resolve against it).
    pub prefix: Option<PathBuf>,
    /// The context of an nginx snippet linted on its own (`auto`, `main`, `http`,
    /// `server`, `location`): the snippet is read inside the blocks it needs.
    pub context: Option<String>,
    /// Configuration held in memory: `nginx`, `fpm` and `php_ini` are read from it
    /// instead of the disk.
    pub memory: Option<Arc<MemoryFs>>,
    /// An editor's open buffers, read instead of the files they stand for wherever the
    /// run reads (a repository's deployments, a root, the host): unsaved text counts.
    pub buffers: Option<Arc<Snapshot>>,
}

impl Input {
    /// Paths as the command line takes them.
    ///
    /// ```
    /// let input = lint_api::Input::paths(["."]);
    /// assert_eq!(input.paths, [std::path::PathBuf::from(".")]);
    /// ```
    pub fn paths<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Self {
        Input {
            paths: paths.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }

    /// A copy of a machine's `/` (its `etc/nginx`, `etc/php`, `etc/passwd`...).
    pub fn root(root: impl Into<PathBuf>) -> Self {
        Input {
            root: Some(root.into()),
            ..Default::default()
        }
    }

    /// An `nginx -T` dump.
    pub fn nginx_dump(name: impl Into<PathBuf>, text: impl Into<Vec<u8>>) -> Self {
        Input {
            nginx_dump: Some((name.into(), text.into())),
            ..Default::default()
        }
    }

    /// Configuration held in memory, both sides: nginx files (the first is the main
    /// file; others are found through its `include`s) and php-fpm files (each a main
    /// file or a pool file), by the absolute paths nginx and php-fpm would use.
    ///
    /// ```
    /// let input = lint_api::Input::texts(
    ///     [("/etc/nginx/nginx.conf", "events {}\n")],
    ///     [("/etc/php-fpm.d/www.conf", "[www]\nlisten = 9000\n")],
    /// );
    /// assert_eq!(input.nginx.len(), 1);
    /// assert_eq!(input.fpm.len(), 1);
    /// ```
    pub fn texts<P: AsRef<Path>, T: AsRef<[u8]>>(
        nginx: impl IntoIterator<Item = (P, T)>,
        fpm: impl IntoIterator<Item = (P, T)>,
    ) -> Self {
        let mut memory = MemoryFs::new();
        let mut input = Input::default();
        for (i, (path, text)) in nginx.into_iter().enumerate() {
            memory.insert(&path, text);
            if i == 0 {
                input.nginx.push(path.as_ref().to_path_buf());
            }
        }
        for (path, text) in fpm {
            memory.insert(&path, text);
            input.fpm.push(path.as_ref().to_path_buf());
        }
        input.memory = Some(Arc::new(memory));
        input
    }

    fn names_files(&self) -> bool {
        !self.nginx.is_empty() || !self.fpm.is_empty() || self.nginx_dump.is_some()
    }
}

/// Why a run could not happen (a finding is never an error).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Arguments that do not make a run: a path that does not exist, a bad version.
    #[error("{0}")]
    Usage(String),
    /// Nothing to lint was found where the input points; `notes` says what was seen
    /// and skipped (templates, foreign files).
    #[error("{message}")]
    NothingFound {
        /// What was searched and how to name files instead.
        message: String,
        /// What the search saw and skipped.
        notes: Vec<String>,
        /// Every configuration file the search found was passed over on purpose
        /// (templates this tool does not render, saved `nginx -T` output): nothing is
        /// wrong with the run, and the command line exits 0 (a pre-commit hook on an
        /// Ansible role or a Salt formula would fail on every commit otherwise).
        only_skipped: bool,
    },
}

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    /// Findings, sorted by file and position, with suppressions, selection and
    /// severities applied.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read, for rendering the findings' places.
    pub sources: SourceMap,
    /// What the run wants the user to know that is not a finding (skipped files,
    /// assumptions of repository mode).
    pub notes: Vec<String>,
    /// What each rule cost, summed over deployments.
    pub rule_times: Vec<RuleTime>,
    /// The deployments (runs) linted.
    pub runs: usize,
}

impl Report {
    /// Whether any finding is at or above `level`.
    pub fn fails(&self, level: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= level)
    }
}

/// Lints inputs with one set of [`Settings`].
#[derive(Clone, Debug, Default)]
pub struct Linter {
    settings: Settings,
    cwd: Option<PathBuf>,
    cache: Option<Arc<nginx_conf_parser::ParseCache>>,
    fpm_cache: Option<Arc<fpm_conf_parser::FpmParseCache>>,
    server_memo: Option<Arc<lint_rules::ServerMemo>>,
    read_cache: Option<Arc<lint_source::read_cache::ReadCache>>,
    ends_process: bool,
}

impl Linter {
    /// A linter with these settings.
    pub fn new(settings: Settings) -> Self {
        Linter {
            settings,
            cwd: None,
            cache: None,
            fpm_cache: None,
            server_memo: None,
            read_cache: None,
            ends_process: false,
        }
    }

    /// A linter that keeps every nginx file's parse tree and every php-fpm file's lines
    /// for its next runs (and its clones'): a file whose bytes did not change is not
    /// parsed again. What an editor
    /// wants, where each keystroke re-lints a tree of which one file changed; the
    /// findings are the same as without the cache.
    ///
    /// ```
    /// use lint_api::{Input, Linter};
    ///
    /// let linter = Linter::default().incremental();
    /// let input = Input::texts([("/etc/nginx/nginx.conf", "events {}\nhttp {}\n")], [("/etc/php-fpm.conf", "")]);
    /// let first = linter.lint(&input).unwrap();
    /// let again = linter.lint(&input).unwrap();
    /// assert_eq!(first.diagnostics.len(), again.diagnostics.len());
    /// assert_eq!(linter.parses(), Some(1));
    /// ```
    pub fn incremental(mut self) -> Self {
        let cache = Arc::new(nginx_conf_parser::ParseCache::default());
        self.fpm_cache = Some(Arc::new(fpm_conf_parser::FpmParseCache::new(cache.ids())));
        self.cache = Some(cache);
        self.server_memo = Some(Arc::default());
        self.read_cache = Some(Arc::default());
        self
    }

    /// How many nginx files an [incremental](Linter::incremental) linter has parsed so far.
    pub fn parses(&self) -> Option<usize> {
        self.cache.as_ref().map(|c| c.parses())
    }

    /// How many files an [incremental](Linter::incremental) linter has read from this
    /// machine's disk so far (an unchanged file is not opened again).
    pub fn disk_reads(&self) -> Option<usize> {
        self.read_cache.as_ref().map(|c| c.reads())
    }

    /// The same linter, trusting a file on disk unchanged when its `stat(2)` is unchanged
    /// and it last changed `settle` or more before it was read (two seconds by default).
    /// Only an [incremental](Linter::incremental) linter reads through the cache.
    pub fn settle_time(mut self, settle: std::time::Duration) -> Self {
        if self.read_cache.is_some() {
            self.read_cache = Some(Arc::new(ReadCache::with_settle_time(settle)));
        }
        self
    }

    /// Trusts the files under `folder` unchanged until [`Linter::forget_file`] says
    /// otherwise, rather than checking each with `stat(2)` on every run: for a language
    /// server whose editor watches the folder and reports every change. Only an
    /// [incremental](Linter::incremental) linter keeps files; others ignore this.
    ///
    /// ```
    /// use lint_api::Linter;
    ///
    /// let linter = Linter::default().incremental();
    /// linter.watch_folder(&std::env::temp_dir());
    /// linter.forget_file(&std::env::temp_dir().join("nginx.conf"));
    /// linter.unwatch_folders();
    /// ```
    pub fn watch_folder(&self, folder: &Path) {
        if let Some(cache) = &self.read_cache {
            cache.watch(folder);
        }
    }

    /// Trusts no watched folder any more (see [`Linter::watch_folder`]).
    pub fn unwatch_folders(&self) {
        if let Some(cache) = &self.read_cache {
            cache.unwatch();
        }
    }

    /// Forgets what was read of `path` (it changed, was made or was removed).
    pub fn forget_file(&self, path: &Path) {
        if let Some(cache) = &self.read_cache {
            cache.forget(path);
        }
    }

    /// How many `server` blocks an [incremental](Linter::incremental) linter's per-server
    /// rules have checked (not reused) so far.
    pub fn servers_checked(&self) -> Option<usize> {
        self.server_memo.as_ref().map(|m| m.servers_checked())
    }

    /// How many `server` blocks an [incremental](Linter::incremental) linter has built
    /// the model of (not reused) so far.
    pub fn servers_built(&self) -> Option<usize> {
        self.server_memo.as_ref().map(|m| m.servers_built())
    }

    /// How many php-fpm files an [incremental](Linter::incremental) linter has parsed so far.
    pub fn fpm_parses(&self) -> Option<usize> {
        self.fpm_cache.as_ref().map(|c| c.parses())
    }

    /// Reads settings from a `.nginx-fpm-lint.toml`.
    pub fn from_config_file(path: &Path) -> Result<Self, Error> {
        config::load(path).map(Linter::new).map_err(Error::Usage)
    }

    /// The directory relative paths are resolved against (the process's current
    /// directory when unset).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Says that the process exits once this linter's one report is written (the command
    /// line): when the report comes from a single run, that run's parse trees and model
    /// are left for the exit to reclaim rather than freed one allocation at a time. A
    /// linter that lints again (an editor, a library user) must not set this: what is
    /// left stays allocated until the process ends.
    ///
    /// ```
    /// use lint_api::{Input, Linter};
    ///
    /// let dir = std::env::temp_dir().join(format!("ends-process-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let conf = dir.join("nginx.conf");
    /// std::fs::write(&conf, "events {}\nhttp { server { listen 80; } }\n").unwrap();
    /// let input = Input { nginx: vec![conf], ..Input::default() };
    /// let once = Linter::default().ends_process().lint(&input).unwrap();
    /// let freed = Linter::default().lint(&input).unwrap();
    /// assert_eq!(once.diagnostics.len(), freed.diagnostics.len());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn ends_process(mut self) -> Self {
        self.ends_process = true;
        self
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn cwd(&self) -> Result<PathBuf, Error> {
        match &self.cwd {
            Some(d) => Ok(d.clone()),
            None => std::env::current_dir().map_err(|e| Error::Usage(e.to_string())),
        }
    }

    /// Lints an input.
    pub fn lint(&self, input: &Input) -> Result<Report, Error> {
        self.lint_with(input, None)
    }

    /// [`Linter::lint`], calling `on_phase` as each phase of each run ends (for timing
    /// tables). The phases then run one after the other, so that each can be timed
    /// alone; [`Linter::lint`] overlaps the load-time checks with the model and rules.
    pub fn lint_observed(
        &self,
        input: &Input,
        on_phase: &mut dyn FnMut(Phase),
    ) -> Result<Report, Error> {
        self.lint_with(input, Some(on_phase))
    }

    fn lint_with(
        &self,
        input: &Input,
        mut on_phase: Option<&mut dyn FnMut(Phase)>,
    ) -> Result<Report, Error> {
        let cwd = self.cwd()?;
        let mut plan = self.plan(input, &cwd)?;
        // A file named on the command line is linted on its own when no deployment reads
        // it (below): a location-level snippet (Magento's nginx.conf.sample) makes no
        // deployment, and was "no configuration found" with exit 2.
        if plan.named.is_empty()
            && plan
                .inputs
                .iter()
                .all(|i| i.nginx.is_empty() && i.fpm.is_empty())
        {
            return Err(Error::NothingFound {
                message: nothing_found(input, &plan, &cwd),
                only_skipped: plan.skipped > 0,
                notes: alike_notes::fold(plan.notes),
            });
        }
        let map = match &self.cache {
            Some(cache) => SourceMap::with_ids(cache.ids()),
            None => SourceMap::new(),
        };
        for lint_input in &mut plan.inputs {
            lint_input.options.nginx_cache = self.cache.clone();
            lint_input.options.fpm_cache = self.fpm_cache.clone();
            lint_input.options.server_memo = self.server_memo.clone();
        }
        // Left for the exit only when this is the one run: a repository of many
        // deployments would otherwise keep every run's trees to the end.
        if let [only] = plan.inputs.as_mut_slice() {
            only.options.left_for_exit = self.ends_process && self.cache.is_none();
        }
        let mut runs = Vec::with_capacity(plan.inputs.len());
        let mut rule_times: Vec<RuleTime> = Vec::new();
        for lint_input in &plan.inputs {
            let mark = map.mark();
            let (found, times) = match on_phase.as_deref_mut() {
                Some(observe) => lint_rules::lint_observed(lint_input, &map, observe),
                None => lint_rules::lint_timed(lint_input, &map),
            };
            runs.push((map.read_since(mark), found));
            for t in times {
                match rule_times.iter_mut().find(|r| r.code == t.code) {
                    Some(r) => {
                        r.time += t.time;
                        r.findings += t.findings;
                    }
                    None => rule_times.push(t),
                }
            }
        }
        // A file named on the command line that no deployment of its repository reads (a
        // site placed where the repository's own nginx.conf includes nothing, a pasted
        // server block beside another project's files): linted on its own, as `--nginx
        // FILE` or `--fpm FILE` would, so that what was asked about is answered.
        let read: HashSet<PathBuf> = if plan.named.is_empty()
            && plan.placed_elsewhere.is_empty()
            && plan.skipped_notes.is_empty()
        {
            Default::default()
        } else {
            map.files()
                .into_iter()
                .filter_map(|(_, f)| f.disk_path.clone())
                .collect()
        };
        // A site named by the file a link of sites-enabled/ points to is read, under the
        // link's name (`nginx-fpm-lint /etc/nginx/sites-available/shop`).
        // In a copy of `/`, the link's absolute target is read under the copy.
        let links: Vec<(PathBuf, PathBuf)> = if plan.named.is_empty() {
            Vec::new()
        } else {
            read.iter()
                .filter_map(|p| Some((p.clone(), std::fs::read_link(p).ok()?)))
                .collect()
        };
        let read_through_link = |named: &Path| {
            links.iter().any(|(link, target)| {
                if target.is_relative() {
                    return link
                        .parent()
                        .is_some_and(|d| lint_source::vfs::normalize(&d.join(target)) == named);
                }
                let rel = target.strip_prefix("/").unwrap_or(target);
                named == target
                    || named
                        .to_str()
                        .zip(rel.to_str())
                        .and_then(|(n, r)| n.strip_suffix(r))
                        .is_some_and(|copy| copy.ends_with('/') && link.starts_with(copy))
            })
        };
        let unread: Vec<&(PathBuf, deployment::repository::Role)> = plan
            .named
            .iter()
            .filter(|(path, _)| !read.contains(path) && !read_through_link(path))
            .collect();
        for (path, role) in unread {
            let mut alone = Input {
                context: input.context.clone(),
                prefix: input.prefix.clone(),
                ..Input::default()
            };
            // `named` holds nginx and php-fpm files only.
            match role {
                deployment::repository::Role::Nginx { .. } => alone.nginx.push(path.clone()),
                _ => alone.fpm.push(path.clone()),
            }
            let mut lint_input = self.build_input(&alone, &[], &cwd)?;
            if input.buffers.is_some() || self.read_cache.is_some() {
                lay_views(
                    &mut lint_input,
                    input.buffers.as_ref(),
                    self.read_cache.as_ref(),
                );
            }
            plan.notes.push(format!(
                "{}: no deployment of its repository reads it (nothing includes the place it would run from): linted on its own",
                shown_path(path, &cwd)
            ));
            let mark = map.mark();
            let (found, _) = lint_rules::lint_timed(&lint_input, &map);
            runs.push((map.read_since(mark), found));
        }
        // The repository's nginx files a deployment places where nginx does not look
        // (webdevops' `COPY conf/ /opt/docker/`, linked in by a start script this tool
        // does not run): not linted, which an all-clear must not hide.
        // A template a run read after all (Starbix' nginx.conf, whose one `<NAME>` the
        // start script's `sed` fills in) was linted: "not linted" would be false.
        let linted_after_all: HashSet<&String> = plan
            .skipped_notes
            .iter()
            .filter(|(path, _)| read.contains(path))
            .map(|(_, note)| note)
            .collect();
        if !linted_after_all.is_empty() {
            plan.notes.retain(|n| !linted_after_all.contains(n));
        }
        // A file passed over with a note of its own (a template an include reaches,
        // webdevops' vhost snippets) is not also "placed where no include reaches".
        let passed_over: HashSet<&Path> = plan
            .skipped_notes
            .iter()
            .map(|(path, _)| path.as_path())
            .collect();
        for (name, server, placed) in &plan.placed_elsewhere {
            let unread: Vec<String> = placed
                .iter()
                .filter(|(host, _)| !read.contains(host) && !passed_over.contains(host.as_path()))
                .map(|(host, target)| {
                    format!("{} (at {})", shown_path(host, &cwd), target.display())
                })
                .collect();
            if unread.is_empty() {
                continue;
            }
            let listed = unread
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = unread.len().saturating_sub(5);
            if *server == Server::Fpm {
                plan.notes.push(format!(
                    "[{name}] {} php-fpm file{} of the repository {} placed where the php-fpm that runs does not read {}, and not linted: {listed}{} (another PHP version's tree, or a file no include names; lint {} with --fpm FILE)",
                    unread.len(),
                    if unread.len() == 1 { "" } else { "s" },
                    if unread.len() == 1 { "is" } else { "are" },
                    if unread.len() == 1 { "it" } else { "them" },
                    if more > 0 { format!(" and {more} more") } else { String::new() },
                    if unread.len() == 1 { "it" } else { "them" },
                ));
                continue;
            }
            plan.notes.push(format!(
                "[{name}] {} nginx file{} of the repository {} placed where no include of nginx's configuration reaches, and not linted: {listed}{} (a start script that links {} in is not followed; lint {} with --nginx FILE)",
                unread.len(),
                if unread.len() == 1 { "" } else { "s" },
                if unread.len() == 1 { "is" } else { "are" },
                if more > 0 { format!(" and {more} more") } else { String::new() },
                if unread.len() == 1 { "it" } else { "them" },
                if unread.len() == 1 { "it" } else { "them" },
            ));
        }
        plan.notes.sort();
        plan.notes.dedup();
        plan.notes = alike_notes::fold(std::mem::take(&mut plan.notes));
        let runs_count = runs.len();
        let mut diagnostics = unused_in_every_run(runs, &map);
        // Advice about an image's own file is not the repository's to act on; its errors
        // and warnings still are (they describe what runs).
        // A repository file the image's include reaches but that is filled in at start
        // is the repository's to know about (its whole site goes unlinted).
        diagnostics.retain(|d| {
            d.severity > Severity::Note
                || d.message.contains(nginx_conf_parser::FILLED_AT_START)
                || d.primary.as_ref().is_none_or(|p| {
                    let f = map.get(p.span.file);
                    !f.origin.as_deref().is_some_and(|o| o.contains(", stock "))
                })
        });
        if runs_count > 1 {
            lint_rules::sort(&mut diagnostics, &map);
        }
        let diagnostics = self.apply_settings(diagnostics, &map, &cwd);
        Ok(Report {
            diagnostics,
            sources: map,
            notes: plan.notes,
            rule_times,
            runs: runs_count,
        })
    }

    /// Builds the model of each run of `input` (one per deployment) and calls `f` with
    /// it: servers, locations, pools, listen groups and which locations reach which pool.
    ///
    /// ```
    /// use lint_api::{Input, Linter};
    ///
    /// let input = Input::texts(
    ///     [("/etc/nginx/nginx.conf", "events {}\nhttp { server { listen 80; } }\n")],
    ///     [("/etc/php-fpm.d/www.conf", "[www]\nlisten = 9000\npm = static\npm.max_children = 2\n")],
    /// );
    /// let pools = Linter::default()
    ///     .inspect(&input, |model| model.pools().map(|p| p.pool.name.clone()).collect::<Vec<_>>())
    ///     .unwrap();
    /// assert_eq!(pools, [vec!["www".to_string()]]);
    /// ```
    pub fn inspect<R>(
        &self,
        input: &Input,
        mut f: impl FnMut(&Model<'_>) -> R,
    ) -> Result<Vec<R>, Error> {
        let cwd = self.cwd()?;
        let plan = self.plan(input, &cwd)?;
        let map = SourceMap::new();
        Ok(plan
            .inputs
            .iter()
            .map(|i| lint_rules::inspect(i, &map, &mut f))
            .collect())
    }

    /// The rules whose every finding [`Linter::apply_settings`] would drop, whatever the
    /// file: not selected, opt-in and not asked for, or ignored (per-path ignores keep a
    /// rule running, it may fire elsewhere).
    fn rules_not_run(&self) -> std::collections::BTreeSet<&'static str> {
        let s = &self.settings;
        let chosen = |selectors: &[String], meta: &lint_source::RuleMeta| {
            selectors.iter().any(|sel| config::selects(sel, meta))
        };
        lint_rules::RULES
            .iter()
            .map(|rule| &rule.meta)
            .filter(|meta| {
                let selected = chosen(&s.select, meta);
                (!selected && (!s.select.is_empty() || lint_rules::is_opt_in(meta.code)))
                    || chosen(&s.ignore, meta)
            })
            .map(|meta| meta.code)
            .collect()
    }

    /// Selection, per-path ignores and severities of the settings.
    fn apply_settings(
        &self,
        mut diagnostics: Vec<Diagnostic>,
        map: &SourceMap,
        cwd: &Path,
    ) -> Vec<Diagnostic> {
        let s = &self.settings;
        let base = s.base.clone().unwrap_or_else(|| cwd.to_path_buf());
        let per_path: Vec<(globset::GlobMatcher, &Vec<String>)> = s
            .per_path_ignores
            .iter()
            .filter_map(|(glob, codes)| {
                Some((globset::Glob::new(glob).ok()?.compile_matcher(), codes))
            })
            .collect();
        let selected = |selectors: &[String], d: &Diagnostic| {
            let meta = lint_rules::rule_meta(d.code);
            selectors.iter().any(|sel| match meta {
                Some(m) => config::selects(sel, m),
                None => sel == d.code || sel == d.name,
            })
        };
        diagnostics.retain(|d| {
            let chosen = selected(&s.select, d);
            if !s.select.is_empty() && !chosen {
                return false;
            }
            // Advice-only and overlapping gixy checks run when asked for (`--select SEC`).
            if lint_rules::is_opt_in(d.code) && !chosen {
                return false;
            }
            if selected(&s.ignore, d) {
                return false;
            }
            if let Some(p) = &d.primary {
                let f = map.get(p.span.file);
                let shown = f.disk_path.clone().unwrap_or_else(|| f.path.clone());
                let rel = shown
                    .strip_prefix(&base)
                    .map(Path::to_path_buf)
                    .unwrap_or(shown);
                let logical = f
                    .path
                    .strip_prefix("/")
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| f.path.clone());
                for (m, codes) in &per_path {
                    if (m.is_match(&rel) || m.is_match(&logical)) && selected(codes, d) {
                        return false;
                    }
                }
            }
            true
        });
        if !s.severity.is_empty() {
            for d in &mut diagnostics {
                let meta = lint_rules::rule_meta(d.code);
                for (code, level) in &s.severity {
                    let names = code == d.code
                        || code == d.name
                        || meta.is_some_and(|m| m.aliases.contains(&code.as_str()));
                    if let (true, Some(level)) = (names, config::parse_severity(level)) {
                        d.severity = level;
                    }
                }
            }
        }
        diagnostics
    }

    fn plan(&self, input: &Input, cwd: &Path) -> Result<Plan, Error> {
        // What each file named on the command line is, read once.
        let roles = if input.root.is_none() {
            classify_named(&input.paths, cwd)
        } else {
            HashMap::new()
        };
        let rewritten;
        let input = match dump_named_as_path(input, &roles, cwd) {
            Some(with_dump) => {
                rewritten = with_dump;
                &rewritten
            }
            None => input,
        };
        let mut plan = Plan::default();
        // Templates named with --nginx or --fpm (Jinja, Go, an installer's `%ip%`) are
        // passed over with a note, as a repository's are: parsed, syntax they do not yet
        // have was 64 errors (syncloud/freshrss's Go-templated nginx.conf).
        let untemplated;
        let input = match drop_named_templates(input, cwd) {
            Some((without, notes)) => {
                plan.skipped += notes.len();
                plan.notes.extend(notes);
                untemplated = without;
                &untemplated
            }
            None => input,
        };
        let mut classic_paths = Vec::new();
        let mut repos: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        if input.root.is_none() {
            for p in &input.paths {
                let absolute = lint_source::vfs::normalize(&cwd.join(p));
                if absolute.is_dir() {
                    if is_root_copy(&absolute) && !sites_undecided(&absolute) {
                        classic_paths.push(p.clone());
                    } else {
                        repos.entry(p.clone()).or_default();
                    }
                } else if absolute.is_file() {
                    match roles.get(&absolute).cloned().flatten() {
                        Some(role) => {
                            if matches!(
                                role,
                                deployment::repository::Role::Nginx { .. }
                                    | deployment::repository::Role::Fpm { .. }
                            ) {
                                plan.named.push((absolute.clone(), role));
                            }
                            let repo = repository_of(&absolute, cwd);
                            // A file of a copy of `/` without a repository of its own
                            // (this machine's /etc/nginx/sites-enabled/shop, a backup's
                            // site): the copy is linted as naming it would, the machine
                            // as `nginx-fpm-lint /` does, never walked as a repository.
                            if !repo.join(".git").exists()
                                && is_root_copy(&repo)
                                && (!sites_undecided(&repo) || repo.parent().is_none())
                            {
                                if !classic_paths.contains(&repo) {
                                    classic_paths.push(repo);
                                }
                                continue;
                            }
                            repos.entry(repo).or_default().push(absolute)
                        }
                        None => plan.notes.push(format!(
                            "{}: not nginx, php-fpm, php.ini, Compose, Dockerfile or Kubernetes configuration; skipped",
                            p.display()
                        )),
                    }
                } else {
                    return Err(Error::Usage(format!(
                        "{}: No such file or directory",
                        p.display()
                    )));
                }
            }
        } else {
            // `--root DIR DIR` (or `--root DIR /`) names the copy of / twice: lint it as
            // `--root DIR` does. Read under the root, `DIR` was `DIR/DIR` (not found), and
            // a path named nginx.conf was never read ("No problems found").
            let root = input
                .root
                .as_ref()
                .map(|r| lint_source::vfs::normalize(&cwd.join(r)));
            classic_paths = input
                .paths
                .iter()
                .filter(|p| {
                    let here = lint_source::vfs::normalize(&cwd.join(p));
                    p.as_path() != Path::new("/") && Some(&here) != root.as_ref()
                })
                .cloned()
                .collect();
            // A copy of / with several sites in sites-available/ and no sites-enabled/ does
            // not say which are enabled: read as the repository mode reads it (each site
            // with the packages' files). Read as a machine, none was enabled and the run
            // said "No problems found" on a tree it never linted (omicron-b/scripts).
            if let Some(root) = root.filter(|r| {
                classic_paths.is_empty()
                    && !input.names_files()
                    && input.nginx_dump.is_none()
                    && sites_undecided(r)
            }) {
                repos.entry(root).or_default();
            }
        }
        for (repo, changed) in &repos {
            plan.searched.push(repo.clone());
            let repo_abs = lint_source::vfs::normalize(&cwd.join(repo));
            let assembled = deployment::assemble_with(&repo_abs, &self.settings.env);
            let undecided = is_root_copy(&repo_abs) && sites_undecided(&repo_abs);
            for (path, why) in &assembled.skipped {
                if changed.is_empty() || changed.contains(path) {
                    plan.skipped += 1;
                    let note = format!("{}: {why}", shown_path(path, cwd));
                    plan.skipped_notes.push((path.clone(), note.clone()));
                    plan.notes.push(note);
                }
            }
            for d in &assembled.deployments {
                if !changed.is_empty() && !changed.iter().any(|c| d.uses(c)) {
                    continue;
                }
                for note in &d.notes {
                    plan.notes.push(format!("[{}] {note}", d.name));
                }
                let placed = [
                    (
                        Server::Nginx,
                        d.nginx.as_ref().map(|s| s.placed_nginx_files_elsewhere()),
                    ),
                    (Server::Fpm, d.fpm.as_ref().map(|s| s.placed_fpm_files())),
                ];
                for (server, files) in placed {
                    let mut files = files.unwrap_or_default();
                    // The repository's own files (a mount of `../` reaches others').
                    files.retain(|(host, _)| host.starts_with(&repo_abs));
                    if !files.is_empty() {
                        plan.placed_elsewhere.push((d.name.clone(), server, files));
                    }
                }
                let mut lint_input = d.lint_input();
                self.apply_options(&mut lint_input, input, true)?;
                lint_input.options.site_not_known_enabled |= undecided;
                plan.inputs.push(lint_input);
            }
        }
        // Files named alone that are all templates leave nothing: not this machine.
        let only_templates_named =
            plan.skipped > 0 && input.paths.is_empty() && !input.names_files();
        let classic = !classic_paths.is_empty()
            || input.names_files()
            || (input.paths.is_empty() && repos.is_empty() && !only_templates_named)
            || (input.root.is_some() && repos.is_empty());
        if classic {
            let lint_input = self.build_input(input, &classic_paths, cwd)?;
            // The php-fpm trees discovery passed over: a package removed, its files kept.
            {
                let roots: Vec<Option<PathBuf>> = match &input.root {
                    Some(r) => vec![Some(cwd.join(r))],
                    None if input.paths.is_empty() && !input.names_files() => vec![None],
                    None => classic_paths
                        .iter()
                        .map(|p| Some(lint_source::vfs::normalize(&cwd.join(p))))
                        .collect(),
                };
                for root in roots {
                    for v in discover::removed_php_fpm(root.as_deref()) {
                        plan.notes.push(format!(
                            "php{v}-fpm is removed (dpkg keeps its configuration files): /etc/php/{v}/fpm is not read as a running php-fpm"
                        ));
                    }
                }
            }
            let dumped = input
                .nginx_dump
                .as_ref()
                .is_some_and(|(_, text)| nginx_conf_parser::is_dump(text));
            if dumped && lint_input.fpm.is_empty() {
                plan.notes.push(if input.root.is_some() {
                    "php-fpm is not linted: the dump is nginx's side only, and the --root tree holds no php-fpm configuration (give --fpm FILE)".into()
                } else {
                    "php-fpm is not linted (the dump is nginx's side only): give --fpm FILE, or --root DIR holding the machine's /etc/php".into()
                });
            }
            // `--nginx /etc/nginx/nginx.conf` alone on a server: "No problems found" for a
            // site whose socket no pool has was the cross-checks not run, and not said.
            let whole_nginx = input.nginx.iter().any(|p| {
                p.file_name().is_some_and(|n| n == "nginx.conf") && input.context.is_none()
            });
            if whole_nginx && !dumped && lint_input.fpm.is_empty() && input.memory.is_none() {
                plan.notes.push(
                    "php-fpm is not linted (only --nginx was given): the nginx ↔ php-fpm cross-checks were skipped; give --fpm FILE, or run without --nginx to lint this machine's both sides".into(),
                );
            }
            // `--fpm` naming a saved copy's php-fpm.conf: its absolute `include=` is read on
            // this machine; say which pools were read.
            if input.root.is_none() && input.memory.is_none() {
                let files: Vec<PathBuf> = input.fpm.iter().map(|p| cwd.join(p)).collect();
                let copy_read =
                    input.php_ini.is_empty() && discover::fpm_copy_root(&files).is_some();
                plan.notes
                    .extend(discover::copied_fpm_include_notes(&files, copy_read));
            }
            if dumped && input.root.is_none() {
                plan.notes.push(
                    "a dump holds the configuration, not the disk: document roots, cache and log directories and sockets are not checked (give --root DIR, a copy of the machine's /)".into(),
                );
            }
            plan.inputs.push(lint_input);
        }
        if input.buffers.is_some() || self.read_cache.is_some() {
            for lint_input in &mut plan.inputs {
                lay_views(lint_input, input.buffers.as_ref(), self.read_cache.as_ref());
            }
        }
        plan.notes.sort();
        plan.notes.dedup();
        Ok(plan)
    }

    fn build_input(
        &self,
        input: &Input,
        paths: &[PathBuf],
        cwd: &Path,
    ) -> Result<LintInput, Error> {
        let root = input.root.as_ref().map(|r| cwd.join(r));
        if let Some(r) = &root {
            if !r.is_dir() {
                return Err(Error::Usage(format!(
                    "--root {}: not a directory",
                    r.display()
                )));
            }
        }
        let explicit = !paths.is_empty() || input.names_files();
        let mut lint_input = if explicit || input.memory.is_some() {
            LintInput::default()
        } else {
            discover::discover(root.as_deref())
        };
        // `nginx -T` output for nginx and a copy of the machine for the rest (docs/ci.md's
        // production mode): the root's php-fpm side is found as without the dump.
        let dump_only = input.nginx_dump.is_some()
            && paths.is_empty()
            && input.nginx.is_empty()
            && input.fpm.is_empty();
        if dump_only && input.memory.is_none() {
            if let Some(r) = &root {
                let found = discover::discover(Some(r));
                lint_input.fpm = found.fpm;
                lint_input.php_ini = found.php_ini;
            }
        }
        lint_input.options.root = root.clone();
        let absolute: Vec<PathBuf> = match &root {
            // Under a root, paths are the configuration's own (absolute: read under it).
            Some(_) => paths.to_vec(),
            None => paths.iter().map(|p| cwd.join(p)).collect(),
        };
        discover::add_paths(&mut lint_input, &absolute, root.as_deref()).map_err(Error::Usage)?;
        // A directory that copies a Debian server's /etc keeps what was changed: the files
        // its packages install and it lacks (mime.types) are there on the machine too. So
        // does a `--root` that is a configuration checkout rather than a machine image.
        let copy = match (&root, &input.memory, &lint_input.options.root) {
            (None, None, Some(copy)) => Some(copy),
            (Some(given), None, _)
                if lint_source::vfs::is_configuration_checkout(given)
                    || keeps_some_files(given) =>
            {
                Some(given)
            }
            _ => None,
        };
        if let Some(copy) = copy {
            if let Some(fs) = deployment::container_fs::RootWithStock::packages(copy) {
                // A copy that keeps sites and pools but no main file (Vagrant and
                // Ansible trees): the packages' main files read them on the machine.
                let (nginx_main, fpm_main) = fs.package_mains();
                lint_input.options.package_dirs = fs.package_dirs().to_vec();
                if lint_input.nginx.is_empty() && !input.names_files() {
                    lint_input
                        .nginx
                        .extend(nginx_main.map(|m| NginxInput::File(m.to_path_buf())));
                }
                if lint_input.fpm.is_empty() && !input.names_files() {
                    lint_input.fpm.extend(fpm_main.map(Path::to_path_buf));
                }
                let fs: Arc<dyn lint_source::vfs::FileSystem> = Arc::new(fs);
                lint_input.options.nginx_fs = Some(fs.clone());
                lint_input.options.fpm_fs = Some(fs);
            }
        }
        // Disk facts are true for a root (given, or a directory argument that mirrors /),
        // and for this machine when its own trees are linted.
        lint_input.options.disk_root = lint_input
            .options
            .root
            .clone()
            .or_else(|| (!explicit && input.memory.is_none()).then(|| PathBuf::from("/")));
        let resolve = |p: &PathBuf| {
            if input.memory.is_some() || root.is_some() {
                p.clone()
            } else {
                cwd.join(p)
            }
        };
        lint_input
            .nginx
            .extend(input.nginx.iter().map(resolve).map(NginxInput::File));
        // A saved copy's php-fpm.conf (`--fpm /saved/etc/php/8.2/fpm/php-fpm.conf`, no
        // `--root`) whose absolute includes the copy holds: read in the copy, as its
        // machine read it, not with this machine's pools (a note says so).
        let fpm_files: Vec<PathBuf> = input.fpm.iter().map(resolve).collect();
        let copy = match (&root, &input.memory, &lint_input.options.fpm_fs) {
            (None, None, None) if input.php_ini.is_empty() => discover::fpm_copy_root(&fpm_files),
            _ => None,
        };
        match copy {
            Some(copy) => {
                lint_input.fpm.extend(
                    fpm_files
                        .iter()
                        .map(|f| Path::new("/").join(f.strip_prefix(&copy).unwrap_or(f))),
                );
                lint_input.options.fpm_fs = Some(Arc::new(lint_source::vfs::RootFs::new(copy)));
            }
            None => lint_input.fpm.extend(fpm_files),
        }
        lint_input.php_ini.extend(input.php_ini.iter().map(resolve));
        if let Some((name, text)) = &input.nginx_dump {
            lint_input.nginx.push(NginxInput::Dump {
                name: name.clone(),
                text: text.clone(),
            });
        }
        if let Some(memory) = &input.memory {
            let fs: Arc<dyn lint_source::vfs::FileSystem> = memory.clone();
            lint_input.options.nginx_fs = Some(fs.clone());
            lint_input.options.fpm_fs = Some(fs);
        }
        // Files named on their own (a site, a published config): what they include from
        // their distribution (`fastcgi_params`) is read as Debian's package has it when
        // it is not beside them. Not for this machine's own /etc/nginx, whose missing
        // files are missing.
        if explicit && root.is_none() && lint_input.options.nginx_fs.is_none() {
            let dirs: Vec<PathBuf> = lint_input
                .nginx
                .iter()
                .filter_map(|n| match n {
                    NginxInput::File(p) => p.parent().map(Path::to_path_buf),
                    NginxInput::Dump { .. } => None,
                })
                .filter(|d| d != Path::new("/etc/nginx"))
                .collect();
            if !dirs.is_empty() {
                let fs = snippet_fs::SnippetWithStock::new(dirs);
                lint_input.options.nginx_fs = Some(Arc::new(match &self.read_cache {
                    Some(cache) => fs.with_cache(cache.clone()),
                    None => fs,
                }));
            }
        }
        self.apply_options(&mut lint_input, input, false)?;
        // The worker user of a distribution whose nginx is built with its own (`--user=http`
        // on Arch, `www` on FreeBSD): nginx.conf's `user` still comes first.
        if lint_input.options.nginx_user.is_none() {
            if let Some(root) = &lint_input.options.root {
                lint_input.options.nginx_user = discover::root_nginx_build_user(root);
            }
        }
        // A panel's own nginx build has modules compiled in that no `load_module` names.
        if let Some(root) = &lint_input.options.root {
            let built_in = discover::root_nginx_build_modules(root);
            lint_input.options.modules.extend(built_in);
        }
        // The version that runs, when nobody said: the root's packages, or this machine's.
        if lint_input.options.nginx_version.is_none() {
            lint_input.options.nginx_version = match &lint_input.options.root {
                // A copy with Debian's layout (sites-enabled/, etc/php/X/fpm) but no package
                // data: Debian's nginx, as repository mode reads the same tree (before 1.25:
                // `ssl on;` is deprecated there, not unknown).
                Some(root) => discover::root_nginx_version(root).or_else(|| {
                    let debian = deployment::container_fs::RootWithStock::debian(root);
                    lint_input.options.nginx_version_assumed = debian.is_some();
                    debian.map(|_| "1.22".to_string())
                }),
                None if !explicit && input.memory.is_none() => discover::machine_nginx_version(),
                None => None,
            };
        }
        Ok(lint_input)
    }

    /// Options from the input and the settings. In a deployment, the version its image
    /// runs stands unless one is set.
    fn apply_options(
        &self,
        lint_input: &mut LintInput,
        input: &Input,
        deployment: bool,
    ) -> Result<(), Error> {
        let s = &self.settings;
        let o = &mut lint_input.options;
        o.nginx_prefix = input.prefix.clone();
        // A deployment's snippet linted on its own keeps the context it was given.
        o.context = input.context.clone().or(o.context.take());
        if let Some(v) = s.nginx_version.clone() {
            o.nginx_version = Some(v);
        } else if !deployment {
            o.nginx_version = None;
        }
        if let Some(v) = &o.nginx_version {
            if nginx_conf_parser::catalogue::NginxVersion::parse(v).is_none() {
                return Err(Error::Usage(format!(
                    "--nginx-version {v}: expected a version like 1.22, 1.24, 1.27 or latest"
                )));
            }
        }
        if let Some(user) = s.nginx_user.clone() {
            o.nginx_user = Some(user);
        }
        o.modules.extend(s.modules.iter().cloned());
        for (rule, options) in &s.rule_options {
            if let Some(meta) = lint_rules::rule_meta(rule) {
                o.rule_options
                    .entry(meta.code.to_string())
                    .or_default()
                    .extend(options.iter().map(|(k, v)| (k.clone(), v.to_rule_option())));
            }
        }
        o.env.extend(s.env.clone());
        o.expected_names = s.names.clone();
        o.rules_not_run = self.rules_not_run();
        Ok(())
    }
}

/// Whether a file the last lint did not read may, made or changed, change what a
/// repository's lint reads: a file in a directory the scan passes over (`.git`,
/// `node_modules`, `vendor`...) never does, nor one that is no configuration this tool
/// reads (a PHP script, a stylesheet). For an editor reporting every change of a
/// folder: only these are worth planning the folder again.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("may-change-plan-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("vendor")).unwrap();
/// std::fs::write(dir.join("index.php"), "<?php echo 1;\n").unwrap();
/// std::fs::write(dir.join("site.conf"), "server {\n    listen 80;\n}\n").unwrap();
/// std::fs::write(dir.join("vendor/site.conf"), "server {\n    listen 80;\n}\n").unwrap();
/// assert!(!lint_api::may_change_plan(&dir.join("index.php")));
/// assert!(lint_api::may_change_plan(&dir.join("site.conf")));
/// assert!(!lint_api::may_change_plan(&dir.join("vendor/site.conf")));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn may_change_plan(path: &Path) -> bool {
    let passed_over = path.components().any(|c| {
        matches!(c, std::path::Component::Normal(name)
            if deployment::repository::is_passed_over(&name.to_string_lossy()))
    });
    !passed_over && deployment::repository::classify_path(path).is_some()
}

/// Reads both sides of a run through `buffers` laid over the view it had (a deployment's
/// container, the root, or the host), and the root's or the host's files through `cache`
/// (an incremental linter's: unchanged files are not opened again).
fn lay_views(
    lint_input: &mut LintInput,
    buffers: Option<&Arc<Snapshot>>,
    cache: Option<&Arc<ReadCache>>,
) {
    let o = &mut lint_input.options;
    let under = |fs: &Option<Arc<dyn FileSystem>>| -> Arc<dyn FileSystem> {
        match (fs, &o.root, cache) {
            // A deployment's view (a container, a copy with its packages' files) reads
            // the repository's files through the cache too.
            (Some(fs), _, Some(cache)) => fs.with_read_cache(cache).unwrap_or_else(|| fs.clone()),
            (Some(fs), _, None) => fs.clone(),
            (None, Some(root), Some(cache)) => {
                Arc::new(RootFs::new(root).with_cache(cache.clone()))
            }
            (None, Some(root), None) => Arc::new(RootFs::new(root)),
            (None, None, Some(cache)) => Arc::new(HostFs::with_cache(cache.clone())),
            (None, None, None) => Arc::new(HostFs::new()),
        }
    };
    let over = |fs: Arc<dyn FileSystem>| -> Arc<dyn FileSystem> {
        let Some(buffers) = buffers else { return fs };
        let overlay = Overlay::new(fs, buffers.clone());
        Arc::new(match cache {
            Some(cache) => overlay.with_cache(cache.clone()),
            None => overlay,
        })
    };
    let nginx = over(under(&o.nginx_fs));
    // One view for both sides when they had one (a container running both, a copy of
    // /): made twice, a deployment's view was copied twice per run.
    let same = match (&o.nginx_fs, &o.fpm_fs) {
        (Some(n), Some(f)) => Arc::ptr_eq(n, f),
        _ => false,
    };
    let fpm = if same {
        nginx.clone()
    } else {
        over(under(&o.fpm_fs))
    };
    o.nginx_fs = Some(nginx);
    o.fpm_fs = Some(fpm);
}

/// What one run lints: one input per deployment, and what to tell the user about them.
#[derive(Default)]
struct Plan {
    inputs: Vec<LintInput>,
    notes: Vec<String>,
    /// Where repository mode looked, for the "nothing found" message.
    searched: Vec<PathBuf>,
    /// nginx and php-fpm files named on the command line and linted as part of their
    /// repository's deployments (absolute), with what they are: one that no deployment
    /// reads is linted on its own afterwards.
    named: Vec<(PathBuf, deployment::repository::Role)>,
    /// Configuration files passed over on purpose (templates, saved dumps, files too
    /// large), each with a note.
    skipped: usize,
    /// Those files (absolute) with their notes: a note is dropped when a run read the
    /// file after all (a template whose placeholders the start script's `sed` fills).
    skipped_notes: Vec<(PathBuf, String)>,
    /// Per deployment (its name), the repository's nginx files it places outside nginx's
    /// folders and its php-fpm files (host path, container path): those no run read get
    /// a note.
    placed_elsewhere: Vec<(String, Server, Vec<Placed>)>,
}

/// A repository file a deployment places: (host path, container path).
type Placed = (PathBuf, PathBuf);

/// Which server a placed file is for (the note about files no run read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Server {
    Nginx,
    Fpm,
}

/// A directory that holds a copy of `/` (etc/nginx or etc/php) rather than a repository.
pub fn is_root_copy(dir: &Path) -> bool {
    // A repository that describes its deployments (Compose, a Dockerfile) is one, even
    // when it keeps its files in an etc/ folder.
    let describes = std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            deployment::compose::is_compose_name(&name)
                || deployment::dockerfile::is_dockerfile_name(&name)
        })
    });
    if describes {
        return false;
    }
    dir.join("etc/nginx/nginx.conf").is_file()
        || dir.join("etc/php").is_dir()
        || dir.join("etc/php-fpm.conf").is_file()
        || dir.join("usr/local/etc/php-fpm.conf").is_file()
}

/// A copy of `/` that keeps several sites in `etc/nginx/sites-available` and no
/// `sites-enabled` (links are often left out of a repository): which sites the machine
/// serves is not known, and read as `/` its `include sites-enabled/*` matches nothing, so
/// none was linted ("No problems found" for a tree of broken sites). Read as a
/// repository instead, each site is linted as its own deployment.
/// A copy of / whose nginx or php-fpm directory lacks the main file the package installs
/// (`etc/nginx/` without nginx.conf, `etc/php/8.2/fpm/` without php-fpm.conf) keeps some
/// files, not the machine, even with a `var/log` of its own: a Vagrant box's tree
/// (Wotuu/keystone.guru.vagrant) was "nothing found".
fn keeps_some_files(dir: &Path) -> bool {
    // Debian's module links point into /usr/share/nginx/modules-available: a copy that
    // keeps them and no `/usr` is an `/etc` + `/var` backup, not the machine (each
    // enabled module was an NGX002 error there).
    let module_links_dangle = !dir.join("usr").exists()
        && std::fs::read_dir(dir.join("etc/nginx/modules-enabled"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .take(64)
            .any(|e| {
                std::fs::read_link(e.path())
                    .is_ok_and(|t| t.starts_with("/usr/share/nginx/modules-available"))
            });
    if module_links_dangle {
        return true;
    }
    let nginx = dir.join("etc/nginx");
    if nginx.is_dir() && !nginx.join("nginx.conf").exists() {
        return true;
    }
    std::fs::read_dir(dir.join("etc/php"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path().join("fpm"))
        .any(|fpm| fpm.is_dir() && !fpm.join("php-fpm.conf").exists())
}

fn sites_undecided(dir: &Path) -> bool {
    let nginx = dir.join("etc/nginx");
    !nginx.join("sites-enabled").exists()
        && std::fs::read_dir(nginx.join("sites-available")).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .take(2)
                .count()
                == 2
        })
}

/// `input` without the files named with --nginx or --fpm that are templates this tool
/// does not render, and a note for each; `None` when none is.
fn drop_named_templates(input: &Input, cwd: &Path) -> Option<(Input, Vec<String>)> {
    if input.memory.is_some() || input.buffers.is_some() {
        return None;
    }
    let template = |p: &PathBuf| -> Option<String> {
        let absolute = lint_source::vfs::normalize(&cwd.join(p));
        let size = std::fs::metadata(&absolute).ok()?.len();
        if size > deployment::repository::size_limit(&absolute) {
            return None;
        }
        let bytes = std::fs::read(&absolute).ok()?;
        match deployment::repository::classify(&absolute, &bytes)? {
            deployment::repository::Role::Template(kind) => {
                Some(format!("{}: {kind}: not rendered, not linted", p.display()))
            }
            _ => None,
        }
    };
    let mut notes = Vec::new();
    let mut keep = |files: &[PathBuf]| -> Vec<PathBuf> {
        files
            .iter()
            .filter(|p| match template(p) {
                Some(note) => {
                    notes.push(note);
                    false
                }
                None => true,
            })
            .cloned()
            .collect()
    };
    let nginx = keep(&input.nginx);
    let fpm = keep(&input.fpm);
    if notes.is_empty() {
        return None;
    }
    Some((
        Input {
            nginx,
            fpm,
            ..input.clone()
        },
        notes,
    ))
}

/// What each of `paths` that is a file is (by content), keyed by its absolute path.
fn classify_named(
    paths: &[PathBuf],
    cwd: &Path,
) -> HashMap<PathBuf, Option<deployment::repository::Role>> {
    paths
        .iter()
        .map(|p| lint_source::vfs::normalize(&cwd.join(p)))
        .filter(|absolute| absolute.is_file())
        .map(|absolute| {
            // Saved `php-fpm -tt` output, named beside a saved `nginx -T` (production mode):
            // the pools as php-fpm took them.
            let role = deployment::repository::classify_path(&absolute)
                .or_else(|| {
                    std::fs::read(&absolute)
                        .ok()
                        .filter(|b| fpm_conf_parser::is_fpm_dump(b))
                        .map(|_| deployment::repository::Role::Fpm { main: true })
                })
                // Named, a file of another extension is read for what it holds, as
                // `--nginx FILE` reads it (vesta's phpmyadmin.inc).
                .or_else(|| deployment::repository::classify_named_nginx(&absolute));
            (absolute, role)
        })
        .collect()
}

/// `input` with a saved `nginx -T` output named among its paths taken as `--nginx-dump`
/// (and the php-fpm files beside it as `--fpm`), or `None` when no path is one. Read as a
/// file of a repository, a dump was one nginx.conf holding every file of the tree at the
/// top level: dozens of errors about directives that are fine.
fn dump_named_as_path(
    input: &Input,
    named: &HashMap<PathBuf, Option<deployment::repository::Role>>,
    cwd: &Path,
) -> Option<Input> {
    use deployment::repository::Role;
    if input.nginx_dump.is_some() || input.root.is_some() || input.memory.is_some() {
        return None;
    }
    let roles: Vec<(PathBuf, Option<Role>)> = input
        .paths
        .iter()
        .map(|p| {
            let absolute = lint_source::vfs::normalize(&cwd.join(p));
            (p.clone(), named.get(&absolute).cloned().flatten())
        })
        .collect();
    let (dump, _) = roles
        .iter()
        .find(|(_, r)| matches!(r, Some(Role::NginxDump)))?
        .clone();
    let text = std::fs::read(cwd.join(&dump)).ok()?;
    let mut out = input.clone();
    out.nginx_dump = Some((dump.clone(), text));
    out.paths.clear();
    for (path, role) in roles {
        match role {
            Some(Role::NginxDump) if path == dump => {}
            Some(Role::Fpm { .. }) => out.fpm.push(path),
            Some(Role::PhpIni) if out.php_ini.is_empty() => out.php_ini.push(path),
            _ => out.paths.push(path),
        }
    }
    Some(out)
}

/// The top of the repository a file belongs to (the nearest directory with `.git`), else
/// the copy of `/` whose `etc/` (or `usr/`, `opt/`) holds it, `/` itself for this
/// machine's own files (`nginx-fpm-lint /etc/nginx/sites-enabled/shop`), else the
/// current directory when the file lies under it, else the file's directory.
///
/// A `.git` inside that copy (etckeeper's `/etc/.git`) does not make `etc/` the
/// repository: the copy is. The current directory is never `/` as a repository: walked,
/// it was the whole filesystem (a run from `/` on a site file took 22 GB and was killed).
pub fn repository_of(absolute: &Path, cwd: &Path) -> PathBuf {
    let mut git = None;
    let mut dir = absolute.parent();
    while let Some(d) = dir {
        if d.join(".git").exists() {
            git = Some(d.to_path_buf());
            break;
        }
        dir = d.parent();
    }
    if let Some(copy) = root_copy_holding(absolute) {
        if git.as_ref().is_none_or(|g| g.starts_with(&copy)) {
            return copy;
        }
    }
    if let Some(git) = git {
        return git;
    }
    if absolute.starts_with(cwd) && cwd.parent().is_some() {
        cwd.to_path_buf()
    } else {
        absolute.parent().unwrap_or(cwd).to_path_buf()
    }
}

/// The nearest directory above `absolute` that is a copy of `/` (or `/` itself) and keeps
/// it in its `etc/`, `usr/` or `opt/` (where the packages put their configuration).
fn root_copy_holding(absolute: &Path) -> Option<PathBuf> {
    let mut dir = absolute.parent();
    while let Some(d) = dir {
        let first = absolute
            .strip_prefix(d)
            .ok()
            .and_then(|rest| rest.components().next())
            .map(|c| c.as_os_str().to_os_string());
        let top = first
            .as_ref()
            .is_some_and(|f| f == "etc" || f == "usr" || f == "opt");
        if top && is_root_copy(d) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

fn shown_path(path: &Path, cwd: &Path) -> String {
    match path.strip_prefix(cwd) {
        // The directory linted itself (a note about the whole repository).
        Ok(p) if p.as_os_str().is_empty() => ".".to_string(),
        Ok(p) => p.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

fn nothing_found(input: &Input, plan: &Plan, cwd: &Path) -> String {
    if plan.skipped > 0 {
        let mut message =
            "nothing to lint: every nginx and php-fpm file found is passed over (see the notes above)."
                .to_string();
        // The advice is for templates; images configured by their environment have none.
        let helm = |n: &String| n.contains("Helm template") || n.contains("Helm chart");
        if plan.notes.iter().any(helm) {
            // `helm template` prints manifests, which are read as a repository's are.
            message.push_str("\nTo lint a Helm chart, render its manifests into a folder and lint that:  helm template RELEASE CHART > rendered/all.yaml && nginx-fpm-lint rendered/");
        }
        // "template" as a word of the note, not inside the path it starts with (a
        // repository named `laravel-docker-template` whose one service runs an unknown
        // image has no template to render).
        let names_template = |n: &String| {
            n.split_whitespace().any(|w| {
                let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
                w.eq_ignore_ascii_case("template") || w.eq_ignore_ascii_case("templates")
            })
        };
        if plan.notes.iter().any(|n| names_template(n) && !helm(n)) {
            message.push_str("\nTo lint templates, render them first (`ansible-playbook --check --diff`, `salt-call slsutil.renderer`) into a copy of / and run:  nginx-fpm-lint --root DIR");
        }
        return message;
    }
    // Files named on the command line are what was looked in, not their folder.
    let files: Vec<String> = input
        .paths
        .iter()
        .filter(|p| lint_source::vfs::normalize(&cwd.join(p)).is_file())
        .map(|p| p.display().to_string())
        .collect();
    if input.root.is_none() && !files.is_empty() && files.len() == input.paths.len() {
        return format!(
            "no nginx or php-fpm configuration found in {} (read by content: no nginx directives, php-fpm pool or settings, Compose file, Dockerfile or Kubernetes manifest).\n\
             Name the files directly:  nginx-fpm-lint --nginx FILE --fpm FILE",
            files.join(", ")
        );
    }
    if !plan.searched.is_empty() {
        let places: Vec<String> = plan
            .searched
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return format!(
            "no nginx or php-fpm configuration found in {} (searched every file not ignored by .gitignore: Compose files, Dockerfiles, Kubernetes manifests, nginx and php-fpm files).\n\
             Name the files directly:  nginx-fpm-lint --nginx FILE --fpm FILE",
            places.join(", ")
        );
    }
    let place = input
        .root
        .as_ref()
        .map_or("this machine".to_string(), |r| r.display().to_string());
    format!(
        "no nginx or php-fpm configuration found on {place} (looked for {}).\n\
         In a repository, run it on the repository's top:  nginx-fpm-lint .\n\
         Or name the files:  nginx-fpm-lint --nginx FILE --fpm FILE",
        discover::SEARCHED
    )
}

/// Merges the findings of several runs (one per deployment). A file shared by two
/// deployments is read by both; its suppression comment is unused (LINT001) only when
/// every run that read the file found it unused.
fn unused_in_every_run(
    runs: Vec<(Vec<FileId>, Vec<Diagnostic>)>,
    map: &SourceMap,
) -> Vec<Diagnostic> {
    let unused = lint_rules::suppression::UNUSED_SUPPRESSION.code;
    if runs.len() < 2 {
        return runs.into_iter().flat_map(|(_, found)| found).collect();
    }
    let shown = |id: FileId| map.get(id).display_path();
    let place = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|p| (shown(p.span.file), p.span.start))
    };
    let read: Vec<HashSet<PathBuf>> = runs
        .iter()
        .map(|(ids, _)| ids.iter().map(|i| shown(*i)).collect())
        .collect();
    let reported: Vec<HashSet<(PathBuf, u32)>> = runs
        .iter()
        .map(|(_, found)| {
            found
                .iter()
                .filter(|d| d.code == unused)
                .filter_map(place)
                .collect()
        })
        .collect();
    // The same code at the same place from two runs (two deployments over one nginx.conf)
    // with different judgements (SEC072: a warning where one run resolves names at run
    // time, a note where the other does not): the worst is what the file risks.
    type Key = (&'static str, PathBuf, u32, u32);
    let key = |d: &Diagnostic| -> Option<Key> {
        d.primary
            .as_ref()
            .map(|p| (d.code, shown(p.span.file), p.span.start, p.span.end))
    };
    let mut worst: HashMap<Key, (Severity, usize, bool)> = HashMap::new();
    for (run, (_, found)) in runs.iter().enumerate() {
        for d in found {
            let Some(k) = key(d) else { continue };
            worst
                .entry(k)
                .and_modify(|(severity, first_run, several)| {
                    *several |= *first_run != run;
                    *severity = (*severity).max(d.severity);
                })
                .or_insert((d.severity, run, false));
        }
    }
    let mut merged = Vec::new();
    for (_, found) in runs {
        for d in found {
            let milder = key(&d)
                .and_then(|k| worst.get(&k))
                .is_some_and(|(severity, _, several)| *several && d.severity < *severity);
            if milder {
                continue;
            }
            if d.code == unused {
                if let Some((file, start)) = place(&d) {
                    let used_elsewhere = read
                        .iter()
                        .zip(&reported)
                        .any(|(r, u)| r.contains(&file) && !u.contains(&(file.clone(), start)));
                    if used_elsewhere {
                        continue;
                    }
                }
            }
            merged.push(d);
        }
    }
    merged
}

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "events {}
http {
    server {
        listen 80;
        location / {
            proxy_pass https://app.example.com; # nginx-fpm-lint: ignore SEC071
        }
        location /other {
            return 204; # nginx-fpm-lint: ignore all
        }
    }
}
";

    fn codes(settings: Settings, text: &str) -> Vec<&'static str> {
        let input = Input::texts([("/etc/nginx/nginx.conf", text)], [("/x.conf", "")]);
        let report = Linter::new(settings).lint(&input).expect("lints");
        report.diagnostics.iter().map(|d| d.code).collect()
    }

    /// Each finding as the user reads it: file, line, code and message.
    fn shown(report: &Report) -> Vec<String> {
        report
            .diagnostics
            .iter()
            .map(|d| match &d.primary {
                Some(p) => {
                    let file = report.sources.get(p.span.file);
                    let at = file.line_col(p.span.start);
                    format!(
                        "{}:{}:{} {} {}",
                        file.display_path().display(),
                        at.line,
                        at.column,
                        d.code,
                        d.message
                    )
                }
                None => format!("{} {}", d.code, d.message),
            })
            .collect()
    }

    #[test]
    fn an_incremental_linter_parses_only_what_changed_and_finds_what_a_fresh_one_finds() {
        let main = "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n";
        let site = |name: &str, socket: &str| {
            // A load-time finding in every site: unchanged sites' come from the cache.
            format!("server {{\n    listen 80;\n    server_name {name};\n    client_max_body_size 10Q;\n    location ~ \\.php$ {{\n        include /etc/nginx/fastcgi.conf;\n        fastcgi_pass unix:/run/php/{socket}.sock;\n    }}\n}}\n")
        };
        let pool = "[www]\nuser = www-data\nlisten = /run/php/www.sock\nlisten.owner = www-data\npm = static\npm.max_children = 2\n";
        let input = |a: &str| {
            Input::texts(
                [
                    ("/etc/nginx/nginx.conf", main.to_string()),
                    (
                        "/etc/nginx/fastcgi.conf",
                        "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n"
                            .to_string(),
                    ),
                    ("/etc/nginx/conf.d/a.conf", a.to_string()),
                    ("/etc/nginx/conf.d/b.conf", site("b.test", "www")),
                ],
                [("/etc/php/8.2/fpm/pool.d/www.conf", pool.to_string())],
            )
        };
        let linter = Linter::default().incremental();
        let edits = [
            site("a.test", "www"),
            // A socket no pool listens on, then a name the other site has.
            site("a.test", "nowhere"),
            site("b.test", "www"),
            site("a.test", "www"),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (i, text) in edits.iter().enumerate() {
            let kept = linter.lint(&input(text)).expect("lints");
            let fresh = Linter::default().lint(&input(text)).expect("lints");
            assert_eq!(shown(&kept), shown(&fresh), "edit {i}");
            seen.insert(shown(&kept));
            // Four files the first time; then only the edited one, when it changed.
            let expected = 4 + edits[1..=i]
                .iter()
                .zip(&edits[..i])
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(linter.parses(), Some(expected), "edit {i}");
            // The pool file never changes: parsed once.
            assert_eq!(linter.fpm_parses(), Some(1), "edit {i}");
        }
        // The edits changed the findings (the comparison above compared something).
        assert_eq!(seen.len(), 3, "{seen:#?}");
        assert!(seen
            .iter()
            .all(|s| s.iter().filter(|f| f.contains("NGX014")).count() == 2));
    }

    /// On disk, an incremental linter opens a file again only when its stamp changed, and
    /// sees every change (an editor saving a file, a link pointed elsewhere).
    /// An incremental linter that trusts every stamp (a test cannot wait for files to
    /// settle), having linted `input` twice: the second run found the same and opened
    /// nothing. Returns it, the first report and the files read.
    fn lint_twice_unchanged(input: &Input) -> (Linter, Report, usize) {
        let linter = Linter::default()
            .incremental()
            .settle_time(std::time::Duration::ZERO);
        let first = linter.lint(input).expect("lints");
        let reads = linter.disk_reads().expect("incremental");
        let again = linter.lint(input).expect("lints");
        assert_eq!(shown(&first), shown(&again));
        assert_eq!(
            linter.disk_reads(),
            Some(reads),
            "nothing changed, nothing opened"
        );
        (linter, first, reads)
    }

    #[test]
    fn an_incremental_linter_opens_only_changed_files_on_disk() {
        let dir = tempfile::tempdir().expect("tmp");
        let nginx = dir.path().join("nginx.conf");
        let conf_d = dir.path().join("conf.d");
        std::fs::create_dir_all(&conf_d).expect("mkdir");
        std::fs::write(
            &nginx,
            format!(
                "events {{}}\nhttp {{\n    include {}/*.conf;\n}}\n",
                conf_d.display()
            ),
        )
        .expect("write");
        let site =
            |port: &str| format!("server {{\n    listen {port};\n    server_name a.test;\n}}\n");
        std::fs::write(conf_d.join("a.conf"), site("80")).expect("write");
        std::fs::write(conf_d.join("b.conf"), "server {\n    listen 81;\n}\n").expect("write");
        let pool = dir.path().join("www.conf");
        std::fs::write(
            &pool,
            "[www]\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 2\n",
        )
        .expect("write");
        let input = Input {
            nginx: vec![nginx.clone()],
            fpm: vec![pool.clone()],
            ..Default::default()
        };
        let (linter, first, reads) = lint_twice_unchanged(&input);
        assert_eq!(reads, 4, "nginx.conf, two sites, the pool");
        // A bad port in one site, of another length: read again, and found.
        std::fs::write(conf_d.join("a.conf"), site("99999")).expect("write");
        let edited = linter.lint(&input).expect("lints");
        assert_eq!(linter.disk_reads(), Some(reads + 1));
        let fresh = Linter::default().lint(&input).expect("lints");
        assert_eq!(shown(&edited), shown(&fresh));
        assert_ne!(
            shown(&edited),
            shown(&first),
            "the edit changed the findings"
        );
        // A file removed is gone, not served from the cache.
        std::fs::remove_file(conf_d.join("b.conf")).expect("rm");
        let removed = linter.lint(&input).expect("lints");
        let fresh = Linter::default().lint(&input).expect("lints");
        assert_eq!(shown(&removed), shown(&fresh));
    }

    /// Repository mode reads the repository's files through the container views; an
    /// incremental linter keeps them as the plain views do, and a watched folder's files
    /// are trusted until forgotten.
    #[test]
    fn an_incremental_linter_keeps_a_repositorys_files_and_trusts_a_watched_folder() {
        let dir = tempfile::tempdir().expect("tmp");
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/repos/compose-laravel-conf-d");
        for rel in [
            "Dockerfile",
            "docker-compose.yml",
            "docker-compose/nginx/travellist.conf",
        ] {
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(fixture.join(rel), &to).expect("copy");
        }
        let site = dir.path().join("docker-compose/nginx/travellist.conf");
        let input = Input {
            paths: vec![dir.path().to_path_buf()],
            ..Default::default()
        };
        let (linter, first, reads) = lint_twice_unchanged(&input);
        assert!(reads >= 1, "the site is read through the cache");
        // A new finding in the site (an unknown directive), of another length: read again.
        let text = std::fs::read_to_string(&site).expect("read");
        let edited_text = text.replacen("server {", "server {\n    no_such_directive on;", 1);
        assert_ne!(edited_text, text);
        std::fs::write(&site, &edited_text).expect("write");
        let edited = linter.lint(&input).expect("lints");
        assert_eq!(linter.disk_reads(), Some(reads + 1));
        let fresh = Linter::default().lint(&input).expect("lints");
        assert_eq!(shown(&edited), shown(&fresh));
        assert_ne!(shown(&edited), shown(&first));
        // Watched: a change is not looked for until it is reported.
        linter.watch_folder(dir.path());
        std::fs::write(&site, &text).expect("write");
        let unreported = linter.lint(&input).expect("lints");
        assert_eq!(shown(&unreported), shown(&edited), "the kept bytes");
        linter.forget_file(&site);
        let reported = linter.lint(&input).expect("lints");
        assert_eq!(shown(&reported), shown(&first));
    }

    #[test]
    fn a_snippet_two_main_files_include_is_read_twice_and_its_suppression_is_used_once() {
        // Two nginx main files of one run include one snippet with a suppression that only
        // one of them uses: the snippet is two files (two ids) to a fresh linter and to an
        // incremental one, and its comment is one comment, used.
        // NGX205 (no root for a PHP location) holds only under the server without `root`.
        let main = |port: u16, root: &str| {
            format!("events {{}}\nhttp {{\n    server {{\n        listen {port};\n        {root}\n        include /etc/nginx/common.conf;\n    }}\n}}\n")
        };
        let common = "location ~ \\.php$ { # nginx-fpm-lint: ignore NGX205\n    include /etc/nginx/fastcgi.conf;\n    fastcgi_pass unix:/run/php/www.sock;\n}\n";
        let mut memory = MemoryFs::new();
        memory.insert("/etc/nginx/a.conf", main(80, "root /srv/www;"));
        memory.insert("/etc/nginx/b.conf", main(81, ""));
        memory.insert("/etc/nginx/common.conf", common);
        memory.insert(
            "/etc/nginx/fastcgi.conf",
            "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n",
        );
        memory.insert(
            "/etc/php/8.2/fpm/pool.d/www.conf",
            "[www]\nlisten = /run/php/www.sock\npm = static\npm.max_children = 2\n",
        );
        let input = Input {
            nginx: vec!["/etc/nginx/a.conf".into(), "/etc/nginx/b.conf".into()],
            fpm: vec!["/etc/php/8.2/fpm/pool.d/www.conf".into()],
            memory: Some(Arc::new(memory)),
            ..Default::default()
        };
        let fresh = shown(&Linter::default().lint(&input).expect("lints"));
        // The comment is used under b.conf (no root there): not unused because a.conf, which
        // reads the same file under another id, has nothing for it to suppress.
        assert!(!fresh.iter().any(|f| f.contains("LINT001")), "{fresh:#?}");
        assert!(!fresh.iter().any(|f| f.contains("NGX205")), "{fresh:#?}");
        let linter = Linter::default().incremental();
        for run in 0..3 {
            let kept = shown(&linter.lint(&input).expect("lints"));
            assert_eq!(kept, fresh, "run {run}");
        }
    }

    /// Two deployments over one nginx.conf judge its `resolver` differently (SEC072: a
    /// warning where one resolves names at run time, a note where the other does not):
    /// one finding, the worse, not two contradicting ones (VirtuBox, triage 16b). Within
    /// one run, findings are left as they are.
    #[test]
    fn one_place_judged_differently_by_two_runs_keeps_the_worse() {
        let map = SourceMap::new();
        let id = map.add_text(
            "/etc/nginx/nginx.conf",
            lint_source::FileKind::Nginx,
            "resolver 8.8.8.8;\n",
        );
        let meta = lint_rules::rule_meta("SEC072").expect("SEC072");
        let at = lint_source::Span::new(id, 9, 16);
        let warning = Diagnostic::new(meta, at, "forged answers can redirect proxied requests")
            .with_severity(Severity::Warning);
        let note = Diagnostic::new(meta, at, "nothing here resolves upstream names at run time")
            .with_severity(Severity::Note);
        let merged = unused_in_every_run(
            vec![
                (vec![id], vec![note.clone()]),
                (vec![id], vec![warning.clone()]),
            ],
            &map,
        );
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].severity, Severity::Warning);
        let one_run = unused_in_every_run(
            vec![(vec![id], vec![note, warning]), (vec![id], Vec::new())],
            &map,
        );
        assert_eq!(one_run.len(), 2);
    }

    #[test]
    fn rules_the_settings_would_silence_are_not_run() {
        let linter = Linter::new(Settings::default());
        let not_run = linter.rules_not_run();
        assert!(not_run.contains("SEC071"), "opt-in, not selected");
        assert!(!not_run.contains("X001"));
        let linter = Linter::new(Settings {
            select: vec!["X".into()],
            ignore: vec!["X019".into()],
            ..Default::default()
        });
        let not_run = linter.rules_not_run();
        assert!(not_run.contains("NGX101") && not_run.contains("X019"));
        assert!(!not_run.contains("X001"));
    }

    #[test]
    fn a_suppression_of_a_rule_that_did_not_run_is_not_reported_unused() {
        // Default run: SEC071 is opt-in and does not run; its comment is not judged, while
        // `ignore all` over a line where nothing fires is still unused.
        let found = codes(Settings::default(), SITE);
        assert_eq!(
            found.iter().filter(|c| **c == "LINT001").count(),
            1,
            "{found:?}"
        );
        // Selected, the rule runs and its finding is suppressed: the comment is used.
        let selected = Settings {
            select: vec!["SEC071".into(), "LINT001".into()],
            ..Default::default()
        };
        let found = codes(selected.clone(), SITE);
        assert!(!found.contains(&"SEC071"), "{found:?}");
        // Without the comment the selected rule fires.
        let bare = SITE.replace("# nginx-fpm-lint: ignore SEC071", "");
        assert!(codes(selected, &bare).contains(&"SEC071"));
    }
}
