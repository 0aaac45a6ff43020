//! The entry point: what to lint, with which options, and the run itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fpm_conf_parser::{FpmConfig, FpmLoadOptions, PhpIni};
use lint_source::{Diagnostic, SourceMap};
use nginx_conf_parser::check::CheckOptions;
use nginx_conf_parser::{Config, LoadOptions};
use rayon::prelude::*;

use crate::model::{nginx, Model};
use crate::options::{version, LintOptions};
use crate::rule::Rule;
use crate::rules::RULES;
use crate::suppression::Suppressions;

/// One nginx input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NginxInput {
    /// A main file (`nginx.conf`) or a snippet, read from disk (under `--root`).
    File(PathBuf),
    /// The output of `nginx -T`, split on its `# configuration file` markers.
    Dump {
        /// Name to show for the dump itself (`-` for stdin).
        name: PathBuf,
        /// Its bytes.
        text: Vec<u8>,
    },
}

/// Everything one run lints.
#[derive(Clone, Debug, Default)]
pub struct LintInput {
    /// nginx trees.
    pub nginx: Vec<NginxInput>,
    /// php-fpm main files (`php-fpm.conf`) or pool files.
    pub fpm: Vec<PathBuf>,
    /// php.ini files (for max_execution_time and friends).
    pub php_ini: Vec<PathBuf>,
    /// Options.
    pub options: LintOptions,
}

