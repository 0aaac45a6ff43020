//! The cross-file model every rule reads: effective nginx configuration,
//! php-fpm pools, php.ini values, and the options that the files cannot show.

pub mod accounts;
pub mod address;
pub mod array_inheritance;
pub mod compiled_regex;
pub mod dns_names;
pub mod filesystem;
pub mod listen_groups;
pub mod nginx;
pub mod regex_reach;
pub mod regex_shape;
pub mod syntax;
pub mod tls;
pub mod tree_walk;
pub mod value_reach;
pub mod variables;

use fpm_conf_parser::{FpmConfig, Listen, PhpIni, Pool};
use lint_source::{Diagnostic, SourceMap, Span};

use crate::options::LintOptions;
use address::{NginxTarget, TargetHost};
pub use nginx::{EffectiveLocation, NginxModel, Server, Upstream};

/// A pool together with the php-fpm tree it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct PoolRef<'a> {
    /// The php-fpm tree.
    pub fpm: &'a FpmConfig,
    /// The pool.
    pub pool: &'a Pool,
    /// The php.ini of that tree, when known.
    pub php_ini: Option<&'a PhpIni>,
}

impl PoolRef<'_> {
    /// A PHP setting for this pool: the pool's php_(admin_)value, then php.ini.
    pub fn php_value(&self, key: &str) -> Option<(&str, Span)> {
        self.pool
            .php_setting(key)
            .or_else(|| self.php_ini.and_then(|ini| ini.get(key)))
            .map(|e| (e.value.as_str(), e.value_span))
    }

    /// Directories the pool's workers create files in, with the setting that names them:
    /// PHP's `error_log`, `session.save_path` (files handler) and `upload_tmp_dir`.
    pub fn worker_write_dirs(&self) -> Vec<(&'static str, std::path::PathBuf, Span)> {
        let mut out = Vec::new();
        if let Some((v, span)) = self.php_value("error_log") {
            if v != "syslog" {
                if let Some(dir) = self
                    .pool
                    .path(v)
                    .and_then(|p| p.parent().map(|d| d.to_path_buf()))
                {
                    out.push(("error_log", dir, span));
                }
            }
        }
        if let Some((v, span)) = self.php_value("session.save_path") {
            // `N;MODE;/path`: the directory is the last part; `tcp://` means another handler.
            let dir = v.rsplit(';').next().unwrap_or(v);
            if !dir.contains("://") && dir.starts_with('/') {
                out.push(("session.save_path", std::path::PathBuf::from(dir), span));
            }
        }
        if let Some((v, span)) = self.php_value("upload_tmp_dir") {
            if v.starts_with('/') {
                out.push(("upload_tmp_dir", std::path::PathBuf::from(v), span));
            }
        }
        out
    }

    /// The directories php-fpm checks at start for this pool (`php-fpm -t` too): its
    /// `chroot`, then its `chdir` (inside the chroot when there is one), each with the
    /// entry that names it and php-fpm's words for it missing.
    pub fn start_directories(&self) -> Vec<(std::path::PathBuf, Span, String)> {
        let mut out = Vec::new();
        let name = &self.pool.name;
        let chroot = self
            .pool
            .get("chroot")
            .filter(|e| !e.value.trim().is_empty())
            .and_then(|e| Some((self.pool.path(&e.value)?, e)));
        if let Some((dir, e)) = &chroot {
            out.push((
                dir.clone(),
                e.value_span,
                format!(
                    "[pool {name}] the chroot path '{}' does not exist or is not a directory",
                    dir.display()
                ),
            ));
        }
        let chdir = self
            .pool
            .get("chdir")
            .filter(|e| !e.value.trim().is_empty())
            .and_then(|e| Some((self.pool.path(&e.value)?, e)));
        if let Some((dir, e)) = chdir {
            match &chroot {
                // php-fpm joins them with a `/` (`/srv/jail//app`), which names the same
                // directory as the plain join.
                Some((root, _)) => {
                    let inside = root.join(dir.strip_prefix("/").unwrap_or(&dir));
                    out.push((
                        inside.clone(),
                        e.value_span,
                        format!(
                            "[pool {name}] the chdir path '{}' within the chroot path '{}' ('{}/{}') does not exist or is not a directory",
                            dir.display(),
                            root.display(),
                            root.display(),
                            dir.display()
                        ),
                    ));
                }
                None => out.push((
                    dir.clone(),
                    e.value_span,
                    format!(
                        "[pool {name}] the chdir path '{}' does not exist or is not a directory",
                        dir.display()
                    ),
                )),
            }
        }
        out
    }

    /// Files php-fpm's master opens at start (`slowlog`, `access.log`): it creates the
    /// files but not their directories.
    pub fn master_log_files(&self) -> Vec<(&'static str, std::path::PathBuf, Span)> {
        ["slowlog", "access.log"]
            .into_iter()
            .filter_map(|key| {
                let e = self.pool.get(key)?;
                Some((key, self.pool.path(&e.value)?, e.value_span))
            })
            .collect()
    }

    /// PHP's `max_execution_time` for this pool in seconds (pool override, then php.ini, then PHP's default 30),
    /// with the place it was set.
    pub fn max_execution_time(&self) -> (i64, Option<Span>) {
        if let Some(e) = self.pool.php_setting("max_execution_time") {
            return (e.value.trim().parse().unwrap_or(0), Some(e.value_span));
        }
        if let Some(e) = self.php_ini.and_then(|ini| ini.get("max_execution_time")) {
            return (e.value.trim().parse().unwrap_or(0), Some(e.value_span));
        }
        (30, None)
    }
}

/// A `*_pass` target resolved through `upstream` blocks.
#[derive(Clone, Debug)]
pub struct FastcgiTarget {
    /// The concrete address.
    pub target: NginxTarget,
    /// Where nginx names it (the `server` line of an upstream, or the `fastcgi_pass`).
    pub span: Span,
    /// The `fastcgi_pass` statement's argument.
    pub pass_span: Span,
    /// The upstream it came through.
    pub upstream: Option<String>,
}

/// Everything the rules see.
pub struct Model<'a> {
    /// The source map (for rules that name files).
    pub map: &'a SourceMap,
    /// Options from the command line and config file.
    pub options: &'a LintOptions,
    /// One model per nginx tree.
    pub nginx: Vec<NginxModel>,
    /// Every php-fpm tree.
    pub fpm: Vec<FpmConfig>,
    /// php.ini per php-fpm tree (same index), when found.
    pub php_ini: Vec<Option<PhpIni>>,
    /// True when at least one php-fpm tree was given: cross-checks have something to compare with.
    pub has_fpm: bool,
    /// Users and groups (from the tree's /etc/passwd and /etc/group when present).
    pub accounts: accounts::Accounts,
    /// Owner, group and mode of the paths the configuration names (probed under `--root` only).
    pub filesystem: filesystem::Filesystem,
    /// Pools by listen address, so that matching a target costs a lookup, not a scan.
    index: PoolIndex,
    /// Pools some location reaches (by the span of their name), computed on first need:
    /// a missing address suggests an unused pool before a used one.
    used_pools: std::sync::OnceLock<foldhash::HashSet<Span>>,
    /// Each syntax tree's `map`/`geo` definitions and top-level `set`s (same order as
    /// `syntax`), found once per run: rules that check one part of a tree at a time ask
    /// for them once per part, and a tree holds thousands of maps when every site file
    /// brings its own (found per part, the first run of an editor's linter was quadratic).
    globals: Vec<value_reach::Globals<'a>>,
    /// With several syntax trees (`--nginx a.conf b.conf ...`), the trees whose
    /// `location`s are written in each file: rules look a location's statements up in
    /// every tree, and 8 000 files given on the command line took 38 s that way.
    syntax_by_file: foldhash::HashMap<lint_source::FileId, Vec<usize>>,
    /// Where the trees' includes could not be read, sorted (file, start, end): NGX005's
    /// (`unknown`) and NGX005's with NGX002's (`unresolved`). Rules ask per location
    /// whether one is inside it, and scanning every finding per question made a dump of
    /// 20 000 sites, each with an include it does not hold, quadratic.
    include_findings: IncludeFindings,
    /// php-fpm ports published beyond the deployment, with where they are published.
    pub published: Vec<(crate::options::Published, Span)>,
    /// Files the deployment places in a site folder of nginx that no include of the
    /// tree reached (`LintOptions::nginx_placed`), each with its first line.
    pub never_loaded: Vec<Span>,
    /// The nginx syntax trees (same order as `nginx`), for rules that read statements the
    /// effective model does not summarise (the security rules: headers, rewrites, maps).
    /// Kept rather than copied: a copy of the statements they read cost more memory
    /// than the trees themselves.
    /// Set with [`Model::set_trees`].
    pub trees: &'a [nginx_conf_parser::Config],
    /// The same trees indexed with parents and children (built once per run, shared by
    /// every rule that navigates statements).
    pub syntax: &'a [syntax::Tree<'a>],
}

