//! The checks `nginx -t` performs while loading, without nginx: directive
//! lookup (unknown, not allowed here, argument count, terminator), values of
//! the standard slots, duplicates, locations and the `events` section.
//!
//! nginx stops at the first error; we report all of them.

mod buffers;
mod builtin_redefined;
mod codes;
pub mod listen;
mod location_bound;
mod log_formats;
mod parameters;
mod pass_ports;
mod server_names;
mod shared_zones;
mod table_entries;
mod values;
pub(crate) mod variables;
pub use variables::variable_defined;

use foldhash::{HashMap, HashMapExt};

use lint_source::{Diagnostic, Edit, FileId, Fix, Severity, SourceMap, Span};

use crate::cache::{Checked, ServerChecks, StatementChecks};
use crate::catalogue::{subsystem_of, Catalogue, DirectiveSpec, NginxVersion};
use crate::config::{Config, Item, Items, SpliceIndex};
use crate::BlockKind;

pub use codes::RULES;
use codes::*;
pub use parameters::parse_offset;
pub use values::{parse_size, parse_time, regex_groups};

/// What the checks need besides the tree.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Target nginx.
    pub version: NginxVersion,
    /// Third-party modules loaded besides those named by `load_module` lines (names as in
    /// the catalogue, e.g. `headers-more`, `lua`, `njs`).
    pub modules: Vec<String>,
    /// The context of the root file: `main` for nginx.conf; `http`, `server` or
    /// `location` for a snippet. `None` infers it from the file's directives.
    pub context: Option<String>,
    /// `version` is a guess (nobody named one, nothing in the tree says): advice right
    /// only on newer nginx is not given. 1.25.1's deprecation of `listen ... http2` is
    /// wrong advice on Debian bookworm's 1.22, where `http2 on;` is an unknown directive
    /// (mail-in-a-box, iRedMail: copies of a server's /etc).
    pub version_assumed: bool,
    /// The exact nginx release when known (`1.18.0` from Ubuntu 22.04's package), finer than
    /// `version`'s tables: directives retired after it are still live settings there.
    pub release: Option<[u32; 3]>,
    /// The tree is a snippet linted on its own, read inside blocks made for it: the log
    /// formats, upstreams and variables it uses may be defined by the file that includes
    /// it, so names it cannot find are notes, not errors (Magento's documented
    /// `nginx.conf.sample` uses the includer's `$MAGE_ROOT` and `fastcgi_backend`).
    pub lone_snippet: bool,
    /// The parse cache the tree was loaded with: statements of files it holds unchanged
    /// are not checked again (their findings from the last run are reused).
    pub cache: Option<std::sync::Arc<crate::ParseCache>>,
}

/// An unknown variable written `${NAME}` with a name in capitals (`${APP_ROOT}`): the
/// placeholder of an envsubst template (the official nginx image renders
/// /etc/nginx/templates/*.template at start), not a variable nginx is meant to know.
/// A lower-case name (`$x_request_id`, `${request_id_x}`) is a variable as written.
fn envsubst_placeholder(d: &Diagnostic, map: &SourceMap) -> bool {
    if d.code != UNKNOWN_VARIABLE.code {
        return false;
    }
    let Some(span) = d.primary.as_ref().map(|p| p.span) else {
        return false;
    };
    let text = map.get(span.file).text();
    let Some(rest) = text.get(span.start as usize..) else {
        return false;
    };
    let Some(inner) = rest.strip_prefix(b"${") else {
        return false;
    };
    let name: Vec<u8> = inner.iter().take_while(|&&b| b != b'}').copied().collect();
    inner.get(name.len()) == Some(&b'}')
        && name.iter().any(u8::is_ascii_uppercase)
        && name
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
}

/// Directives nginx made obsolete or deprecated in a later release than the one that
/// added them, and that release (nginx's CHANGES). On an older nginx they are the live
/// settings: Ubuntu 22.04's 1.18 limits HTTP/2 headers with `http2_max_field_size`, and
/// the advice to use `large_client_header_buffers` instead would change nothing there
/// (every Fly.io Laravel scaffold sets both on 1.18).
const RETIRED_IN: &[(&str, [u32; 3])] = &[
    ("proxy_downstream_buffer", [1, 9, 4]),
    ("proxy_upstream_buffer", [1, 9, 4]),
    ("ssl", [1, 15, 0]),
    ("http2_idle_timeout", [1, 19, 7]),
    ("http2_max_requests", [1, 19, 7]),
    ("http2_recv_timeout", [1, 19, 7]),
    ("http2_max_field_size", [1, 19, 7]),
    ("http2_max_header_size", [1, 19, 7]),
    ("http2_push", [1, 25, 1]),
    ("http2_push_preload", [1, 25, 1]),
    ("http2_max_concurrent_pushes", [1, 25, 1]),
];

/// `1.18`, `1.18.0`, `1.25.1-1~bookworm` as a release number (missing parts are 0).
pub fn parse_release(text: &str) -> Option<[u32; 3]> {
    let mut parts = text.trim().split(['.', '-', '~', '+']);
    let mut out = [0u32; 3];
    for (i, slot) in out.iter_mut().enumerate() {
        match parts.next().map(str::parse::<u32>) {
            Some(Ok(n)) => *slot = n,
            Some(Err(_)) | None if i >= 2 => break,
            _ => return None,
        }
    }
    Some(out)
}

/// Third-party module names and a word of their `.so` file names.
const THIRD_PARTY_SO: &[(&str, &str)] = &[
    ("headers-more", "headers_more"),
    ("geoip2", "geoip2"),
    ("brotli", "brotli"),
    ("dav-ext", "dav_ext"),
    ("fancyindex", "fancyindex"),
    ("echo", "echo"),
    ("cache-purge", "cache_purge"),
    ("lua", "lua"),
    ("njs", "_js_"),
    ("auth-pam", "auth_pam"),
    ("subs-filter", "subs_filter"),
    ("modsecurity", "modsecurity"),
    ("rtmp", "rtmp"),
    ("set-misc", "set_misc"),
    ("ndk", "ndk"),
    ("uploadprogress", "uploadprogress"),
    ("srcache", "srcache"),
    ("memc", "memc"),
    // Before HttpRedis: `ngx_http_redis2_module.so` holds `ngx_http_redis` too.
    ("redis2", "redis2"),
    ("redis", "ngx_http_redis"),
    ("nchan", "nchan"),
    ("upstream-fair", "upstream_fair"),
    // `ngx_http_vhost_traffic_status_module.so`, sources `nginx-module-vts`.
    ("vts", "vhost_traffic_status"),
];

/// The third-party module (as the catalogue names it) whose source folder or `.so` file
/// `path` is: `/build/headers-more-nginx-module` (a `./configure --add-module=` of a
/// Dockerfile that builds nginx), `ngx_http_headers_more_filter_module.so`.
///
/// ```
/// use nginx_conf_parser::check::third_party_module_of;
/// assert_eq!(third_party_module_of("/build/headers-more-nginx-module"), Some("headers-more"));
/// assert_eq!(third_party_module_of("../ngx_brotli"), Some("brotli"));
/// assert_eq!(third_party_module_of("/www/software/nginx-module-vts"), Some("vts"));
/// assert_eq!(third_party_module_of("/usr/src/nginx/src/http"), None);
/// ```
pub fn third_party_module_of(path: &str) -> Option<&'static str> {
    let norm = path.to_ascii_lowercase().replace('-', "_");
    THIRD_PARTY_SO
        .iter()
        .find(|(name, word)| norm.contains(word) || norm.contains(&name.replace('-', "_")))
        .map(|(name, _)| *name)
}