/// The loaded trees, before rules run (also what `dump-tree` shows).
pub struct Loaded {
    /// nginx trees.
    pub nginx: Vec<Config>,
    /// php-fpm trees.
    pub fpm: Vec<FpmConfig>,
    /// php.ini per php-fpm tree.
    pub php_ini: Vec<Option<PhpIni>>,
    /// Every parser and load-time check finding.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and parses every input (in parallel) and runs the load-time checks.
pub fn load(input: &LintInput, map: &SourceMap) -> Loaded {
    let mut loaded = parse(input, map);
    let checks = check(input, &loaded, map);
    loaded.diagnostics.extend(checks);
    loaded
}

/// Reads and parses every input (in parallel): the parsers' own findings only.
pub fn parse(input: &LintInput, map: &SourceMap) -> Loaded {
    let opts = &input.options;
    let load_opts = LoadOptions {
        root: opts.root.clone(),
        prefix: opts.nginx_prefix.clone(),
        fs: opts.nginx_fs.clone(),
        conf_prefix: opts.nginx_conf_prefix.clone(),
        cache: opts.nginx_cache.clone(),
    };
    let fpm_opts = fpm_load_options(opts);
    let (nginx, fpm) = rayon::join(
        || {
            input
                .nginx
                .par_iter()
                .map(|n| match n {
                    NginxInput::File(path) => match opts.context.as_deref() {
                        // A snippet is loaded inside the blocks its context needs, so
                        // that the model sees its servers and locations. Unless told, the
                        // context is inferred: `--nginx site.conf` on a file of `server`
                        // blocks was read as a main file, and every rule that walks
                        // http → server → location saw nothing.
                        Some(context) if context == "auto" || context_wraps(context) => {
                            nginx_conf_parser::context::load_in_context(
                                path,
                                context,
                                &load_opts,
                                version(opts),
                                map,
                            )
                            .0
                        }
                        None => {
                            nginx_conf_parser::context::load_in_context(
                                path,
                                "auto",
                                &load_opts,
                                version(opts),
                                map,
                            )
                            .0
                        }
                        Some(_) => {
                            let mut config = nginx_conf_parser::load(path, &load_opts, map);
                            // Sites read inside a stand-in nginx.conf: their relative
                            // includes are the real includer's directory's, as a snippet's.
                            if opts.nginx_includer_unknown {
                                nginx_conf_parser::context::relative_includes_not_known(
                                    &mut config,
                                    map,
                                );
                            }
                            config
                        }
                    },
                    NginxInput::Dump { name, text } => {
                        nginx_conf_parser::from_dump(name, text, map)
                    }
                })
                .collect::<Vec<_>>()
        },
        || {
            input
                .fpm
                .par_iter()
                .map(|path| {
                    let config = fpm_conf_parser::load(path, &fpm_opts, map);
                    let ini = php_ini_for(path, &input.php_ini)
                        .map(|p| fpm_conf_parser::load_php_ini(p, &fpm_opts, map));
                    (config, ini)
                })
                .collect::<Vec<_>>()
        },
    );
    let mut loaded = Loaded {
        nginx: Vec::new(),
        fpm: Vec::new(),
        php_ini: Vec::new(),
        diagnostics: Vec::new(),
    };
    for config in nginx {
        loaded
            .diagnostics
            .extend(config.diagnostics.iter().cloned());
        loaded.nginx.push(config);
    }
    for (config, ini) in fpm {
        loaded
            .diagnostics
            .extend(config.diagnostics.iter().cloned());
        if let Some(ini) = &ini {
            loaded.diagnostics.extend(ini.diagnostics.iter().cloned());
        }
        loaded.fpm.push(config);
        loaded.php_ini.push(ini);
    }
    loaded
}

fn fpm_load_options(opts: &LintOptions) -> FpmLoadOptions {
    FpmLoadOptions {
        root: opts.root.clone(),
        prefix: None,
        env: opts.env.clone(),
        fs: opts.fpm_fs.clone(),
        environment_incomplete: opts.environment_incomplete,
        cache: opts.fpm_cache.clone(),
        root_allowed: opts.fpm_root_allowed,
    }
}

/// The load-time checks of parsed trees (what `nginx -t` and `php-fpm -t` would say
/// beyond syntax), in parallel per tree.
pub fn check(input: &LintInput, loaded: &Loaded, map: &SourceMap) -> Vec<Diagnostic> {
    let (nginx, fpm) = rayon::join(
        || check_nginx(input, &loaded.nginx, map),
        || check_fpm(&loaded.fpm),
    );
    nginx.into_iter().chain(fpm).collect()
}

/// The nginx side of [`check`]: each tree's load-time checks.
fn check_nginx(input: &LintInput, trees: &[Config], map: &SourceMap) -> Vec<Diagnostic> {
    let check_opts = CheckOptions {
        version: version(&input.options),
        modules: input.options.modules.clone(),
        context: input
            .options
            .context
            .clone()
            .filter(|c| c != "auto" && !context_wraps(c)),
        lone_snippet: false,
        version_assumed: input.options.nginx_version.is_none()
            || input.options.nginx_version_assumed,
        cache: input.options.nginx_cache.clone(),
        release: input
            .options
            .nginx_version
            .as_deref()
            .and_then(nginx_conf_parser::check::parse_release),
    };
    trees
        .par_iter()
        .map(|config| {
            // A wrapped snippet is checked from its wrapper, a main file.
            let wrapped = config
                .root
                .is_some_and(|r| nginx_conf_parser::context::is_wrapper(&map.get(r)));
            if input.options.nginx_includer_unknown && !wrapped {
                // Loose sites in a stand-in nginx.conf: judged as a lone snippet is.
                let opts = CheckOptions {
                    lone_snippet: true,
                    ..check_opts.clone()
                };
                nginx_conf_parser::check::check(config, &opts, map)
            } else if wrapped {
                let opts = CheckOptions {
                    context: Some("main".into()),
                    lone_snippet: true,
                    ..check_opts.clone()
                };
                nginx_conf_parser::check::check(config, &opts, map)
            } else {
                nginx_conf_parser::check::check(config, &check_opts, map)
            }
        })
        .flatten()
        .collect()
}

/// The php-fpm side of [`check`].
fn check_fpm(fpm: &[FpmConfig]) -> Vec<Diagnostic> {
    fpm.par_iter().flat_map(fpm_conf_parser::check).collect()
}

/// Contexts a snippet is wrapped for (`main` needs no wrapper; `events`, `upstream` and
/// `stream` snippets are only checked for where their directives may appear).
fn context_wraps(context: &str) -> bool {
    matches!(context, "http" | "server" | "location")
}

/// The php.ini that belongs to a php-fpm tree: the one in the same directory, else the only one given.
fn php_ini_for<'a>(fpm: &Path, inis: &'a [PathBuf]) -> Option<&'a PathBuf> {
    let dir = fpm.parent();
    inis.iter()
        .find(|i| i.parent() == dir)
        .or(if inis.len() == 1 { inis.first() } else { None })
}