/// The spans of the trees' include findings ([`Model::unresolved_include_within`]), each
/// list sorted by (file, start, end).
#[derive(Debug, Default)]
struct IncludeFindings {
    /// NGX005: an include of a file the deployment does not provide.
    unknown: Vec<(lint_source::FileId, u32, u32)>,
    /// NGX005 and NGX002 (a missing file).
    unresolved: Vec<(lint_source::FileId, u32, u32)>,
}

impl IncludeFindings {
    fn of(trees: &[nginx_conf_parser::Config]) -> Self {
        let unknown_code = nginx_conf_parser::codes::INCLUDE_UNKNOWN.code;
        let not_found_code = nginx_conf_parser::codes::INCLUDE_NOT_FOUND.code;
        let mut out = IncludeFindings::default();
        for d in trees.iter().flat_map(|t| &t.diagnostics) {
            let Some(p) = &d.primary else { continue };
            let at = (p.span.file, p.span.start, p.span.end);
            if d.code == unknown_code {
                out.unknown.push(at);
                out.unresolved.push(at);
            } else if d.code == not_found_code {
                out.unresolved.push(at);
            }
        }
        // An include statement reads what its files include: a finding in one of them (a
        // snippet included in a location that includes a file the deployment does not
        // provide; a snippet linted alone inside its context wrapper) is one inside the
        // statement too. Up the chain of includes, to a fixed point (each round adds a
        // statement once; the depth of includes bounds the rounds).
        for list in [&mut out.unknown, &mut out.unresolved] {
            let mut files: foldhash::HashSet<lint_source::FileId> =
                list.iter().map(|&(file, _, _)| file).collect();
            let mut added: foldhash::HashSet<(lint_source::FileId, u32, u32)> =
                list.iter().copied().collect();
            loop {
                let mut grew = false;
                for (span, targets) in trees.iter().flat_map(|t| &t.includes) {
                    let at = (span.file, span.start, span.end);
                    if !added.contains(&at) && targets.iter().any(|f| files.contains(f)) {
                        added.insert(at);
                        list.push(at);
                        files.insert(span.file);
                        grew = true;
                    }
                }
                if !grew {
                    break;
                }
            }
        }
        out.unknown.sort_unstable();
        out.unresolved.sort_unstable();
        out
    }
}

/// The index of `item` in `items` when it is one of them (the same object, not an equal
/// one), found from its address: rules ask per server which tree its configuration is,
/// and a search of the list for it made 8 000 files given with `--nginx` quadratic.
fn index_in<T>(items: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>().max(1);
    let offset = (item as *const T as usize).checked_sub(items.as_ptr() as usize)?;
    let i = offset / size;
    items.get(i).filter(|at| std::ptr::eq(*at, item)).map(|_| i)
}

/// Pools indexed by the address they listen on.
#[derive(Debug, Default)]
struct PoolIndex {
    /// (fpm tree, pool, its address) for every pool with a listen.
    entries: Vec<(usize, usize, Listen)>,
    /// By the socket's normalised path as bytes: both sides go through
    /// [`address::socket_path`], and hashing a `Path` walks its components (it was a
    /// tenth of `verdict`).
    by_unix: foldhash::HashMap<Box<[u8]>, Vec<usize>>,
    by_port: foldhash::HashMap<u32, Vec<usize>>,
}