fn module_matches(third_party: &str, wanted: &str) -> bool {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    let tp = norm(third_party);
    let w = norm(wanted);
    tp == w || tp.starts_with(&w) || w.starts_with(&tp)
}

/// The dynamic modules of nginx itself (Debian packages them as libnginx-mod-*); any
/// other `load_module` is a third-party module.
const CORE_DYNAMIC_SO: &[&str] = &[
    "ngx_http_geoip_module.so",
    "ngx_http_image_filter_module.so",
    "ngx_http_xslt_filter_module.so",
    "ngx_http_perl_module.so",
    "ngx_stream_module.so",
    "ngx_stream_geoip_module.so",
    "ngx_mail_module.so",
];

/// True when a third-party module is loaded (named by the options, or any `load_module`
/// that is not one of nginx's own dynamic modules).
fn third_party_loaded(config: &Config, loaded: &[&'static str]) -> bool {
    !loaded.is_empty()
        || config.items().filter(|i| i.is("load_module")).any(|i| {
            i.arg(0).is_some_and(|path| {
                let file = path.rsplit('/').next().unwrap_or(&path);
                !CORE_DYNAMIC_SO.contains(&file)
            })
        })
}

/// Infers the context of a file linted on its own from its top-level directives.
pub fn infer_context(config: &Config, version: NginxVersion) -> &'static str {
    let names: Vec<String> = config.items().map(|i| i.name().into_owned()).collect();
    infer_context_of(&names, version)
}

/// Infers a snippet's context from the names of its top-level directives: the outermost
/// of main, http, server and location where every known one is allowed (`include` and
/// unknown names say nothing).
pub fn infer_context_of(names: &[String], version: NginxVersion) -> &'static str {
    let catalogue = Catalogue::get(version);
    let names: Vec<&String> = names.iter().filter(|n| *n != "include").collect();
    for context in ["main", "http", "server", "location"] {
        let fits = names.iter().all(|n| {
            let rows = catalogue.lookup(n);
            rows.is_empty() || rows.iter().any(|r| r.allowed_in(context))
        });
        if fits
            && names
                .iter()
                .any(|n| catalogue.lookup(n).iter().any(|r| r.allowed_in(context)))
        {
            return context;
        }
    }
    "main"
}

struct Checker<'a> {
    catalogue: &'static Catalogue,
    version: NginxVersion,
    loaded: Vec<&'static str>,
    map: &'a SourceMap,
    out: Vec<Diagnostic>,
    /// The `server` block being walked and whether it has an `http2` directive (where the
    /// fix of a deprecated `listen ... http2` puts `http2 on;`).
    server: Option<(Span, bool)>,
    /// The first `listen` without `ssl` of that server (`ssl on;` turns TLS on there too).
    plain_listen: Option<Span>,
    /// Whether the http block has a `resolver` (what `resolve` upstreams use).
    http_resolver: bool,
    /// Servers whose fixes already add `http2 on;` (one per server).
    http2_added: Vec<Span>,
    /// Did-you-mean answers by unknown name: a broken file repeats its misspellings.
    nearest_seen: HashMap<String, Option<(&'static str, bool)>>,
    /// Where directives the catalogue does not know may come from: a `load_module` of a
    /// module the catalogue does not list, or a modules include that matched nothing
    /// (a repository that keeps sites but not the server's modules-enabled/).
    foreign: Option<ForeignModules>,
    /// Statement findings kept between runs (an incremental linter's parse cache).
    memo: Option<StatementChecks>,
    /// See [`CheckOptions::version_assumed`].
    version_assumed: bool,
    /// See [`CheckOptions::release`].
    release: Option<[u32; 3]>,
    /// See [`CheckOptions::lone_snippet`].
    lone_snippet: bool,
    /// The resolved includes of the tree: what [`Checker::server_unit`] reads (made on
    /// first need).
    splices: Option<SpliceIndex<'a>>,
    /// Files the walk splices more than once (a snippet included by every site, and what
    /// it includes): their statements come round again in the same contexts.
    repeated: foldhash::HashSet<FileId>,
    /// Of those files' statements, by statement and context: the ones
    /// [`Checker::directive`] found nothing wrong with, and the row it matched. Checked
    /// again they would find nothing again (see [`Checker::checked`]).
    clean: HashMap<(usize, &'static str), Option<&'static DirectiveSpec>>,
}

/// The files a walk of `config` splices more than once: those two or more `include`
/// statements resolve to, and the files any of them includes.
fn spliced_repeatedly(config: &Config) -> foldhash::HashSet<FileId> {
    let mut count: HashMap<FileId, u32> = HashMap::new();
    for targets in config.includes.values() {
        for id in targets {
            *count.entry(*id).or_default() += 1;
        }
    }
    let mut repeated: foldhash::HashSet<FileId> = count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id)
        .collect();
    // An include graph is small (its statements, not its splices): repeat until no
    // file is added (at most once per file).
    loop {
        let before = repeated.len();
        for (at, targets) in &config.includes {
            if repeated.contains(&at.file) {
                repeated.extend(targets.iter().copied());
            }
        }
        if repeated.len() == before {
            return repeated;
        }
    }
}

/// Modules the tree loads (or would load) whose directives we cannot know.
#[derive(Clone, Debug)]
enum ForeignModules {
    /// `load_module modules/ngx_http_naxsi_module.so;`: the file name and the statement.
    Loaded(String, Span),
    /// `include /etc/nginx/modules-enabled/*.conf;` that matched no file here.
    NotInTree(String, Span),
}

/// The first `load_module` of a module neither nginx's own nor in the catalogue, else
/// the first include of a modules directory that matched no file.
fn foreign_modules(config: &Config) -> Option<ForeignModules> {
    let mut not_in_tree = None;
    for item in config.items() {
        if item.is("load_module") {
            let Some(path) = item.arg(0) else { continue };
            let file = path.rsplit('/').next().unwrap_or(&path).to_string();
            let known = CORE_DYNAMIC_SO.contains(&file.as_str())
                || THIRD_PARTY_SO.iter().any(|(_, word)| file.contains(word));
            if !known {
                return Some(ForeignModules::Loaded(file, item.span()));
            }
        } else if item.is("include")
            && item.config.included(item.file, item.directive).is_empty()
            && not_in_tree.is_none()
        {
            if let Some(pattern) = item.arg(0).filter(|p| p.contains("modules")) {
                not_in_tree = Some(ForeignModules::NotInTree(pattern.into_owned(), item.span()));
            }
        }
    }
    not_in_tree
}