/// Loads every input into `map`, builds the model, runs every rule and
/// returns all findings (parser findings included), sorted by file and offset.
/// Inline suppressions are applied; selection and severities are the caller's
/// (the `lint-api` crate's `Linter` applies a config file's).
///
/// ```
/// use lint_rules::{lint, LintInput, NginxInput};
/// let dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { server { listen 80; listen 80; } }\n";
/// let input = LintInput {
///     nginx: vec![NginxInput::Dump { name: "nginx-T.txt".into(), text: dump.into() }],
///     ..Default::default()
/// };
/// let map = lint_source::SourceMap::new();
/// let codes: Vec<&str> = lint(&input, &map).iter().map(|d| d.code).collect();
/// assert!(codes.contains(&"NGX020"), "{codes:?}"); // a duplicate listen
/// ```
pub fn lint(input: &LintInput, map: &SourceMap) -> Vec<Diagnostic> {
    run(input, map, None).0
}

/// A step of a run; [`lint_observed`] reports each one as it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and parsing every file (nginx includes and php-fpm includes followed).
    Parse,
    /// The load-time checks (what `nginx -t` and `php-fpm -t` report beyond syntax).
    LoadChecks,
    /// The cross-file model (effective settings, pools, indexes, disk facts).
    Model,
    /// Every rule.
    Rules,
    /// Sorting and de-duplicating the findings.
    Sort,
}

impl Phase {
    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Parse => "read + parse",
            Phase::LoadChecks => "load checks",
            Phase::Model => "model",
            Phase::Rules => "rules",
            Phase::Sort => "sort",
        }
    }
}

/// The model of loaded trees (the syntax trees kept in it for the rules that read
/// statements), with the parsers' and load checks' findings.
fn build_model<'a>(
    input: &'a LintInput,
    map: &'a SourceMap,
    trees: &'a [Config],
    syntax: &'a [crate::model::syntax::Tree<'a>],
    fpm: Vec<FpmConfig>,
    php_ini: Vec<Option<PhpIni>>,
) -> Model<'a> {
    let memo = input.options.server_memo.as_deref();
    let nginx_models = trees
        .par_iter()
        .map(|tree| nginx::build_keeping(tree, memo))
        .collect();
    let mut model = Model::new(
        map,
        &input.options,
        nginx_models,
        fpm,
        php_ini,
        accounts(&input.options),
    );
    // Files that publish php-fpm's port (a Compose file, a Service) join the source map so
    // that the finding points into them.
    for p in &input.options.network.published {
        if let Ok(bytes) = std::fs::read(&p.file) {
            let len = bytes.len();
            let id = map.add(lint_source::SourceFile::new(
                p.file.clone(),
                Some(p.file.clone()),
                lint_source::FileKind::Other,
                Arc::from(bytes),
            ));
            let (start, end) = (p.range.0.min(len), p.range.1.min(len));
            model
                .published
                .push((p.clone(), lint_source::Span::new(id, start, end.max(start))));
        }
    }
    model.never_loaded = never_loaded(input, map, trees);
    // The syntax trees stay with the model (freed after the rules): the security rules
    // read statements themselves, and the paths to probe include nginx's log files.
    model.set_trees(trees, syntax);
    if let Some(root) = &input.options.disk_root {
        model.filesystem =
            crate::model::filesystem::Filesystem::probe(root, model.paths_of_interest())
                .with_unknown(&input.options.package_dirs);
    }
    model
}

/// The files a deployment placed in a site folder of nginx that no tree loaded, read
/// into the map (their first line is where NGX215 points).
fn never_loaded(input: &LintInput, map: &SourceMap, trees: &[Config]) -> Vec<lint_source::Span> {
    let placed = &input.options.nginx_placed;
    let Some(fs) = input
        .options
        .nginx_fs
        .as_ref()
        .filter(|_| !placed.is_empty())
    else {
        return Vec::new();
    };
    let loaded: foldhash::HashSet<PathBuf> = trees
        .iter()
        .flat_map(|t| t.files.keys())
        .map(|id| map.get(*id).path.clone())
        .collect();
    placed
        .iter()
        .filter(|p| !loaded.contains(*p))
        .filter_map(|p| {
            let fetched = fs.read(p).ok()?;
            let first_line = fetched
                .bytes
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(fetched.bytes.len());
            let id = map.add(
                lint_source::SourceFile::new(
                    p.clone(),
                    fetched.disk_path,
                    lint_source::FileKind::Nginx,
                    fetched.bytes,
                )
                .with_origin(fetched.origin),
            );
            Some(lint_source::Span::new(id, 0, first_line))
        })
        .collect()
}