/// A path's bytes, the key of [`PoolIndex::by_unix`].
fn path_bytes(path: &std::path::Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

impl PoolIndex {
    fn build(fpm: &[FpmConfig]) -> Self {
        let mut index = PoolIndex::default();
        for (f, tree) in fpm.iter().enumerate() {
            for (p, pool) in tree.pools.iter().enumerate() {
                let Some((listen, _)) = pool.listen() else {
                    continue;
                };
                let i = index.entries.len();
                match &listen {
                    Listen::Unix(path) => index
                        .by_unix
                        .entry(path_bytes(&address::socket_path(path)).into())
                        .or_default()
                        .push(i),
                    Listen::Tcp {
                        port: Some(port), ..
                    } => index.by_port.entry(*port).or_default().push(i),
                    Listen::Tcp { .. } => {}
                }
                index.entries.push((f, p, listen));
            }
        }
        index
    }
}

impl<'a> Model<'a> {
    /// Builds the model (indexes pools by address once).
    pub fn new(
        map: &'a SourceMap,
        options: &'a LintOptions,
        nginx: Vec<NginxModel>,
        fpm: Vec<FpmConfig>,
        php_ini: Vec<Option<PhpIni>>,
        accounts: accounts::Accounts,
    ) -> Self {
        let index = PoolIndex::build(&fpm);
        Model {
            map,
            options,
            nginx,
            has_fpm: !fpm.is_empty(),
            fpm,
            php_ini,
            accounts,
            filesystem: filesystem::Filesystem::default(),
            index,
            used_pools: std::sync::OnceLock::new(),
            globals: Vec::new(),
            syntax_by_file: Default::default(),
            include_findings: IncludeFindings::default(),
            published: Vec::new(),
            never_loaded: Vec::new(),
            trees: &[],
            syntax: &[],
        }
    }

    fn pool_at(&self, entry: usize) -> Option<(PoolRef<'_>, &Listen)> {
        let (f, p, listen) = self.index.entries.get(entry)?;
        let fpm = self.fpm.get(*f)?;
        Some((
            PoolRef {
                fpm,
                pool: fpm.pools.get(*p)?,
                php_ini: self.php_ini.get(*f).and_then(Option::as_ref),
            },
            listen,
        ))
    }

    /// Every pool of every php-fpm tree.
    pub fn pools(&self) -> impl Iterator<Item = PoolRef<'_>> + '_ {
        self.fpm.iter().enumerate().flat_map(move |(i, fpm)| {
            let ini = self.php_ini.get(i).and_then(Option::as_ref);
            fpm.pools.iter().map(move |pool| PoolRef {
                fpm,
                pool,
                php_ini: ini,
            })
        })
    }

    /// The files nginx opens for its logs when it starts (and `nginx -t` with it): every
    /// `error_log` and `access_log` whose path is absolute and has no variables, with the
    /// directive's name and the path's span. Not `off`, `stderr`, `syslog:` or `memory:`,
    /// not `/dev/...` or `/proc/...`, not a relative path (resolved against a prefix this
    /// reading may not know); an `access_log` with variables is opened per request.
    pub fn nginx_log_files(&self) -> Vec<(&'static str, std::path::PathBuf, Span)> {
        let mut out = Vec::new();
        for node in self.syntax.iter().flat_map(|tree| tree.nodes()) {
            let name = match node.name() {
                "error_log" => "error_log",
                "access_log" => "access_log",
                _ => continue,
            };
            if node.arg_count() == 0 {
                continue;
            }
            let path = node.arg(0);
            let special = ["/dev/", "/proc/"].iter().any(|p| path.starts_with(p));
            if !path.starts_with('/') || path.contains('$') || special {
                continue;
            }
            out.push((name, std::path::PathBuf::from(path), node.arg_span(0)));
        }
        out
    }

    /// The directories nginx makes at start for its caches and temporary files
    /// (`fastcgi_cache_path`, `proxy_temp_path`, ...): (directive, absolute path, span of
    /// the path). nginx makes the last component only.
    pub fn nginx_made_dirs(&self) -> Vec<(&'static str, std::path::PathBuf, Span)> {
        const MADE: &[&str] = &[
            "fastcgi_cache_path",
            "proxy_cache_path",
            "uwsgi_cache_path",
            "scgi_cache_path",
            "client_body_temp_path",
            "fastcgi_temp_path",
            "proxy_temp_path",
            "uwsgi_temp_path",
            "scgi_temp_path",
        ];
        let mut out = Vec::new();
        for tree in self.syntax {
            for name in MADE {
                for node in tree.nodes_named(name) {
                    if node.arg_count() == 0 {
                        continue;
                    }
                    let path = node.arg(0).trim_end_matches('/');
                    if !path.starts_with('/') || path.contains('$') || path.is_empty() {
                        continue;
                    }
                    out.push((*name, std::path::PathBuf::from(path), node.arg_span(0)));
                }
            }
        }
        out
    }

    /// The temporary directories of the nginx build on the disk (under `--root`), for the
    /// directives that are not set: `[client_body_temp_path, fastcgi_temp_path]` of the
    /// first packaged layout whose directories exist there (Debian's `/var/lib/nginx/body`,
    /// Red Hat's and Alpine's `/var/lib/nginx/tmp/client_body`, nginx.org's
    /// `/var/cache/nginx/client_temp`, older Alpine's `/var/tmp/nginx/client_body`).
    /// `None` when none does: the build's own defaults are not known.
    pub fn default_temp_dirs(&self) -> Option<[&'static str; 2]> {
        DEFAULT_TEMP_DIRS.iter().copied().find(|family| {
            family.iter().any(|d| {
                matches!(
                    self.filesystem.get(std::path::Path::new(d)),
                    filesystem::Probe::Present(f) if f.is_dir
                )
            })
        })
    }

    /// Every path a rule may ask the filesystem about: pool log and work directories,
    /// and the document roots of PHP locations.
    pub fn paths_of_interest(&self) -> Vec<std::path::PathBuf> {
        let mut paths = Vec::new();
        for fpm in &self.fpm {
            if let Some(e) = fpm.global("error_log") {
                if e.value.trim().starts_with('/') {
                    paths.push(std::path::PathBuf::from(e.value.trim()));
                }
            }
        }
        for (_, file, _) in self.nginx_log_files() {
            paths.push(file);
        }
        for (_, dir, _) in self.nginx_made_dirs() {
            paths.push(dir);
        }
        // The temporary directories packaged builds use when none is set (NGX297).
        for family in DEFAULT_TEMP_DIRS {
            paths.extend(family.iter().map(std::path::PathBuf::from));
        }
        for p in self.pools() {
            for (_, file, _) in p.master_log_files() {
                paths.push(file);
            }
            // The socket's directory (FPM114).
            if let Some((fpm_conf_parser::Listen::Unix(socket), _)) = p.pool.listen() {
                if socket.is_absolute() {
                    paths.push(socket);
                }
            }
            for (_, dir, _) in p.worker_write_dirs() {
                paths.push(dir);
            }
            // The chroot and chdir php-fpm checks at start (FPM115).
            for (dir, _, _) in p.start_directories() {
                paths.push(dir);
            }
        }
        // What a try_files fallback finds when it re-enters its own location (NGX208).
        for (_, server) in self.servers() {
            for location in &server.locations {
                let fallback = location
                    .try_files
                    .as_ref()
                    .and_then(|t| t.args.last())
                    .and_then(|f| f.split('?').next())
                    .and_then(|f| f.split("$is_args").next());
                if let Some(uri) = fallback.filter(|u| u.starts_with('/') && !u.contains('$')) {
                    for path in location.reentry_paths(uri).unwrap_or_default() {
                        let path = path.to_string_lossy().trim_end_matches('/').to_string();
                        paths.push(std::path::PathBuf::from(path));
                    }
                }
            }
        }
        // The index files of each server's root, and its index.php (NGX204: a root that
        // holds a listed index file, or no index.php, is not a PHP site missing one).
        for (_, server) in self.servers() {
            let Some(level) = server.locations.first() else {
                continue;
            };
            let (Some(root), Some(index)) =
                (level.inherited.get("root"), level.inherited.get("index"))
            else {
                continue;
            };
            let root = root.first();
            if root.starts_with('/') && !root.contains('$') {
                let files = index.args.iter().map(String::as_str).chain(["index.php"]);
                for file in files.filter(|f| !f.contains('$') && !f.starts_with('/')) {
                    paths.push(std::path::Path::new(root).join(file));
                }
            }
        }
        // Every directory nginx or a pool looks files up in: the roots (X018, NGX226) and
        // the aliases (NGX226), each once.
        let mut dirs = foldhash::HashSet::default();
        for (_, server) in self.servers() {
            for location in &server.locations {
                let alias = location.alias.as_deref();
                let root = location.inherited.get("root");
                for dir in alias.into_iter().chain(root).map(|s| s.first()) {
                    if !dir.contains('$') && dirs.insert(dir) {
                        paths.push(std::path::PathBuf::from(dir));
                    }
                }
                // Where a prefix location's own root reads its URIs from: the root with
                // the location's path below it (NGX229: a root that already ends with it).
                let path = location.pattern.split_whitespace().last().unwrap_or("");
                let own = root.filter(|r| {
                    r.span.file == location.span.file
                        && r.span.start >= location.span.start
                        && r.span.end <= location.span.end
                });
                if let Some(root) = own.map(|r| r.first()).filter(|r| !r.contains('$')) {
                    if path.len() > 1 && path.starts_with('/') && !path.contains('$') {
                        let below = format!(
                            "{}{}",
                            root.trim_end_matches('/'),
                            path.trim_end_matches('/')
                        );
                        paths.push(std::path::PathBuf::from(below));
                    }
                }
            }
        }
        // The front controller under the root and under a hard-coded SCRIPT_FILENAME
        // directory (NGX293).
        for (_, server) in self.servers() {
            paths.extend(crate::rules::ngx293_script_filename_prefix_not_root::disk_probes(server));
        }
        // The index scripts of `^~` folders (NGX224: a script there is sent as a file).
        for (_, server) in self.servers() {
            paths.extend(crate::rules::ngx224_php_uri_caught_by_static_regex::disk_probes(server));
        }
        // The index script of each aliased folder (NGX210: an alias that holds scripts).
        for (_, server) in self.servers() {
            for location in &server.locations {
                if let Some(alias) = location.alias.as_deref() {
                    paths.extend(
                        crate::rules::ngx210_prefix_root_lost_to_php_regex::alias_index(alias),
                    );
                }
            }
        }
        // The front controller in the PHP location's root, or in its `public/` (NGX243).
        for (_, server) in self.servers() {
            if let Some((own, public)) =
                crate::rules::ngx243_root_is_project_not_public::front_controller_paths(server)
            {
                paths.push(own);
                paths.push(public);
            }
        }
        // The scripts PHP runs before and after every request (X033).
        let prepends = self.pools().flat_map(|p| {
            crate::rules::x033_prepend_file_missing::KEYS
                .iter()
                .filter_map(move |k| p.php_value(k).map(|(v, _)| v.to_string()))
        });
        let sent = self.servers().flat_map(|(_, server)| {
            server.locations.iter().flat_map(|l| {
                l.php_values_sent()
                    .into_iter()
                    .filter(|v| {
                        crate::rules::x033_prepend_file_missing::KEYS.contains(&v.key.as_str())
                    })
                    .map(|v| v.value)
            })
        });
        for value in prepends.chain(sent).collect::<Vec<_>>() {
            if let Some(path) = crate::rules::x033_prepend_file_missing::judged_path(&value) {
                paths.push(path.to_path_buf());
            }
        }
        paths
    }

    /// The configuration `nginx` was built from.
    pub fn tree_of(&self, nginx: &NginxModel) -> Option<&'a nginx_conf_parser::Config> {
        let i = index_in(&self.nginx, nginx)?;
        self.trees.get(i)
    }

    /// True when what sets a name in `nginx`'s configuration may not all be seen: an
    /// include of its tree could not be read (NGX005, NGX002: [`IncludeFindings`]), or the
    /// tree is a file read on its own (its includer, not known, may `set` or `map` it).
    pub fn definitions_partly_unseen(&self, nginx: &NginxModel) -> bool {
        if self.options.nginx_includer_unknown || self.is_lone_snippet(nginx) {
            return true;
        }
        let Some(tree) = self.tree_of(nginx) else {
            return true;
        };
        self.include_findings
            .unresolved
            .iter()
            .any(|&(file, _, _)| tree.file(file).is_some())
    }

    /// The syntax tree `nginx` was built from.
    pub fn syntax_of(&self, nginx: &NginxModel) -> Option<&syntax::Tree<'a>> {
        let i = index_in(&self.nginx, nginx)?;
        self.syntax.get(i)
    }

    /// The `map`/`geo` definitions and top-level `set`s of one of the model's syntax trees.
    pub fn globals(&self, syntax: &syntax::Tree<'_>) -> Option<&value_reach::Globals<'a>> {
        let i = index_in(self.syntax, syntax)?;
        self.globals.get(i)
    }

    /// Gives the model its configurations and their syntax trees (same order as `nginx`).
    pub fn set_trees(
        &mut self,
        trees: &'a [nginx_conf_parser::Config],
        syntax: &'a [syntax::Tree<'a>],
    ) {
        self.trees = trees;
        self.syntax = syntax;
        self.globals = syntax.iter().map(value_reach::Globals::of).collect();
        self.syntax_by_file.clear();
        self.include_findings = IncludeFindings::of(trees);
        if syntax.len() > 1 {
            for (i, tree) in syntax.iter().enumerate() {
                for l in tree.named("location") {
                    let trees = self
                        .syntax_by_file
                        .entry(tree.item(l).span().file)
                        .or_default();
                    if trees.last() != Some(&i) {
                        trees.push(i);
                    }
                }
            }
        }
    }

    /// The syntax trees that can hold a `location` written at `span` (for
    /// [`syntax::Tree::locations_at`]): every tree when there is one, else the trees
    /// with a location in its file.
    pub fn syntax_at(&self, span: Span) -> impl Iterator<Item = &syntax::Tree<'a>> + '_ {
        let few = (self.syntax.len() <= 1).then_some(self.syntax.iter());
        let indexed = (self.syntax.len() > 1).then(|| {
            self.syntax_by_file
                .get(&span.file)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.syntax.get(i))
        });
        few.into_iter()
            .flatten()
            .chain(indexed.into_iter().flatten())
    }

    /// True when `nginx` is a file read on its own (a site file or a snippet in the
    /// wrapper the context reading gives it): the nginx.conf that includes it, and what
    /// that sets (`user`, `worker_*`), is not part of the reading.
    pub fn is_lone_snippet(&self, nginx: &NginxModel) -> bool {
        let Some(i) = index_in(&self.nginx, nginx) else {
            return false;
        };
        self.trees
            .get(i)
            .and_then(|t| t.root)
            .is_some_and(|root| nginx_conf_parser::context::is_wrapper(&self.map.get(root)))
    }

    /// Every server of every nginx tree with the tree's model.
    pub fn servers(&self) -> impl Iterator<Item = (&NginxModel, &Server)> + '_ {
        self.nginx
            .iter()
            .flat_map(|n| n.servers.iter().map(move |s| (n, &**s)))
    }

    /// Every location with a `fastcgi_pass` that requests end in
    /// ([`Server::fastcgi_locations`]), with the server and tree it is in.
    pub fn fastcgi_locations(
        &self,
    ) -> impl Iterator<Item = (&NginxModel, &Server, &EffectiveLocation)> + '_ {
        self.servers()
            .flat_map(|(n, s)| s.fastcgi_locations().map(move |l| (n, s, l)))
    }

    /// Every host name nginx resolves at start for its backends: each upstream `server`
    /// written as a name (with its upstream's name), and each `fastcgi_pass NAME:PORT`
    /// (`fastcgi_pass NAME;` without a port names an upstream block, not a host).
    pub fn backend_host_names(&self) -> Vec<(&str, Span, Option<&str>)> {
        use address::{NginxTarget, TargetHost};
        let mut out = Vec::new();
        for nginx in &self.nginx {
            for upstream in nginx.upstreams.values() {
                for (target, span) in &upstream.servers {
                    if let NginxTarget::Tcp {
                        host: TargetHost::Name(name),
                        ..
                    } = target
                    {
                        out.push((name.as_str(), *span, Some(upstream.name.as_str())));
                    }
                }
            }
        }
        for (_, _, location) in self.fastcgi_locations() {
            if let Some((
                NginxTarget::Tcp {
                    host: TargetHost::Name(name),
                    port: Some(_),
                },
                span,
            )) = location.fastcgi_pass.as_deref()
            {
                out.push((name.as_str(), *span, None));
            }
        }
        out
    }

    /// The concrete addresses a location's `fastcgi_pass` reaches (through an upstream when it names one).
    pub fn fastcgi_targets<'m>(&self, location: &'m EffectiveLocation) -> &'m [FastcgiTarget] {
        &location.fastcgi_targets
    }

    /// The targets of a location that nginx keeps idle FastCGI connections to, with the
    /// upstream that keeps them: `fastcgi_keep_conn on` in effect and `fastcgi_pass` to an
    /// upstream with `keepalive` (X014: workers that recycle; X035: workers held idle).
    pub fn kept_alive_targets<'m>(
        &self,
        nginx: &'m NginxModel,
        location: &'m EffectiveLocation,
    ) -> impl Iterator<Item = (&'m FastcgiTarget, &'m Upstream)> + 'm {
        let keep = location
            .inherited
            .get("fastcgi_keep_conn")
            .is_some_and(|s| s.first().eq_ignore_ascii_case("on"));
        let targets = if keep && location.fastcgi_pass.is_some() {
            &location.fastcgi_targets[..]
        } else {
            &[]
        };
        targets.iter().filter_map(move |t| {
            let upstream = nginx
                .upstreams
                .get(&t.upstream.as_ref()?.to_ascii_lowercase())?;
            upstream.keepalive.map(|_| (t, upstream))
        })
    }

    /// A target as its `fastcgi_pass` (or upstream `server`) writes it: a socket path
    /// keeps its `/var/run` spelling in messages, while matching reads it as `/run`.
    /// Falls back to the matched form when the written text is not that socket (an
    /// address built from a `set` variable).
    pub fn describe_target(&self, t: &FastcgiTarget) -> String {
        match self.written_socket(t) {
            Some(written) => format!("unix:{written}"),
            None => address::describe(&t.target),
        }
    }

    /// The socket path of a unix target as written, when it reads as the target's path.
    fn written_socket(&self, t: &FastcgiTarget) -> Option<String> {
        let NginxTarget::Unix(path) = &t.target else {
            return None;
        };
        let text = self.map.get(t.span.file).text();
        let raw = text.get(t.span.range())?;
        let raw = std::str::from_utf8(raw)
            .ok()?
            .trim_matches(|c| c == '"' || c == '\'');
        let written = raw.strip_prefix("unix:")?;
        (address::socket_path(std::path::Path::new(written)) == *path).then(|| written.to_string())
    }

    /// A note when nginx and the pool name one socket with two spellings
    /// (`/var/run/php/x.sock` and `/run/php/x.sock`): `/var/run` is a link to `/run`.
    pub fn socket_spelling_note(&self, t: &FastcgiTarget, listen: &Listen) -> Option<String> {
        let Listen::Unix(pool) = listen else {
            return None;
        };
        let written = self.written_socket(t)?;
        let pool_text = pool.to_string_lossy();
        (written != pool_text && address::socket_path(pool) == address::socket_path(std::path::Path::new(&written)))
            .then(|| format!("nginx writes `{written}` and the pool `{pool_text}`: one socket, `/var/run` being a link to `/run` on current distributions"))
    }

    /// A note when the socket path nginx writes is matched under another spelling
    /// (`/var/run/x.sock` is compared as `/run/x.sock`).
    pub fn socket_read_as_note(&self, t: &FastcgiTarget) -> Option<String> {
        let NginxTarget::Unix(path) = &t.target else {
            return None;
        };
        let written = self.written_socket(t)?;
        (std::path::Path::new(&written) != path.as_path()).then(|| {
            format!(
                "`{written}` is compared as `{}`: `/var/run` is a link to `/run` on current distributions",
                path.display()
            )
        })
    }

    /// A finding that `t` reaches no pool, as it is when `t` is one `server` of an
    /// upstream another server of which does reach one: nginx tries the dead server, logs
    /// `connect() failed`, marks it down for `fail_timeout` and passes the request on
    /// (`fastcgi_next_upstream error`, the default), so no request fails (akaunting/docker's
    /// `upstream php { server unix:/tmp/php-fpm.sock; server localhost:9000; }`, live: 200
    /// for every request). A warning then, with no fix that would rewrite the dead server
    /// into a copy of the live one; an error still under `fastcgi_next_upstream off`.
    pub fn with_upstream_fallback(
        &self,
        location: &EffectiveLocation,
        t: &FastcgiTarget,
        mut d: Diagnostic,
    ) -> Diagnostic {
        if t.upstream.is_none() || d.severity < lint_source::Severity::Error {
            return d;
        }
        let retries = location
            .inherited
            .get("fastcgi_next_upstream")
            .is_none_or(|s| s.args.iter().all(|a| a.as_str() != "off"));
        if !retries {
            return d;
        }
        let live = self
            .fastcgi_targets(location)
            .iter()
            .filter(|other| other.upstream == t.upstream && other.span != t.span)
            .find(|other| matches!(self.verdict(&other.target), Verdict::Reached(_)));
        let Some(live) = live else {
            return d;
        };
        d.severity = lint_source::Severity::Warning;
        d.fix = None;
        d.notes.retain(|n| !n.contains("502"));
        d.help = Some(format!(
            "remove this server from upstream \"{}\", or point it at a pool",
            t.upstream.as_deref().unwrap_or_default()
        ));
        d.with_related(live.span, "this server of the upstream reaches a pool")
            .with_note(format!(
                "nginx tries this server, logs \"connect() failed\" and passes the request to {} (fastcgi_next_upstream error): no 502, but the error log fills and the first request after each fail_timeout waits for the failed connect",
                address::describe(&live.target)
            ))
    }

    /// Whether `server` is the block a snippet linted on its own was read inside (a file
    /// of `location`s, "add this to your server block"): the real server around it has
    /// settings and locations this one lacks, so what the server as a whole lacks (a
    /// `root`, the PHP location) or where a URI lands in it is not known.
    pub fn is_synthetic(&self, server: &nginx::Server) -> bool {
        nginx_conf_parser::context::is_wrapper(&self.map.get(server.span.file))
    }

    /// Whether an `include` inside `span` names a file the deployment does not provide
    /// (NGX005): what it would set there (a `fastcgi_param`, a certificate) is unknown.
    pub fn unknown_include_within(&self, span: Span) -> bool {
        self.include_finding_within(span, true)
    }

    /// True when an `include` inside `span` could not be read at all: one the deployment
    /// does not provide (NGX005), or a file that is missing (NGX002). What such a file
    /// would set is not known, so "this block lacks X" is not either.
    pub fn unresolved_include_within(&self, span: Span) -> bool {
        self.include_finding_within(span, false)
    }

    /// True when a glob `include` inside `span` matched no file. nginx accepts that, but
    /// the directory is often one that something else fills: an entrypoint that links
    /// a preset's snippets in at start, a volume, an image built `FROM` this one
    /// (spaceonfire's and webdevops' `include vhost.common.d/*.conf;` over a folder the
    /// build leaves empty). What such a file would add to the block is not known.
    pub fn empty_glob_include_within(&self, span: Span) -> bool {
        self.trees.iter().any(|tree| {
            let Some(file) = tree.file(span.file) else {
                return false;
            };
            // An explicit stack: nesting is bounded by the parser, not by recursion.
            let mut stack: Vec<&[nginx_conf_parser::Directive]> = vec![&file.directives];
            while let Some(level) = stack.pop() {
                // Statements are in file order: skip to the first that ends inside or after
                // `span` (a tree of thousands of servers is not walked once per server).
                let first = level.partition_point(|d| d.span.end <= span.start);
                for d in &level[first..] {
                    if d.span.start >= span.end {
                        break;
                    }
                    if let Some(block) = &d.block {
                        stack.push(&block.directives);
                        continue;
                    }
                    if file.bytes(&d.name) != b"include" || d.args.len() != 1 {
                        continue;
                    }
                    let pattern = file.bytes(&d.args[0]);
                    if pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'['))
                        && tree.included(file, d).is_empty()
                        && !tree
                            .diagnostics
                            .iter()
                            .any(|x| x.primary.as_ref().is_some_and(|p| p.span == d.span))
                    {
                        return true;
                    }
                }
            }
            false
        })
    }

    fn include_finding_within(&self, span: Span, unknown_only: bool) -> bool {
        let found = if unknown_only {
            &self.include_findings.unknown
        } else {
            &self.include_findings.unresolved
        };
        // The first finding of the file at or after `span`'s start, then those that
        // start inside it (one of them ends inside it, unless a finding straddles).
        let from =
            found.partition_point(|&(file, start, _)| (file, start) < (span.file, span.start));
        found[from..]
            .iter()
            .take_while(|&&(file, start, _)| file == span.file && start <= span.end)
            .any(|&(_, _, end)| end <= span.end)
    }

    /// The pools a location's `fastcgi_pass` reaches (all of them, or some of its addresses),
    /// with the concrete target that reaches each.
    pub fn reached_pools<'m>(
        &'m self,
        location: &'m EffectiveLocation,
    ) -> impl Iterator<Item = (&'m FastcgiTarget, PoolRef<'m>)> + 'm {
        self.fastcgi_targets(location)
            .iter()
            .filter_map(move |t| match self.verdict(&t.target) {
                Verdict::Reached(p) | Verdict::Partly(p) => Some((t, p)),
                _ => None,
            })
    }

    /// A cache-purge endpoint (ngx_cache_purge's same-location form, FeministWiki's
    /// `location / { if ($request_method != "PURGE") { return 405; } fastcgi_pass ...;
    /// fastcgi_cache_purge PURGE from 127.0.0.1; }`): the module answers PURGE and the `if`
    /// every other method, so no request reaches php-fpm (NGX201, NGX225).
    pub fn serves_only_cache_purges(&self, location: &EffectiveLocation) -> bool {
        self.syntax_at(location.span).any(|tree| {
            tree.locations_at(location.span)
                .map(|n| tree.node(n))
                .any(|n| {
                    n.children().any(|c| c.is("fastcgi_cache_purge"))
                        && n.children().any(|c| {
                            c.is("if")
                                && c.args().any(|a| a.contains("$request_method"))
                                && c.children().any(|r| r.is("return"))
                        })
                })
        })
    }

    /// Whether the location's pattern says it is written for php-fpm's status or ping
    /// pages (`~ /(status|ping)`, `= /fpm-status`, `~ /fpm/status/(.*)`) and names no PHP
    /// script: `/index.php` does not land there.
    pub fn written_for_status_pages(
        &self,
        server: &nginx::Server,
        location: &EffectiveLocation,
    ) -> bool {
        written_for_status_pages(server, location)
    }

    /// Whether the location serves only its pools' status and ping pages
    /// (`pm.status_path`, `ping.path`): php-fpm answers those itself from SCRIPT_NAME,
    /// without opening a script, once the request has a SCRIPT_FILENAME of any value
    /// (without one: "File not found.", NGX201's; VirtuBox's `location ~ /(status|ping)`,
    /// ddev's `location = /phpstatus` beside a long `fastcgi_read_timeout`).
    /// Every reached pool has one of them landing here, and a PHP script's URI does not.
    pub fn serves_only_status_pages(
        &self,
        server: &nginx::Server,
        location: &EffectiveLocation,
    ) -> bool {
        let here = |uri: &str| {
            server
                .location_for(uri)
                .is_some_and(|l| l.span == location.span)
        };
        let scripts_land_here = || here("/index.php") || here("/app/index.php");
        if !self.has_fpm {
            // No php-fpm side to ask (a copy of /etc with several php versions).
            return written_for_status_pages(server, location);
        }
        // The cheap conditions first: matching a URI against a server's locations runs its
        // regexes, and most PHP locations reach a pool without status or ping page.
        let status_paths: Vec<Vec<&str>> = self
            .reached_pools(location)
            .map(|(_, pool)| {
                ["pm.status_path", "ping.path"]
                    .iter()
                    .filter_map(|key| pool.pool.get(key).map(|e| e.value.trim()))
                    .filter(|path| path.starts_with('/'))
                    .collect()
            })
            .collect();
        // No pool known to answer here (davidhiendl/docker-php-nginx's php-fpm.conf
        // includes `/etc/php/${PHP_VERSION}/fpm/pool.d/*.conf`, a folder not known): as
        // without a php-fpm side, the location's pattern says.
        if status_paths.is_empty() {
            return written_for_status_pages(server, location);
        }
        if status_paths.iter().any(Vec::is_empty) {
            return false;
        }
        !scripts_land_here()
            && status_paths
                .iter()
                .all(|paths| paths.iter().any(|path| here(path)))
    }

    /// Whether a location's FastCGI server may be php-fpm. It is not when `fastcgi_pass`
    /// reaches only unix sockets (directly or through an upstream) that no pool of the tree
    /// creates, and nothing about the location names PHP (the socket path, the location, `try_files`, `fastcgi_split_path_info`,
    /// `fastcgi_index`): fcgiwrap, munin's graph and html servers and Perl handlers
    /// listen on such sockets. A TCP address stays a possible php-fpm (port 9000).
    pub fn may_talk_to_php(&self, location: &EffectiveLocation) -> bool {
        use address::{NginxTarget, TargetHost};
        // Asked for every PHP location by three rules: no lower-cased copy per question.
        let php = |text: &str| {
            text.as_bytes()
                .windows(3)
                .any(|w| w.eq_ignore_ascii_case(b"php"))
        };
        let Some((target, _)) = location.fastcgi_pass.as_deref() else {
            return true;
        };
        // The name written (a socket path, an upstream's name) may say PHP itself.
        let named = match target {
            NginxTarget::Unix(path) => php(&path.to_string_lossy()),
            NginxTarget::Tcp {
                host: TargetHost::Name(name),
                ..
            } => php(name),
            NginxTarget::Variable(text) | NginxTarget::BarePath(text) => php(text),
            NginxTarget::Tcp { .. } => false,
        };
        // Through an upstream: every server of it a unix socket.
        let resolved = self.fastcgi_targets(location);
        let sockets_only = !resolved.is_empty()
            && resolved
                .iter()
                .all(|t| matches!(&t.target, NginxTarget::Unix(p) if !php(&p.to_string_lossy())));
        named
            || !sockets_only
            || php(&location.pattern)
            || [
                location.try_files.as_deref(),
                location.split_path_info.as_deref(),
                location.inherited.get("fastcgi_index"),
            ]
            .into_iter()
            .flatten()
            .any(|s| s.args.iter().any(|a| php(a)))
            || self.reached_pools(location).next().is_some()
    }

    /// The nginx worker user: the `user` directive, else `--nginx-user` (which a copy of `/`
    /// fills with its distribution's build user: Arch's `http`, FreeBSD's `www`), else nginx's
    /// built-in `nobody`. The bool says whether it was stated (directive, option or the
    /// distribution's build) rather than assumed.
    pub fn nginx_user(&self, nginx: &NginxModel) -> (String, Option<String>, Option<Span>, bool) {
        // A master that is not root cannot switch users: `user` is ignored.
        if let Some(user) = self
            .options
            .nginx_runs_as
            .as_ref()
            .filter(|u| *u != "root" && *u != "0")
        {
            return (user.clone(), None, None, true);
        }
        if let Some((user, group, span)) = &nginx.user {
            return (user.clone(), group.clone(), Some(*span), true);
        }
        if let Some(user) = &self.options.nginx_user {
            return (user.clone(), None, None, true);
        }
        ("nobody".to_string(), None, None, false)
    }
}