/// Runs every load-time check over the tree.
pub fn check(config: &Config, opts: &CheckOptions, map: &SourceMap) -> Vec<Diagnostic> {
    let catalogue = Catalogue::get(opts.version);
    let mut loaded: Vec<&'static str> = THIRD_PARTY_SO
        .iter()
        .filter(|(name, _)| opts.modules.iter().any(|m| module_matches(name, m)))
        .map(|(name, _)| *name)
        .collect();
    for item in config.items().filter(|i| i.is("load_module")) {
        if let Some(path) = item.arg(0) {
            for (name, word) in THIRD_PARTY_SO {
                if path.contains(word) && !loaded.contains(name) {
                    loaded.push(name);
                }
            }
        }
    }
    let context: &'static str = match opts.context.as_deref() {
        Some("main") => "main",
        Some("http") => "http",
        Some("server") => "server",
        Some("location") => "location",
        Some("events") => "events",
        Some("upstream") => "upstream",
        Some("stream") => "stream",
        _ => infer_context(config, opts.version),
    };
    let foreign = foreign_modules(config);
    // Statement findings depend on these besides the statement and its context.
    let memo = opts.cache.as_ref().map(|cache| {
        let options = format!(
            "{:?} {} {:?} {loaded:?} {foreign:?}",
            opts.version, opts.version_assumed, opts.release
        );
        let mut memo = cache.take_checks();
        if memo.options != options {
            memo.options = options;
            memo.by_file.clear();
        }
        memo
    });
    let mut checker = Checker {
        catalogue,
        version: opts.version,
        loaded,
        map,
        out: Vec::new(),
        server: None,
        plain_listen: None,
        http_resolver: false,
        http2_added: Vec::new(),
        nearest_seen: HashMap::new(),
        foreign,
        memo,
        version_assumed: opts.version_assumed,
        release: opts.release,
        lone_snippet: opts.lone_snippet,
        splices: None,
        repeated: spliced_repeatedly(config),
        clean: HashMap::new(),
    };
    // One after the other, in this order: the walks share the tree's budget of splices
    // (`Config::expansion_budget`), and in a pathological include graph which walk runs
    // out first must not depend on thread timing. (Run side by side they were no faster
    // on two cores, where the model and the rules already run beside these checks.)
    let mut listen_findings = Vec::new();
    listen::check(config, &mut listen_findings);
    buffers::check(config, &mut listen_findings);
    server_names::check(config, &mut listen_findings);
    checker.walk(config.items(), context);
    if context == "main" {
        // A snippet's formats may come from the nginx.conf that includes it.
        // And its upstreams (the same walk).
        let mut names = Vec::new();
        // Zones may be defined in the nginx.conf that includes a snippet: main only.
        let zones_out =
            (!opts.lone_snippet && shared_zones::judged(config)).then_some(&mut checker.out);
        log_formats::check(config, &mut names, zones_out);
        variables::check(
            config,
            map,
            (opts.version, opts.version_assumed),
            third_party_loaded(config, &checker.loaded),
            &checker.repeated,
            (checker.memo.as_mut(), &mut checker.splices),
            &mut names,
        );
        if opts.lone_snippet {
            names = names
                .into_iter()
                .map(|d| {
                    let note = if envsubst_placeholder(&d, map) {
                        "`${NAME}` in capitals is how the official nginx image's envsubst templates are written (/etc/nginx/templates/*.template, NGINX_ENVSUBST_TEMPLATE_SUFFIX): rendered with the container's environment before nginx reads it, so the value is not known here"
                    } else {
                        "this snippet is linted on its own: the file that includes it may define the name (lint them together to know)"
                    };
                    d.with_severity(Severity::Note).with_note(note)
                })
                .collect();
        }
        checker.out.extend(names);
    }
    if let (Some(cache), Some(memo)) = (&opts.cache, checker.memo.take()) {
        cache.give_back(memo);
    }
    if config.budget_exhausted() {
        if let Some(root) = config.root {
            checker.out.push(Diagnostic::new(
                &crate::codes::INCLUDE_CYCLE,
                lint_source::Span::point(root, 0),
                format!(
                    "includes expand to more than {} files; the rest of the tree is not checked",
                    config.expansion_budget()
                ),
            ).with_help("files that include each other through nested blocks multiply: include each file from one place"));
        }
    }
    // An include at the top of nginx.conf whose file this deployment does not provide
    // may hold `events` (linuxserver's `include /config/nginx/nginx.conf;`, a file its
    // start script copies in): nothing can be claimed missing then.
    let unknown_includes: Vec<lint_source::Span> = config
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::codes::INCLUDE_UNKNOWN.code)
        .filter_map(|d| d.primary.as_ref().map(|p| p.span))
        .collect();
    let top_level_unknown = config.items().any(|i| {
        i.is("include") && {
            let span = i.span();
            unknown_includes
                .iter()
                .any(|u| u.file == span.file && u.start >= span.start && u.end <= span.end)
        }
    });
    // Main-level lines another file includes (Debian's modules-enabled/ `load_module`
    // files, a `stream` snippet) lack `events` by design: only a whole nginx.conf, or a
    // file read as main because it was told so, must have it.
    let whole = opts.context.is_some()
        || config.root.is_some_and(|root| {
            map.get(root)
                .path
                .file_name()
                .is_some_and(|n| n == "nginx.conf")
        })
        || config.items().any(|i| {
            crate::context::WHOLE_FILE_DIRECTIVES
                .iter()
                .any(|name| i.is(name))
        });
    if context == "main"
        && whole
        && config.root.is_some()
        && !top_level_unknown
        && !config.items().any(|i| i.is("events"))
    {
        if let Some(root) = config.root {
            let span = lint_source::Span::point(root, 0);
            checker.out.push(
                Diagnostic::new(&NO_EVENTS, span, "no \"events\" section in configuration")
                    .with_help(
                        "add `events { worker_connections 768; }` at the top level of nginx.conf",
                    ),
            );
        }
    }
    checker.out.extend(listen_findings);
    checker.out
}

/// The memo key of a `server` block of http and the files spliced into it, in walk
/// order; `None` when a file of the block is not one the cache keeps (a file read twice
/// in a run gets a fresh id each run), or when the tree spent half its splice budget.
fn server_unit<'a>(
    memo: &StatementChecks,
    splices: &mut Option<SpliceIndex<'a>>,
    server: &Item<'a>,
) -> Option<((FileId, u32), Vec<FileId>)> {
    let config = server.config;
    // A reused block splices nothing, and walks share the tree's splice budget: in a
    // graph of nested includes near that budget, a skipped walk could keep a later one
    // from running out where a fresh run does. The whole-tree walks before this one
    // spent less than half of it: the few after it cannot exhaust it, and skipping
    // changes nothing.
    if config.expansions().saturating_mul(2) >= config.expansion_budget() {
        return None;
    }
    let span = server.span();
    if !memo.keeps(span.file) {
        return None;
    }
    let spliced = splices
        .get_or_insert_with(|| SpliceIndex::of(config))
        .spliced(span)?;
    if !spliced.iter().all(|f| memo.keeps(*f)) {
        return None;
    }
    Some(((span.file, span.start), spliced))
}

/// A block being walked: its statements, its context, and the standard-slot
/// directives already seen in it (for `is duplicate`).
struct Frame<'a> {
    items: Items<'a>,
    context: &'static str,
    /// By the catalogue's duplicate slot. A list, not a map: most blocks hold a handful
    /// of single-valued directives, and a map per block cost a hash and a growth per
    /// statement (a tenth of the load-time checks).
    seen: Vec<(&'static str, Item<'a>)>,
    locations: HashMap<(bool, String), Item<'a>>,
    /// The `location` whose block this frame walks (nested locations are checked against
    /// it).
    location: Option<Item<'a>>,
    /// For a `server` block of http walked with a memo: its key, the files spliced into it
    /// and where its findings start in `Checker::out` (kept when the frame ends).
    unit: Option<((FileId, u32), Vec<FileId>, usize)>,
}