/// The syntax trees of a run indexed once for every rule (in parallel per tree).
fn index_trees(trees: &[Config]) -> Vec<crate::model::syntax::Tree<'_>> {
    trees
        .par_iter()
        .map(crate::model::syntax::Tree::of)
        .collect()
}

/// Builds the model of one input and hands it to `f`: servers, locations, pools and
/// which locations reach which pool, for tools that want facts rather than findings.
pub fn inspect<R>(input: &LintInput, map: &SourceMap, f: impl FnOnce(&Model<'_>) -> R) -> R {
    let loaded = parse(input, map);
    let Loaded {
        nginx,
        fpm,
        php_ini,
        ..
    } = loaded;
    let syntax = index_trees(&nginx);
    let model = build_model(input, map, &nginx, &syntax, fpm, php_ini);
    f(&model)
}

/// What one rule cost in a run.
#[derive(Clone, Copy, Debug)]
pub struct RuleTime {
    /// The rule's code.
    pub code: &'static str,
    /// Time spent in its check (on whichever thread ran it).
    pub time: std::time::Duration,
    /// Findings it reported.
    pub findings: usize,
}

/// [`lint`], calling `on_phase` as each [`Phase`] ends (the `--timings` table and
/// the allocation guard measure between the calls) and returning what each rule cost.
pub fn lint_observed(
    input: &LintInput,
    map: &SourceMap,
    on_phase: &mut dyn FnMut(Phase),
) -> (Vec<Diagnostic>, Vec<RuleTime>) {
    run(input, map, Some(on_phase))
}

/// [`lint`] with each rule's time: the unobserved run, whose phases overlap.
pub fn lint_timed(input: &LintInput, map: &SourceMap) -> (Vec<Diagnostic>, Vec<RuleTime>) {
    run(input, map, None)
}

/// Every rule over one model, in parallel, each timed on its thread. With a
/// [`ServerMemo`](crate::ServerMemo) (an editor session), per-server rules check only the
/// servers whose statements or context changed since the memo's last run.
fn run_rules(
    input: &LintInput,
    map: &SourceMap,
    mark: lint_source::Mark,
    model: &Model<'_>,
    syntax: &[crate::model::syntax::Tree<'_>],
) -> Vec<(Vec<Diagnostic>, RuleTime)> {
    let not_run = &input.options.rules_not_run;
    let rules: Vec<&Rule> = RULES
        .iter()
        .copied()
        .filter(|rule| !not_run.contains(rule.meta.code))
        .collect();
    let memo = input.options.server_memo.as_ref().and_then(|memo| {
        crate::server_memo::context(input, model, map, mark, syntax).map(|c| (memo, c))
    });
    let timed = |rule: &Rule| {
        let start = std::time::Instant::now();
        let mut sink = crate::Sink::new();
        rule.run(model, &mut sink);
        let diagnostics = sink.into_diagnostics();
        let time = RuleTime {
            code: rule.meta.code,
            time: start.elapsed(),
            findings: diagnostics.len(),
        };
        (diagnostics, time)
    };
    let Some((memo, context)) = memo else {
        return rules.par_iter().map(|rule| timed(rule)).collect();
    };
    let (per_server, mut whole) = rayon::join(
        || crate::server_memo::run_server_rules(memo, context, model, &rules, (map, mark)),
        || {
            rules
                .par_iter()
                .filter(|rule| matches!(rule.check, crate::Check::Model(_)))
                .map(|rule| timed(rule))
                .collect::<Vec<_>>()
        },
    );
    // Per-server rules' time is spread over servers (most of them reused): not timed.
    whole.extend(per_server.into_iter().map(|(code, diagnostics)| {
        let time = RuleTime {
            code,
            time: std::time::Duration::ZERO,
            findings: diagnostics.len(),
        };
        (diagnostics, time)
    }));
    whole
}

/// One run. Observed, the phases follow each other so that each can be timed (and its
/// allocations counted) alone; unobserved, the load-time checks run beside the model
/// and the rules, which need only the trees (on two cores that hid most of the checks'
/// time: they walk one tree on one thread).
fn run(
    input: &LintInput,
    map: &SourceMap,
    mut on_phase: Option<&mut dyn FnMut(Phase)>,
) -> (Vec<Diagnostic>, Vec<RuleTime>) {
    let observed = on_phase.is_some();
    let mut phase = |p: Phase| {
        if let Some(f) = on_phase.as_mut() {
            f(p);
        }
    };
    // Files this run reads (a map may be shared by several runs).
    let mark = map.mark();
    let loaded = parse(input, map);
    phase(Phase::Parse);
    let suppressions = Suppressions::collect(&loaded.nginx, map, mark);
    // The php-fpm files are parsed into entries and their suppression comments read:
    // their text (a distribution's pool file is 90 % comments; 25 MB of a 41 MB tree of
    // 5 000 sites) is needed again only for the lines of a finding, a fix or a note, and
    // is read again then, and not kept: the rules compute fixes of findings a suppression
    // comment removes, and the report reads one file's lines after another's (only the
    // last file read again is kept, until another is: `SourceFile::text`).
    for id in map.read_since(mark) {
        let file = map.get(id);
        if file.kind == lint_source::FileKind::Fpm {
            file.drop_text(false);
        }
    }
    let not_run = &input.options.rules_not_run;
    let Loaded {
        nginx,
        fpm,
        php_ini,
        diagnostics: mut found,
    } = loaded;
    let cut_off: Vec<lint_source::Span> = nginx.iter().filter_map(|c| c.cut_off).collect();
    let (checks, (fpm_checks, by_rule)) = if observed {
        let fpm_checks = check_fpm(&fpm);
        let checks = check_nginx(input, &nginx, map);
        phase(Phase::LoadChecks);
        let syntax = index_trees(&nginx);
        let model = build_model(input, map, &nginx, &syntax, fpm, php_ini);
        phase(Phase::Model);
        let found = run_rules(input, map, mark, &model, &syntax);
        if input.options.left_for_exit {
            std::mem::forget(model);
            std::mem::forget(syntax);
        }
        (checks, (fpm_checks, found))
    } else {
        rayon::join(
            || check_nginx(input, &nginx, map),
            || {
                // php-fpm's checks (one tree: one thread) run here, beside nginx's: run
                // before the two, they had one core while the other idled.
                let fpm_checks = check_fpm(&fpm);
                let syntax = index_trees(&nginx);
                let model = build_model(input, map, &nginx, &syntax, fpm, php_ini);
                let found = run_rules(input, map, mark, &model, &syntax);
                if input.options.left_for_exit {
                    std::mem::forget(model);
                    std::mem::forget(syntax);
                }
                (fpm_checks, found)
            },
        )
    };
    if input.options.left_for_exit {
        std::mem::forget(nginx);
    }
    // The report shows the findings' lines file after file: a dropped file read again
    // is kept until another one is (`SourceFile::text`), not to the end. Kept to the end,
    // the 1 292 pool files the findings of the heavy 5 000-site tree point into were
    // 6.2 MiB on top of what the CLI leaves for the exit.
    // Sized once: grown by doubling, the list was 3.3 MiB of the CLI's heap peak (the sort,
    // heavy 5 000-site tree).
    found.reserve_exact(
        checks.len() + fpm_checks.len() + by_rule.iter().map(|(d, _)| d.len()).sum::<usize>(),
    );
    found.extend(fpm_checks);
    found.extend(checks);
    let mut times = Vec::with_capacity(by_rule.len());
    for (diagnostics, time) in by_rule {
        found.extend(diagnostics);
        times.push(time);
    }
    // A finding that rests on a file not read as it runs (its own file, or one it is
    // related to: the pool whose `listen` an X002 compares) is a note, not a claim.
    rests_on(&mut found, map, &input.options.guessed_files, |path| {
        format!(
            "{} is the official php image's file, assumed for an image whose own files are not known: check what the image really holds",
            path.display()
        )
    });
    rests_on(&mut found, map, &input.options.changed_at_build, |path| {
        format!(
            "{} is changed at build time (a Dockerfile RUN edits it): what is read here is not what runs",
            path.display()
        )
    });
    in_cut_off_block(&mut found, &cut_off);
    // The wrapper a snippet was loaded through is not the user's: what is said about it
    // (a server without listen, a location nobody wrote) is noise.
    found.retain(|d| {
        d.primary
            .as_ref()
            .is_none_or(|p| !nginx_conf_parser::context::is_wrapper(&map.get(p.span.file)))
    });
    let found = suppressions.apply(found, &|code| crate::rule_meta(code), not_run);
    let mut found = found;
    phase(Phase::Rules);
    sort(&mut found, map);
    let found = crate::repeats::fold(crate::cascades::fold(found, map));
    phase(Phase::Sort);
    (found, times)
}

/// Makes a note of every finding above note level inside the block a pasted `nginx -T`
/// is cut off in (a server whose PHP location, `set` or named location may stand after
/// the cut): NGX207 "no location passes .php to php-fpm" was an error on a paste cut
/// before the PHP location. What nginx itself would refuse in the text that is there
/// (a duplicate or unknown directive, a bad value) stays as it is.
fn in_cut_off_block(found: &mut [Diagnostic], cut_off: &[lint_source::Span]) {
    if cut_off.is_empty() {
        return;
    }
    for d in found.iter_mut() {
        let Some(primary) = &d.primary else { continue };
        let inside = cut_off.iter().any(|c| {
            c.file == primary.span.file && primary.span.start >= c.start && c.start < c.end
        });
        let load_time = d.code.starts_with("NGX0") && d.code != "NGX024";
        if inside && !load_time && d.severity > lint_source::Severity::Note {
            d.severity = lint_source::Severity::Note;
            d.notes.push(
                "the pasted `nginx -T` is cut off inside this block: what it lacks here may stand after the cut".to_string(),
            );
        }
    }
}

/// Makes a note of every finding above note level whose file, or a file it is related
/// to, is one of `paths`, with `why(path)` said.
fn rests_on(
    found: &mut [Diagnostic],
    map: &SourceMap,
    paths: &[std::path::PathBuf],
    why: impl Fn(&std::path::Path) -> String,
) {
    if paths.is_empty() {
        return;
    }
    for d in found
        .iter_mut()
        .filter(|d| d.severity > lint_source::Severity::Note)
    {
        let Some(p) = &d.primary else { continue };
        let resting = std::iter::once(p.span.file)
            .chain(d.related.iter().map(|l| l.span.file))
            .map(|file| map.get(file).path.clone())
            .find(|path| paths.contains(path));
        if let Some(path) = resting {
            d.severity = lint_source::Severity::Note;
            d.notes.push(why(&path));
        }
    }
}

/// Sorts by file path, offset, code (stable across runs, whatever order files were read in);
/// drops exact duplicates (a snippet included twice reports once per place).
pub fn sort(diagnostics: &mut Vec<Diagnostic>, map: &SourceMap) {
    // Where each file is shown: the repository file it was read from, else its path.
    // By id (an incremental linter's ids are neither dense nor small).
    // Only the files findings point into: a repository of many deployments shares one
    // source map, and showing all of its files for each deployment was quadratic.
    let mut paths: foldhash::HashMap<lint_source::FileId, PathBuf> = foldhash::HashMap::default();
    for d in diagnostics.iter() {
        if let Some(p) = d.primary.as_ref().filter(|p| map.contains(p.span.file)) {
            paths
                .entry(p.span.file)
                .or_insert_with(|| map.get(p.span.file).display_path());
        }
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.primary
                .as_ref()
                .map(|p| (paths.get(&p.span.file), p.span.start, p.span.end))
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    // The same file read by two deployments has two ids: compare where, not which id.
    let place = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|p| (paths.get(&p.span.file), p.span.start, p.span.end))
    };
    diagnostics.dedup_by(|a, b| a.code == b.code && a.message == b.message && place(a) == place(b));
}

/// The accounts of the machine the configuration runs on: the deployment's images, the
/// root's `etc/passwd` and `etc/group`, or this machine's when its own trees are linted.
/// Files linted on their own get none: results never depend on the host running the linter.
fn accounts(options: &LintOptions) -> crate::model::accounts::Accounts {
    if let Some((passwd, group)) = &options.accounts {
        return crate::model::accounts::Accounts::parse(passwd, group);
    }
    let Some(base) = options.root.as_deref().or(options.disk_root.as_deref()) else {
        return crate::model::accounts::Accounts::default();
    };
    crate::model::accounts::Accounts::read_root(base).unwrap_or_default()
}