/// Debian's `/run/php/php-fpm.sock`: an alternatives link that php-common's
/// php-fpm-socket-helper points at the socket of `/etc/php/X/fpm/pool.d/www.conf` (the
/// highest version's priority wins; each installed version registers its own). A site
/// that names it reaches the `[www]` pool of a Debian tree when that pool is on a socket.
/// How many symbolic links [`Model::verdict`] follows from a socket path (Linux's own
/// limit for one path is 40; real setups use one).
const MAX_SOCKET_LINKS: usize = 8;

fn debian_socket_alternative<'m>(
    model: &'m Model<'_>,
    target: &NginxTarget,
) -> Option<PoolRef<'m>> {
    let NginxTarget::Unix(path) = target else {
        return None;
    };
    if path != std::path::Path::new("/run/php/php-fpm.sock") {
        return None;
    }
    let mut best: Option<(String, PoolRef<'m>)> = None;
    for p in model.pools() {
        let Some((Listen::Unix(_), entry)) = p.pool.listen() else {
            continue;
        };
        let file = model.map.get(entry.value_span.file).path.clone();
        let text = file.to_string_lossy();
        let Some(rest) = text.strip_prefix("/etc/php/") else {
            continue;
        };
        if !text.ends_with("/fpm/pool.d/www.conf") || !p.pool.name.eq_ignore_ascii_case("www") {
            continue;
        }
        let version = rest.split('/').next().unwrap_or("").to_string();
        if best
            .as_ref()
            .is_none_or(|(v, _)| version_key(&version) > version_key(v))
        {
            best = Some((version, p));
        }
    }
    best.map(|(_, p)| p)
}