/// Statements whose check reads more than the statement, its file and its context:
/// `listen` (its fix names the server around it), `ssl` (its note names the server's
/// plain listen), `map`/`geo` (their entries may be included from other files). Their
/// verdicts are never remembered.
fn reads_around_it(item: &Item<'_>) -> bool {
    ["listen", "ssl", "map", "geo"]
        .iter()
        .any(|name| item.is(name))
}

impl<'a> Checker<'a> {
    fn is_available(&self, spec: &DirectiveSpec) -> bool {
        match spec.third_party {
            None => true,
            Some(name) => self.loaded.contains(&name),
        }
    }

    /// See [`server_unit`].
    fn server_unit(&mut self, server: &Item<'a>) -> Option<((FileId, u32), Vec<FileId>)> {
        server_unit(self.memo.as_ref()?, &mut self.splices, server)
    }

    fn walk(&mut self, items: Items<'a>, context: &'static str) {
        let mut stack: Vec<Frame<'a>> = vec![Frame {
            items,
            context,
            seen: Vec::new(),
            locations: HashMap::new(),
            location: None,
            unit: None,
        }];
        while let Some(frame) = stack.last_mut() {
            let Some(item) = frame.items.next() else {
                if let (Some((key, spliced, start)), Some(memo)) =
                    (frame.unit.take(), self.memo.as_mut())
                {
                    let found = self.out[start..].to_vec();
                    memo.servers.insert(key, ServerChecks { spliced, found });
                }
                stack.pop();
                continue;
            };
            let context = frame.context;
            let Some(spec) = self.checked(item, context) else {
                continue;
            };
            if item.is("http") {
                self.http_resolver = item.children().any(|c| c.is("resolver"));
            } else if context == "http" && item.is("upstream") && item.is_block() {
                // Not memoised with the statement: it depends on the http level.
                self.upstream_resolve(&item);
                self.upstream_balancer(&item);
                // ngx_http_upstream_init_round_robin: an upstream with no `server` stops
                // nginx, reported at the block's closing brace (an include inside may
                // hold them: not judged).
                let empty = !item.children().any(|c| c.is("server") || c.is("include"));
                if empty {
                    let span = item.span();
                    let close = lint_source::Span::new(
                        span.file,
                        span.end.saturating_sub(1) as usize,
                        span.end as usize,
                    );
                    self.out.push(
                        Diagnostic::new(&INVALID_VALUE, close, "no servers are inside upstream")
                            .with_related(item.args_span(), "this upstream")
                            .with_help("add a `server` line (the php-fpm address) to the upstream"),
                    );
                }
            }
            if spec.rejects_duplicates() {
                // Keyed by the catalogue's static name: no allocation per directive.
                let name = spec.name;
                let slot = spec.duplicate_slot();
                if let Some((_, first)) = frame.seen.iter().find(|(s, _)| *s == slot) {
                    let message = if first.name() == name {
                        format!("\"{name}\" directive is duplicate")
                    } else {
                        format!("\"{name}\" directive is duplicate, \"{}\" directive was specified earlier", first.name())
                    };
                    let d = Diagnostic::new(&DUPLICATE, item.name_span(), message)
                        .with_related(first.name_span(), "first set here")
                        .with_help("remove one of them; inside one block a single-valued directive may appear once");
                    self.out.push(d);
                } else {
                    frame.seen.push((slot, item));
                }
            }
            if item.is("limit_req") || item.is("limit_conn") {
                // ngx_http_limit_req / ngx_http_limit_conn: a second limit on the same
                // zone in one block is `is duplicate` (another zone is a second limit).
                let slot: &'static str = if item.is("limit_req") {
                    "limit_req zone"
                } else {
                    "limit_conn zone"
                };
                fn zone(i: &Item<'_>) -> Option<String> {
                    if i.is("limit_req") {
                        i.args()
                            .find(|a| a.starts_with("zone="))
                            .map(|a| a.into_owned())
                    } else {
                        i.arg(0).map(|a| a.into_owned())
                    }
                }
                let this = zone(&item);
                let first = frame
                    .seen
                    .iter()
                    .find(|(s, first)| *s == slot && this.is_some() && zone(first) == this);
                if let Some((_, first)) = first {
                    let name = item.name();
                    self.out.push(
                        Diagnostic::new(
                            &DUPLICATE,
                            item.name_span(),
                            format!("\"{name}\" directive is duplicate"),
                        )
                        .with_related(first.name_span(), "the same zone is limited here")
                        .with_help(
                            "remove one of them; inside one block a zone may be limited once",
                        ),
                    );
                } else {
                    frame.seen.push((slot, item));
                }
            }
            if item.is("proxy_pass") || item.is("alias") {
                // Not memoised with the statement: a snippet's proxy_pass may be spliced
                // into a prefix location and a regex one.
                if let Some(d) = location_bound::check(&item, context, frame.location.as_ref()) {
                    self.out.push(d);
                }
            }
            // ngx_http_proxy_redirect: `default` is made from the block's own proxy_pass,
            // which must come first (not memoised: the proxy_pass may be in another file
            // spliced into the block).
            // A snippet read on its own (Debian's proxy_params-style files) is included
            // after a proxy_pass of its includer: not judged.
            if item.is("proxy_redirect")
                && !self.lone_snippet
                && item.arg(0).as_deref() == Some("default")
                && !frame.seen.iter().any(|(_, i)| i.is("proxy_pass"))
            {
                self.out.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        item.span(),
                        "\"proxy_redirect default\" should be placed after the \"proxy_pass\" directive",
                    )
                    .with_help("move `proxy_redirect default;` below the location's `proxy_pass` (or remove it: `default` is what nginx does without it)"),
                );
            }
            if item.is("location") {
                if let Some(d) = nesting_error(&item, frame.location.as_ref()) {
                    self.out.push(d);
                }
                if let Some(key) = location_key(&item) {
                    if let Some(first) = frame.locations.get(&key) {
                        let d = Diagnostic::new(
                            &DUPLICATE_LOCATION,
                            item.args_span(),
                            format!("duplicate location \"{}\"", key.1),
                        )
                        .with_related(first.args_span(), "first defined here");
                        self.out.push(d);
                    } else {
                        frame.locations.insert(key, item);
                    }
                }
            }
            if let Some(block) = &item.directive.block {
                if block.kind == BlockKind::Custom || !spec.block {
                    continue;
                }
                let Some(body) = spec.body_context(context) else {
                    continue;
                };
                let mut unit = None;
                if item.is("server") {
                    if context == "http" {
                        if let Some((key, spliced)) = self.server_unit(&item) {
                            let kept = self.memo.as_ref().and_then(|m| m.servers.get(&key));
                            if let Some(kept) = kept.filter(|k| k.spliced == spliced) {
                                self.out.extend(kept.found.iter().cloned());
                                continue;
                            }
                            unit = Some((key, spliced, self.out.len()));
                            if let Some(memo) = self.memo.as_mut() {
                                memo.servers_walked += 1;
                            }
                        }
                    }
                    self.server = Some((item.span(), item.children().any(|c| c.is("http2"))));
                    self.plain_listen = item
                        .children()
                        .find(|c| c.is("listen") && !c.args().skip(1).any(|a| a == "ssl"))
                        .map(|c| c.span());
                }
                stack.push(Frame {
                    items: item.children(),
                    context: body,
                    seen: Vec::new(),
                    locations: HashMap::new(),
                    location: item.is("location").then_some(item),
                    unit,
                });
            }
        }
    }

    /// [`Checker::directive`], or what it found for the same statement of the same
    /// unchanged file in the same context last run. `listen` (its fix names the server
    /// around it), `ssl` (its note names the server's plain listen) and `map`/`geo` (their
    /// entries may be included from other files) are always checked.
    ///
    /// A statement of a file spliced more than once (fastcgi.conf in every PHP location)
    /// is checked once per context when nothing is wrong with it: [`Checker::directive`]
    /// reads only the statement, its file and the context, but for `listen` (the server
    /// around it), `ssl` (its plain listen), `map`/`geo` and an upstream's `server`,
    /// and its other state is touched only by what it reports. A statement with a
    /// finding is checked each time, as before.
    fn checked(&mut self, item: Item<'a>, context: &'static str) -> Option<&'static DirectiveSpec> {
        if !self.repeated.contains(&item.file.id) {
            return self.checked_again(item, context);
        }
        let key = (std::ptr::from_ref(item.directive) as usize, context);
        if let Some(spec) = self.clean.get(&key) {
            return *spec;
        }
        let before = self.out.len();
        let spec = self.checked_again(item, context);
        if self.out.len() == before && !(reads_around_it(&item) || item.is("server")) {
            self.clean.insert(key, spec);
        }
        spec
    }

    /// [`Checker::checked`] without the run's own memo of clean statements.
    fn checked_again(
        &mut self,
        item: Item<'a>,
        context: &'static str,
    ) -> Option<&'static DirectiveSpec> {
        let file = item.file.id;
        let kept = self.memo.as_ref().is_some_and(|m| m.keeps(file)) && !reads_around_it(&item);
        if !kept {
            return self.directive(item, context);
        }
        let key = (item.span().start, context);
        if let Some(seen) = self
            .memo
            .as_ref()
            .and_then(|m| m.by_file.get(&file))
            .and_then(|statements| statements.get(&key))
        {
            self.out.extend(seen.found.iter().cloned());
            return seen.spec;
        }
        let before = self.out.len();
        let spec = self.directive(item, context);
        let found = self.out[before..].to_vec();
        if let Some(memo) = self.memo.as_mut() {
            memo.fresh += 1;
            memo.by_file
                .entry(file)
                .or_default()
                .insert(key, Checked { spec, found });
        }
        spec
    }

    /// Looks the statement up as nginx does; reports lookup errors. Returns the
    /// matching row when the statement is valid enough to descend into.
    fn directive(
        &mut self,
        item: Item<'a>,
        context: &'static str,
    ) -> Option<&'static DirectiveSpec> {
        let name = item.name();
        let rows = self.catalogue.lookup(&name);
        let subsystem = subsystem_of(context);
        let matching = rows.iter().find(|r| {
            self.is_available(r)
                && r.allowed_in(context)
                && (r.subsystem == subsystem || r.name == "include" || r.subsystem == "core")
        });
        let Some(spec) = matching else {
            // Only the error path needs the list of loaded rows.
            let available: Vec<&'static DirectiveSpec> =
                rows.iter().filter(|r| self.is_available(r)).collect();
            self.report_lookup(item, &name, context, &available, rows);
            return None;
        };
        let has_block = item.is_block();
        if !spec.block && has_block {
            self.out.push(
                Diagnostic::new(
                    &TERMINATOR,
                    item.head_span(),
                    format!("directive \"{name}\" is not terminated by \";\""),
                )
                .with_help(format!("\"{name}\" takes no block: end it with `;`")),
            );
            return None;
        }
        if spec.block && !has_block {
            self.out.push(
                Diagnostic::new(
                    &TERMINATOR,
                    item.head_span(),
                    format!("directive \"{name}\" has no opening \"{{\""),
                )
                .with_help(format!("\"{name}\" opens a block: `{name} ... {{ ... }}`")),
            );
            return None;
        }
        if !spec.arity.accepts(item.arg_count()) {
            self.out.push(
                Diagnostic::new(
                    &ARITY,
                    item.head_span(),
                    format!("invalid number of arguments in \"{name}\" directive"),
                )
                .with_label(format!("{} argument(s) given", item.arg_count()))
                .with_help(arity_help(spec)),
            );
            return Some(spec);
        }
        if subsystem == "http" {
            if let Some(d) = builtin_redefined::check(&item, self.version) {
                self.out.push(d);
            }
        }
        // A template's `listen ${NGINX_PORT};` (the official nginx image's own example)
        // is rendered before nginx reads it: linted on its own, its placeholder is no
        // host yet.
        let rendered_later = values::LITERAL_ONLY.contains(&spec.name)
            && item.args().any(|a| {
                variables::references(&a)
                    .iter()
                    .any(|(_, start, end)| crate::envsubst::is_placeholder(&a[*start..*end]))
            })
            && variables::is_template(self.map, &item);
        if let Some(message) = values::check_value(spec, &item).filter(|_| !rendered_later) {
            let fix = values::correction(spec, &item).map(|(i, value)| {
                Fix::safe(
                    format!("write \"{value}\""),
                    vec![Edit::replace(item.arg_span(i), value)],
                )
            });
            let mut d =
                Diagnostic::new(&INVALID_VALUE, item.args_span(), message).with_fix_opt(fix);
            // As for compiled values (variables.rs): a shell-style default is a
            // renderer's placeholder, which nginx stops on unless something renders it.
            if values::LITERAL_ONLY.contains(&spec.name)
                && item.args().any(|a| values::has_shell_default(&a))
            {
                d = variables::rendered_first(d);
            }
            self.out.push(d);
        } else if name == "listen" {
            self.listen_version(&item);
        } else if name == "server" && context == "upstream" {
            self.upstream_server(&item);
        } else if (name == "geo" || name == "map") && has_block {
            self.entry_counts(&item, &name);
            if name == "geo" {
                table_entries::geo(&item, &mut self.out);
            }
        } else if name == "split_clients" && has_block {
            table_entries::split_clients(&item, &mut self.out);
        }
        let retired_later = self.release.is_some_and(|release| {
            RETIRED_IN
                .iter()
                .any(|(retired, since)| *retired == name && release < *since)
        });
        if let Some(rest) = spec
            .notes
            .split(';')
            .map(str::trim)
            .find(|n| n.starts_with("deprecated") || n.starts_with("obsolete"))
            .filter(|_| !retired_later)
        {
            let replacement = rest
                .split("use ")
                .nth(1)
                .map(|s| s.trim_matches('"').to_string());
            let message = match &replacement {
                Some(r) => format!(
                    "the \"{name}\" directive is {}, use the \"{r}\" directive instead",
                    if rest.starts_with("obsolete") {
                        "obsolete"
                    } else {
                        "deprecated"
                    }
                ),
                None => format!("the \"{name}\" directive is deprecated"),
            };
            let mut d = Diagnostic::new(&DEPRECATED, item.name_span(), message);
            if name == "ssl" && item.arg(0).is_some_and(|a| a.eq_ignore_ascii_case("on")) {
                if let Some(plain) = self.plain_listen {
                    // FreshRSS's documented server: `listen 80` beside `ssl on;` speaks TLS
                    // too (live, nginx 1.22.1: every http:// request gets 400).
                    d = d
                        .with_related(plain, "this listen has no `ssl`, and speaks TLS anyway")
                        .with_note("`ssl on;` turns TLS on for every listen of the server: plain http:// requests to the port without `ssl` get 400 \"The plain HTTP request was sent to HTTPS port\"");
                }
            }
            self.out.push(d);
        }
        if let Some(message) = values::check_regex(&item) {
            self.out
                .push(Diagnostic::new(&INVALID_REGEX, item.args_span(), message));
        } else if let Some((message, entry)) = values::map_regex(&item) {
            self.out
                .push(Diagnostic::new(&INVALID_REGEX, entry, message));
        }
        Some(spec)
    }

    /// `listen` parameters whose meaning changed between the two tables: `quic` arrived
    /// in 1.25.0, and 1.25.1 deprecated `http2` in favour of the `http2` directive.
    fn listen_version(&mut self, item: &Item<'a>) {
        let quic = item.args().skip(1).any(|p| p == "quic");
        if quic && self.version == NginxVersion::Latest {
            // ngx_http_core_listen: these need a TCP socket.
            let clash = item.args().enumerate().skip(1).find(|(_, p)| {
                matches!(
                    p.split('=').next().unwrap_or(p),
                    "ssl"
                        | "http2"
                        | "proxy_protocol"
                        | "fastopen"
                        | "backlog"
                        | "accept_filter"
                        | "deferred"
                        | "multipath"
                        | "so_keepalive"
                )
            });
            if let Some((i, param)) = clash {
                let word = param.split('=').next().unwrap_or(&param).to_string();
                self.out.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        item.arg_span(i),
                        format!("\"listen\" directive \"{word}\" parameter is incompatible with \"quic\""),
                    )
                    .with_help("QUIC is UDP: write it on its own line, `listen 443 quic;` next to `listen 443 ssl;`"),
                );
            }
        }
        for (i, param) in item.args().enumerate().skip(1) {
            match (self.version, param.as_ref()) {
                (NginxVersion::V1_22, "quic") => {
                    let d = Diagnostic::new(
                        &INVALID_VALUE,
                        item.arg_span(i),
                        "invalid parameter \"quic\"",
                    )
                    .with_help("HTTP/3 needs nginx 1.25 or newer; lint for the version you run with --nginx-version");
                    // Which nginx runs is a guess: a parameter of a newer one is no error,
                    // as its directives (`http3`, `quic_retry`) are not.
                    self.out.push(if self.version_assumed {
                        d.with_label("not in nginx 1.22, the version assumed here; nginx 1.25 and newer have it")
                            .with_severity(Severity::Note)
                    } else {
                        d
                    });
                }
                (NginxVersion::Latest, "http2") if !self.version_assumed => {
                    let fix = self.http2_fix(item, i);
                    self.out.push(
                        Diagnostic::new(
                            &DEPRECATED,
                            item.arg_span(i),
                            "the \"listen ... http2\" directive is deprecated, use the \"http2\" directive instead",
                        )
                        .with_help("drop `http2` from the listen and write `http2 on;` in the server")
                        .with_fix_opt(fix),
                    );
                }
                _ => {}
            }
        }
    }

    /// Drops `http2` (argument `i`) from a listen and, once per server that has no `http2`
    /// directive yet, adds `http2 on;` after the listen.
    fn http2_fix(&mut self, item: &Item<'a>, i: usize) -> Option<Fix> {
        let word = item.arg_span(i);
        let before = item.arg_span(i.checked_sub(1)?);
        let mut edits = vec![Edit::delete(Span {
            file: word.file,
            start: before.end,
            end: word.end,
        })];
        let (server, has_http2) = self.server?;
        if !has_http2 && !self.http2_added.contains(&server) {
            self.http2_added.push(server);
            let text = &item.file.text;
            edits.push(lint_source::edits::insert_after(
                word.file,
                text,
                item.span().end as usize,
                "http2 on;",
            ));
        }
        Some(Fix::safe("write `http2 on;` in the server instead", edits))
    }

    /// The parameters `ngx_http_upstream_server` knows: `resolve` and `service=` came to
    /// open-source nginx in 1.27.3 (with `drain` and `route=` later); `slow_start=` is
    /// NGINX Plus only.
    fn upstream_server(&mut self, item: &Item<'a>) {
        for (i, param) in item.args().enumerate().skip(1) {
            let (word, value) = param
                .split_once('=')
                .map_or((param.as_ref(), None), |(w, v)| (w, Some(v)));
            let number = |v: &str| {
                !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && v.parse::<i64>().is_ok()
            };
            // ngx_http_upstream_server: the values are read with the names (a weight of 0
            // or a word is an invalid parameter like an unknown name).
            let known = match (word, value) {
                ("weight", Some(v)) => number(v) && v.parse::<u64>().is_ok_and(|n| n > 0),
                ("max_conns" | "max_fails", Some(v)) => number(v),
                ("fail_timeout", Some(v)) => values::parse_time(v, false).is_some(),
                ("backup" | "down", None) => true,
                ("resolve" | "drain", None) | ("service" | "route", Some(_)) => {
                    self.version == NginxVersion::Latest
                }
                _ => false,
            };
            if !known {
                let help = if matches!(word, "resolve" | "service") {
                    "open-source nginx re-resolves upstream names since 1.27.3; on older versions put the name in a variable with a `resolver`, or lint for the version you run with --nginx-version"
                } else {
                    "nginx knows weight=, max_conns=, max_fails=, fail_timeout=, backup and down here"
                };
                self.out.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        item.arg_span(i),
                        format!("invalid parameter \"{param}\""),
                    )
                    .with_help(help),
                );
                return;
            }
        }
    }

    /// `ip_hash`, `hash` and `random` take no `backup` servers: a `server ... backup` read
    /// after one of them stops nginx (`least_conn` and round robin take them). Read in the
    /// block's order, as nginx sets the method's flags when it reads the directive.
    fn upstream_balancer(&mut self, upstream: &Item<'a>) {
        let mut method: Option<Item<'a>> = None;
        for line in upstream.children() {
            if line.is("ip_hash") || line.is("hash") || line.is("random") {
                method = Some(line);
            } else if line.is("least_conn") {
                method = None;
            } else if let (Some(method), true) = (method, line.is("server")) {
                let Some(at) = line.args().position(|a| a == "backup") else {
                    continue;
                };
                self.out.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        line.arg_span(at),
                        "balancing method does not support parameter \"backup\"",
                    )
                    .with_related(method.name_span(), "the balancing method")
                    .with_help("drop `backup` (this method spreads requests by key and has no backup servers), or use round robin or least_conn"),
                );
            }
        }
    }

    /// `server ... resolve` needs the upstream in shared memory (`zone`) and a resolver
    /// in the upstream or at http level (ngx_http_upstream_init_round_robin, 1.27.3+).
    fn upstream_resolve(&mut self, upstream: &Item<'a>) {
        if self.version != NginxVersion::Latest {
            return;
        }
        let Some(server) = upstream
            .children()
            .find(|c| c.is("server") && c.args().skip(1).any(|a| a == "resolve"))
        else {
            return;
        };
        let name = upstream.arg(0).unwrap_or_default();
        let at = {
            let file = self.map.get(upstream.file.id);
            let line = file.line_col(upstream.span().start).line;
            format!("{}:{line}", file.path.display())
        };
        let message = if !upstream.children().any(|c| c.is("zone")) {
            format!(
                "resolving names at run time requires upstream \"{name}\" in {at} to be in shared memory"
            )
        } else if !self.http_resolver && !upstream.children().any(|c| c.is("resolver")) {
            format!(
                "no resolver defined to resolve names at run time in upstream \"{name}\" in {at}"
            )
        } else {
            return;
        };
        self.out.push(
            Diagnostic::new(&UPSTREAM_RESOLVE, upstream.head_span(), message)
                .with_related(server.span(), "`resolve` here")
                .with_help("add `zone NAME 64k;` to the upstream and `resolver 127.0.0.11 valid=10s;` (Docker's DNS) in it or at http level"),
        );
    }

    /// The lines of a `geo` or `map` block: `key value;`, or one of the block's
    /// one-word keywords.
    fn entry_counts(&mut self, item: &Item<'a>, name: &str) {
        let single: &[&str] = if name == "geo" {
            &["ranges", "proxy_recursive"]
        } else {
            &["hostnames", "volatile"]
        };
        // ngx_http_map: string keys go into a hash that lower-cases them (`conflicting
        // parameter` for a repeat), `default` once; regex keys (`~`) are not hashed.
        let mut keys: foldhash::HashSet<String> = foldhash::HashSet::default();
        let mut default_seen = false;
        let mut hostnames = false;
        for entry in item.children() {
            let words = entry.arg_count() + 1;
            if words == 1 && single.iter().any(|s| entry.is(s)) {
                hostnames |= entry.is("hostnames");
                continue;
            }
            if words != 2 {
                self.out.push(Diagnostic::new(
                    &ARITY,
                    entry.span(),
                    format!("invalid number of the {name} parameters"),
                ));
                continue;
            }
            if name != "map" || entry.is("include") {
                continue;
            }
            let key = entry.name();
            if key == "default" {
                if default_seen {
                    self.out.push(
                        Diagnostic::new(
                            &DUPLICATE,
                            entry.name_span(),
                            "duplicate default map parameter",
                        )
                        .with_help("keep one `default` line"),
                    );
                }
                default_seen = true;
                continue;
            }
            if key.starts_with('~') || hostnames {
                // Regexes are not hashed; a `hostnames` map's wildcards and the names
                // they imply are hashed another way (not judged).
                continue;
            }
            // nginx lower-cases the key in place: its message shows it so.
            let key = key.strip_prefix('\\').unwrap_or(&key).to_ascii_lowercase();
            if !keys.insert(key.clone()) {
                self.out.push(
                    Diagnostic::new(
                        &DUPLICATE,
                        entry.name_span(),
                        format!("conflicting parameter \"{key}\""),
                    )
                    .with_help("keep one line per key: map keys are compared case-insensitively"),
                );
            }
        }
    }

    fn report_lookup(
        &mut self,
        item: Item<'a>,
        name: &str,
        context: &str,
        available: &[&'static DirectiveSpec],
        rows: &'static [DirectiveSpec],
    ) {
        if !available.is_empty() {
            let allowed: Vec<&str> = available
                .iter()
                .flat_map(|r| r.contexts.iter().copied())
                .collect();
            let mut allowed_unique: Vec<&str> = Vec::new();
            for c in allowed {
                if !allowed_unique.contains(&c) {
                    allowed_unique.push(c);
                }
            }
            let mut d = Diagnostic::new(
                &NOT_ALLOWED,
                item.head_span(),
                format!("\"{name}\" directive is not allowed here"),
            )
            .with_label(format!("inside {}", context_name(context)))
            .with_help(format!(
                "\"{name}\" belongs in: {}",
                allowed_unique.join(", ")
            ));
            // A site file mounted or copied onto nginx.conf (a ConfigMap's subPath, a
            // Compose bind, `COPY default.conf /etc/nginx/nginx.conf`).
            if context == "main" && allowed_unique.contains(&"http") {
                d = d.with_note("this file is read as nginx's main file: a file of `server` blocks belongs in conf.d/ (the stock nginx.conf includes /etc/nginx/conf.d/*.conf inside `http`), or wrap it in `events {}` and `http { ... }`");
            }
            self.out.push(d);
            return;
        }
        let mut d = Diagnostic::new(
            &UNKNOWN,
            item.head_span(),
            format!("unknown directive \"{name}\""),
        );
        let other = match self.version {
            NginxVersion::V1_22 => NginxVersion::Latest,
            _ => NginxVersion::V1_22,
        };
        // (nginx's own directives only: a third-party module's is judged below.)
        let other_has = Catalogue::get(other)
            .lookup(name)
            .iter()
            .any(|r| r.third_party.is_none());
        if self.version_assumed && other_has {
            // Which nginx runs is a guess: a directive of the other version is no error.
            // Said in the message itself (a one-line format shows no label): "unknown
            // directive" alone read as a false positive to anyone on a newer nginx.
            let since = (other == NginxVersion::Latest)
                .then(|| {
                    Catalogue::get(other)
                        .lookup(name)
                        .iter()
                        .find(|r| r.third_party.is_none())
                        .map(|r| r.since)
                })
                .flatten();
            let why = match (since, Catalogue::removed(name)) {
                (Some(since), _) => format!("added in nginx {since}"),
                (None, Some(removed)) => format!("removed after nginx {}", removed.last),
                (None, None) => format!("nginx {} has it", other.label()),
            };
            d = Diagnostic::new(
                &UNKNOWN,
                item.head_span(),
                format!(
                    "unknown directive \"{name}\" in nginx {}, the version assumed here ({why})",
                    self.version.label()
                ),
            );
            d = d
                .with_label(format!(
                    "not in nginx {}, the version assumed here; nginx {} has it",
                    self.version.label(),
                    other.label()
                ))
                .with_help("lint for the version you run with --nginx-version")
                .with_severity(Severity::Note);
        } else if let Some(tp) = rows.iter().find_map(|r| r.third_party) {
            // Said in the message too: a one-line format (pre-commit, editors) shows
            // neither label nor help, and "unknown directive" alone read as a false
            // positive on builds that compile the module in (WordOps' nginx-ee).
            d = Diagnostic::new(
                &UNKNOWN,
                item.head_span(),
                format!("unknown directive \"{name}\" (third-party module {tp}: load it, or declare it with `modules = [\"{tp}\"]` if your nginx has it built in)"),
            )
            .with_label(format!("needs the third-party module {tp}"))
                .with_help(format!("load the module (`load_module modules/...{tp}...so;`) or declare it in .nginx-fpm-lint.toml `modules = [\"{tp}\"]`"))
                .with_severity(Severity::Warning);
        } else if self.version == NginxVersion::V1_22
            && !Catalogue::get(NginxVersion::Latest).lookup(name).is_empty()
        {
            let since = Catalogue::get(NginxVersion::Latest)
                .lookup(name)
                .first()
                .map(|r| r.since)
                .unwrap_or("?");
            d = d
                .with_label(format!(
                    "added in nginx {since}; the target is nginx {}",
                    self.version.label()
                ))
                .with_help("upgrade nginx, or lint for the version you run with --nginx-version");
        } else if let Some(removed) = Catalogue::removed(name) {
            d = d.with_label(format!(
                "removed after nginx {} (it existed since {})",
                removed.last, removed.first
            ));
            if name == "ssl" {
                // `ssl on;`: the listens of the server say it now (NGX103 and NGX104 leave
                // such a server to this finding).
                d = d.with_help(
                    "write `ssl` on the server's TLS listens instead (`listen 443 ssl;`)",
                );
            }
        } else if let Some((near, unique)) = self.nearest(name) {
            d = d.with_help(format!("did you mean \"{near}\"?"));
            if unique {
                d = d.with_fix(Fix::safe(
                    format!("write \"{near}\""),
                    vec![Edit::replace(item.name_span(), near)],
                ));
            }
        } else if let Some(foreign) = &self.foreign {
            // No near miss and a module we cannot see: most likely its directive. nginx
            // fails only if that module does not define it, which we cannot tell.
            d = match foreign {
                ForeignModules::Loaded(file, at) => d
                    .with_label(format!("not nginx's; probably from {file}"))
                    .with_related(*at, "a module the linter does not know is loaded here"),
                ForeignModules::NotInTree(pattern, at) => d
                    .with_label("not nginx's; probably from a dynamic module")
                    .with_related(*at, format!("{pattern} matches no file here: the modules it loads on the server are not in this tree")),
            }
            .with_severity(Severity::Warning)
            .with_help("if that module defines it, nothing is wrong: ignore NGX010 for this file under `[per-path-ignores]` in .nginx-fpm-lint.toml, or suppress it inline");
        }
        let _ = self.map;
        self.out.push(d);
    }

    /// The known name closest to `name` (at most two edits away), and whether it is the
    /// only one that close (then it is the one obvious correction).
    fn nearest(&mut self, name: &str) -> Option<(&'static str, bool)> {
        if let Some(seen) = self.nearest_seen.get(name) {
            return *seen;
        }
        let found = self.nearest_uncached(name);
        self.nearest_seen.insert(name.to_string(), found);
        found
    }

    fn nearest_uncached(&self, name: &str) -> Option<(&'static str, bool)> {
        let mut best: Option<(usize, &'static str)> = None;
        let mut ties = 0;
        // Only names within two chars of the length and of the bag of chars can be within
        // two edits: a cheap first test before the banded table.
        for candidate in self.catalogue.names_maybe_near(name, 2) {
            // Bounded: a banded table that stops at the first row past 2 (the full
            // distance against ~1 200 names dominated runs with many unknown names).
            let Some(d) = lint_source::distance::levenshtein_within(name, candidate, 2) else {
                continue;
            };
            match best {
                Some((bd, _)) if d > bd => {}
                Some((bd, bn)) if d == bd => {
                    if candidate != bn {
                        ties += 1;
                    }
                    if candidate < bn {
                        best = Some((d, candidate));
                    }
                }
                _ => {
                    best = Some((d, candidate));
                    ties = 0;
                }
            }
        }
        best.map(|(_, n)| (n, ties == 0))
    }
}

fn context_name(context: &str) -> String {
    match context {
        "main" => "the main context".into(),
        "if_server" | "if_location" => "an \"if\" block".into(),
        other => format!("a \"{other}\" block"),
    }
}

fn arity_help(spec: &DirectiveSpec) -> String {
    use crate::catalogue::Arity;
    let expected = match &spec.arity {
        Arity::Any => "any number of arguments".to_string(),
        Arity::Flag => "exactly one argument, \"on\" or \"off\"".to_string(),
        Arity::AtLeast(n) => format!("at least {n} argument(s)"),
        Arity::OneOf(list) => {
            let list: Vec<String> = list.iter().map(ToString::to_string).collect();
            format!("{} argument(s)", list.join(" or "))
        }
    };
    format!("\"{}\" takes {expected}", spec.name)
}

/// `(exact, uri)` for the locations nginx compares for duplicates: `=` ones and
/// prefix ones (`^~ /a` and `/a` are the same); regex and named are not compared.
/// How nginx reads a location's arguments: its kind and name (`= /a` is exact `/a`,
/// `~* re` a regex `re`, `@app` named), the joined forms (`=/a`, `^~/a`, `~re`) too.
fn location_name(item: &Item<'_>) -> Option<(LocationKind, String)> {
    let first = item.arg(0)?;
    if item.arg_count() == 2 {
        let name = item.arg(1)?.into_owned();
        return match first.as_ref() {
            "=" => Some((LocationKind::Exact, name)),
            "^~" => Some((LocationKind::Prefix, name)),
            "~" | "~*" => Some((LocationKind::Regex, name)),
            _ => None,
        };
    }
    let f = first.as_ref();
    Some(if let Some(rest) = f.strip_prefix('=') {
        (LocationKind::Exact, rest.to_string())
    } else if let Some(rest) = f.strip_prefix("^~") {
        (LocationKind::Prefix, rest.to_string())
    } else if let Some(rest) = f.strip_prefix("~*") {
        (LocationKind::Regex, rest.to_string())
    } else if let Some(rest) = f.strip_prefix('~') {
        (LocationKind::Regex, rest.to_string())
    } else if f.starts_with('@') {
        (LocationKind::Named, f.to_string())
    } else {
        (LocationKind::Prefix, f.to_string())
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LocationKind {
    Exact,
    Prefix,
    Regex,
    Named,
}

/// ngx_http_core_location's checks of a location nested in `parent`, in its order.
fn nesting_error(item: &Item<'_>, parent: Option<&Item<'_>>) -> Option<Diagnostic> {
    let (kind, name) = location_name(item)?;
    let message = match parent.and_then(location_name) {
        Some((LocationKind::Exact, outer)) => {
            format!("location \"{name}\" cannot be inside the exact location \"{outer}\"")
        }
        Some((LocationKind::Named, outer)) => {
            format!("location \"{name}\" cannot be inside the named location \"{outer}\"")
        }
        Some(_) if kind == LocationKind::Named => {
            format!("named location \"{name}\" can be on the server level only")
        }
        Some((_, outer)) if kind != LocationKind::Regex && !name.starts_with(&outer) => {
            format!("location \"{name}\" is outside location \"{outer}\"")
        }
        _ => return None,
    };
    Some(
        Diagnostic::new(&LOCATION_NESTING, item.args_span(), message).with_help(match kind {
            LocationKind::Named => "move the named location to the server level",
            _ => "give the nested location its parent's path as a prefix, or move it out",
        }),
    )
}

fn location_key(item: &Item<'_>) -> Option<(bool, String)> {
    let first = item.arg(0)?;
    match (item.arg_count(), first.as_ref()) {
        (2, "=") => Some((true, item.arg(1)?.into_owned())),
        (2, "^~") => Some((false, item.arg(1)?.into_owned())),
        (2, _) => None,
        (1, f) if f.starts_with('@') || f.starts_with('~') => None,
        (1, f) if f.starts_with("^~") => Some((false, f[2..].to_string())),
        (1, f) if f.starts_with('=') => Some((true, f[1..].to_string())),
        (1, f) => Some((false, f.to_string())),
        _ => None,
    }
}