fn version_key(v: &str) -> Vec<u32> {
    v.split('.').filter_map(|x| x.parse().ok()).collect()
}

/// The concrete addresses a location's `fastcgi_pass` reaches (through an upstream when
/// it names one): what [`Model::fastcgi_targets`] answers, computed once per location
/// when the tree's model is built.
pub(crate) fn resolve_pass(nginx: &NginxModel, location: &EffectiveLocation) -> Vec<FastcgiTarget> {
    let Some((target, span)) = location.fastcgi_pass.as_deref() else {
        return Vec::new();
    };
    // `set $php "8.4"; fastcgi_pass unix:/run/php/php$php-fpm.sock;` (LEMPer): a
    // variable `set` gives one literal value, never inside an `if`, is that value.
    if let NginxTarget::Variable(raw) = target {
        let conditional = variables::variables(raw)
            .iter()
            .any(|v| nginx.set_conditionally.contains(v.as_str()));
        let (text, whole) = variables::substitute(raw, &nginx.set_values);
        if whole && !conditional {
            let literal = address::parse_nginx_target(&text, false);
            if !matches!(literal, NginxTarget::Variable(_)) {
                return resolve(nginx, &literal, *span);
            }
        }
    }
    resolve(nginx, target, *span)
}

/// Expands a pass target through upstream blocks.
pub fn resolve(nginx: &NginxModel, target: &NginxTarget, span: Span) -> Vec<FastcgiTarget> {
    if let NginxTarget::Tcp {
        host: TargetHost::Name(name),
        port: None,
    } = target
    {
        if let Some(up) = nginx.upstreams.get(name) {
            return up
                .servers
                .iter()
                .map(|(t, s)| {
                    // An upstream server without a port means port 80.
                    let t = match t {
                        NginxTarget::Tcp { host, port: None } => NginxTarget::Tcp {
                            host: host.clone(),
                            port: Some(80),
                        },
                        other => other.clone(),
                    };
                    FastcgiTarget {
                        target: t,
                        span: *s,
                        pass_span: span,
                        upstream: Some(up.name.clone()),
                    }
                })
                .collect();
        }
    }
    vec![FastcgiTarget {
        target: target.clone(),
        span,
        pass_span: span,
        upstream: None,
    }]
}

/// What a `fastcgi_pass` target meets on the php-fpm side.
#[derive(Clone, Debug)]
pub enum Verdict<'a> {
    /// A pool listens there.
    Reached(PoolRef<'a>),
    /// Only some of the target's addresses reach a pool (`localhost` vs 127.0.0.1).
    Partly(PoolRef<'a>),
    /// No pool listens there. `nearest` is the most similar pool address of the same
    /// transport; `other_transport` a pool on the other transport (unix vs TCP).
    Missing {
        /// Most similar pool of the same transport.
        nearest: Option<PoolRef<'a>>,
        /// A pool listening on the other transport.
        other_transport: Option<PoolRef<'a>>,
    },
    /// Cannot be decided from the files (a variable, a remote host, no php-fpm tree).
    Unknown,
    /// nginx and php-fpm run in different containers and this address does not cross.
    Across(Crossing<'a>),
}

/// Why an address does not reach php-fpm's container from nginx's.
#[derive(Clone, Copy, Debug)]
pub enum Crossing<'a> {
    /// nginx's own loopback (`127.0.0.1`, `localhost`, `[::1]`): php-fpm is elsewhere.
    Loopback {
        /// A pool on that port in php-fpm's container (what nginx meant).
        pool: Option<PoolRef<'a>>,
    },
    /// The name reaches php-fpm's container, but no pool listens on that port there.
    WrongPort {
        /// The pool listening on another port.
        nearest: Option<PoolRef<'a>>,
        /// The Kubernetes Service the name is, and the pod's port it forwards the
        /// written port to (`None`: the Service has no such port at all).
        service: Option<(&'a crate::options::ServicePorts, Option<u16>)>,
    },
    /// A pool listens on that port, but only on its container's loopback (or a socket).
    PoolOnLoopback(PoolRef<'a>),
    /// A unix socket in a directory the two containers do not share.
    SocketNotShared {
        /// The pool that creates that socket in its own container.
        pool: Option<PoolRef<'a>>,
        /// A shared volume holds nginx's path, mounted at another path in php-fpm's
        /// container: the pool's socket at nginx's path is outside it.
        shared_elsewhere: bool,
    },
}

impl<'a> Model<'a> {
    /// Classifies a target against every pool.
    pub fn verdict(&self, target: &NginxTarget) -> Verdict<'_> {
        use address::{reaches, Reach};
        if !self.has_fpm {
            return Verdict::Unknown;
        }
        if matches!(target, NginxTarget::Variable(_)) {
            return Verdict::Unknown;
        }
        if let Some(v) = self.across(target) {
            return v;
        }
        let mut partly = None;
        for &i in self.candidates(target) {
            let Some((p, listen)) = self.pool_at(i) else {
                continue;
            };
            match reaches(target, listen) {
                Reach::Yes => return Verdict::Reached(p),
                Reach::Partly => partly = Some(p),
                Reach::No => {}
            }
        }
        if let Some(p) = debian_socket_alternative(self, target) {
            return Verdict::Reached(p);
        }
        if let Some(p) = self
            .through_symlink(target)
            .or_else(|| self.through_linked_directory(target))
        {
            return Verdict::Reached(p);
        }
        if let Some(p) = partly {
            return Verdict::Partly(p);
        }
        if !address::is_local(target) && !matches!(target, NginxTarget::BarePath(_)) {
            // A remote host: a pool of this tree may run elsewhere. Only a port-only pool on
            // the same port counts as evidence either way, and `reaches` already accepted it.
            return Verdict::Unknown;
        }
        if self.options.site_not_known_enabled {
            return Verdict::Unknown;
        }
        // A pool file php-fpm reads that is not known here (a `{{NAME}}` template a start
        // script renders, a volume's content): its pool may listen there (cachethq/docker's
        // www.conf, rendered with sed at start, listens on 127.0.0.1:9000).
        if self.fpm.iter().any(|f| f.incomplete) {
            return Verdict::Unknown;
        }
        self.missing(target)
    }

    /// The pool a socket path reaches through symbolic links on the disk the
    /// configuration runs on (`--root`, or this machine's own trees): Valet's
    /// `valet.sock -> valet83.sock`, ddev's `/run/php-fpm.sock -> /run/php/php-fpm.sock`;
    /// `connect()` follows them. At most [`MAX_SOCKET_LINKS`] links (a loop ends there).
    fn through_symlink(&self, target: &NginxTarget) -> Option<PoolRef<'_>> {
        let NginxTarget::Unix(path) = target else {
            return None;
        };
        let root = self.options.disk_root.as_deref();
        if root.is_none() && self.options.symlinks.is_empty() {
            return None;
        }
        let mut current = path.clone();
        for _ in 0..MAX_SOCKET_LINKS {
            // A link a build step made (a Dockerfile's `RUN ln -s`), else one on the disk.
            let made = self
                .options
                .symlinks
                .iter()
                .rev()
                .find(|(link, _)| address::socket_path(link) == address::socket_path(&current))
                .map(|(_, target)| target.clone());
            let link = match made {
                Some(target) => target,
                None => {
                    let on_disk = root?.join(current.strip_prefix("/").unwrap_or(&current));
                    std::fs::read_link(&on_disk).ok()?
                }
            };
            // A relative link is read from the link's own folder, inside the root.
            current = if link.is_absolute() {
                link
            } else {
                current
                    .parent()
                    .unwrap_or(std::path::Path::new("/"))
                    .join(link)
            };
            let next = NginxTarget::Unix(address::socket_path(&current));
            for &i in self.candidates(&next) {
                if let Some((p, listen)) = self.pool_at(i) {
                    if address::reaches(&next, listen) == address::Reach::Yes {
                        return Some(p);
                    }
                }
            }
        }
        None
    }

    /// The pool whose socket a path reaches once the symbolic links among the
    /// directories of both paths are followed on the disk (`--root`): nginx's
    /// `/srv/app/varrun/php-fpm.sock` with `varrun -> run` is the pool's
    /// `/srv/app/run/php-fpm.sock` (checked live: 200). Without a disk nothing is read.
    fn through_linked_directory(&self, target: &NginxTarget) -> Option<PoolRef<'_>> {
        let NginxTarget::Unix(path) = target else {
            return None;
        };
        let root = self.options.disk_root.as_deref()?;
        let physical = |p: &std::path::Path| {
            filesystem::resolve_in_root(root, p, MAX_SOCKET_LINKS).map(|p| address::socket_path(&p))
        };
        let wanted = physical(path)?;
        self.pools().find(|p| {
            matches!(p.pool.listen(), Some((Listen::Unix(socket), _))
                if socket.is_absolute() && physical(&socket).as_ref() == Some(&wanted))
        })
    }

    /// The pools some `fastcgi_pass` reaches.
    pub fn used_pools(&self) -> &foldhash::HashSet<Span> {
        self.used_pools.get_or_init(|| {
            let mut used = foldhash::HashSet::default();
            for (_, _, location) in self.fastcgi_locations() {
                for t in self.fastcgi_targets(location) {
                    // Only the index lookup: `missing` (which asks for this set) is not
                    // reached from here.
                    if let Some(p) = self.reached_by_index(&t.target) {
                        used.insert(p.pool.name_span);
                    }
                }
            }
            used
        })
    }

    /// Index entries of pools on the target's socket path or port.
    fn candidates(&self, target: &NginxTarget) -> &[usize] {
        match target {
            NginxTarget::Unix(path) => self
                .index
                .by_unix
                .get(path_bytes(path))
                .map_or(&[], Vec::as_slice),
            NginxTarget::Tcp {
                port: Some(port), ..
            } => self.index.by_port.get(port).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }

    /// A pool that listens exactly (or partly) on the target, by the index alone.
    fn reached_by_index(&self, target: &NginxTarget) -> Option<PoolRef<'_>> {
        use address::{reaches, Reach};
        self.candidates(target).iter().find_map(|&i| {
            let (p, listen) = self.pool_at(i)?;
            (reaches(target, listen) != Reach::No).then_some(p)
        })
    }

    /// The verdict across containers, when nginx and php-fpm run in different ones.
    fn across(&self, target: &NginxTarget) -> Option<Verdict<'_>> {
        let network = &self.options.network;
        let tcp_pool = |port: &u32, any_only: bool| {
            self.index
                .by_port
                .get(port)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.pool_at(i))
                .find(|(_, l)| {
                    !any_only
                        || match l {
                            Listen::Tcp { host, .. } => match host {
                                fpm_conf_parser::ListenHost::Any => true,
                                // Its own service name (`listen = app:9000` in service
                                // `app`): php-fpm binds what the name resolves to there,
                                // the container's address on the network, which is what
                                // nginx connects to.
                                fpm_conf_parser::ListenHost::Name(n) => network.is_fpm_name(n),
                                _ => false,
                            },
                            Listen::Unix(_) => false,
                        }
                })
                .map(|(p, _)| p)
        };
        match target {
            NginxTarget::Unix(path) if network.separate_filesystems => {
                let same_path_pool = self
                    .index
                    .by_unix
                    .get(path_bytes(path))
                    .and_then(|v| v.first())
                    .and_then(|&i| self.pool_at(i))
                    .map(|(p, _)| p);
                match network.fpm_path(path) {
                    None => Some(Verdict::Across(Crossing::SocketNotShared {
                        pool: same_path_pool,
                        shared_elsewhere: false,
                    })),
                    Some(fpm_path) => {
                        let fpm_path = address::socket_path(&fpm_path);
                        let reached = self
                            .index
                            .by_unix
                            .get(path_bytes(&fpm_path))
                            .and_then(|v| v.first())
                            .and_then(|&i| self.pool_at(i))
                            .map(|(p, _)| p);
                        match (reached, same_path_pool) {
                            (Some(p), _) => Some(Verdict::Reached(p)),
                            // The volume is shared, but mounted elsewhere in php-fpm's
                            // container: the pool's socket at nginx's path is php-fpm's
                            // own file, not the volume's.
                            (None, Some(pool)) if fpm_path != address::socket_path(path) => {
                                Some(Verdict::Across(Crossing::SocketNotShared {
                                    pool: Some(pool),
                                    shared_elsewhere: true,
                                }))
                            }
                            (None, _) => None,
                        }
                    }
                }
            }
            NginxTarget::Tcp {
                host,
                port: Some(port),
            } if !network.shared_loopback => {
                let name = match host {
                    address::TargetHost::Name(n) => Some(n.as_str()),
                    address::TargetHost::Ip(_) => None,
                };
                if address::is_local(target) {
                    return Some(Verdict::Across(Crossing::Loopback {
                        pool: tcp_pool(port, false),
                    }));
                }
                let name = name?;
                if !network.is_fpm_name(name) {
                    return None;
                }
                // A Kubernetes Service forwards its `port` to the pod's `targetPort`.
                let (port, service) = match u16::try_from(*port)
                    .map(|p| network.through_service(name, p))
                    .unwrap_or(crate::options::PortRoute::Direct)
                {
                    crate::options::PortRoute::Direct => (*port, None),
                    crate::options::PortRoute::To(s, target) => {
                        (u32::from(target), Some((s, Some(target))))
                    }
                    crate::options::PortRoute::Unresolved => return None,
                    crate::options::PortRoute::Absent(s) => {
                        return Some(Verdict::Across(Crossing::WrongPort {
                            nearest: self
                                .pools()
                                .find(|p| matches!(p.pool.listen(), Some((Listen::Tcp { .. }, _)))),
                            service: Some((s, None)),
                        }))
                    }
                };
                let port = &port;
                if let Some(p) = tcp_pool(port, true) {
                    return Some(Verdict::Reached(p));
                }
                if let Some(p) = tcp_pool(port, false) {
                    return Some(Verdict::Across(Crossing::PoolOnLoopback(p)));
                }
                let nearest = self
                    .pools()
                    .find(|p| matches!(p.pool.listen(), Some((Listen::Tcp { .. }, _))));
                match nearest.or_else(|| self.pools().next()) {
                    // A pool on a socket only is as unreachable over the network.
                    Some(p) if matches!(p.pool.listen(), Some((Listen::Unix(_), _))) => {
                        Some(Verdict::Across(Crossing::PoolOnLoopback(p)))
                    }
                    other => Some(Verdict::Across(Crossing::WrongPort {
                        nearest: other,
                        service,
                    })),
                }
            }
            _ => None,
        }
    }

    /// No pool listens on `target`: the most similar pool of the same transport, and one
    /// of the other transport, for the message.
    fn missing(&self, target: &NginxTarget) -> Verdict<'_> {
        let text = address::describe(target);
        let mut nearest: Option<((bool, usize), PoolRef<'_>)> = None;
        let mut other = None;
        for p in self.pools() {
            let Some((listen, _)) = p.pool.listen() else {
                continue;
            };
            let same = matches!(
                (target, &listen),
                (NginxTarget::Unix(_), Listen::Unix(_))
                    | (NginxTarget::Tcp { .. }, Listen::Tcp { .. })
            );
            if same {
                // An unused pool is the better suggestion: the one a location already
                // reaches is probably not the one this location meant.
                let used = self.used_pools().contains(&p.pool.name_span);
                let d = (
                    used,
                    strsim::levenshtein(&text, &address::describe_listen(&listen)),
                );
                if nearest.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    nearest = Some((d, p));
                }
            } else if other.is_none() {
                other = Some(p);
            }
        }
        Verdict::Missing {
            nearest: nearest.map(|(_, p)| p),
            other_transport: other,
        }
    }
}

/// See [`Model::written_for_status_pages`].
fn written_for_status_pages(server: &nginx::Server, location: &EffectiveLocation) -> bool {
    let p = location.pattern.to_ascii_lowercase();
    (p.contains("status") || p.contains("ping"))
        && !p.contains(".php")
        && ["/index.php", "/app/index.php"].iter().all(|uri| {
            server
                .location_for(uri)
                .is_none_or(|l| l.span != location.span)
        })
}

/// The compiled-in `client_body_temp_path` and `fastcgi_temp_path` of packaged nginx
/// builds, in the order [`Model::default_temp_dirs`] tries them.
const DEFAULT_TEMP_DIRS: &[[&str; 2]] = &[
    ["/var/lib/nginx/body", "/var/lib/nginx/fastcgi"],
    [
        "/var/lib/nginx/tmp/client_body",
        "/var/lib/nginx/tmp/fastcgi",
    ],
    [
        "/var/cache/nginx/client_temp",
        "/var/cache/nginx/fastcgi_temp",
    ],
    ["/var/tmp/nginx/client_body", "/var/tmp/nginx/fastcgi"],
];

#[cfg(test)]
mod tests {
    use super::index_in;

    #[test]
    fn an_item_is_found_by_its_address_not_its_value() {
        let items = vec![7u64, 7, 9];
        for (i, item) in items.iter().enumerate() {
            assert_eq!(index_in(&items, item), Some(i));
        }
        let other = [7u64];
        assert_eq!(index_in(&items, &other[0]), None);
        assert_eq!(index_in(&items[1..], &items[0]), None);
        assert_eq!(index_in(&items[1..], &items[2]), Some(1));
    }
}
