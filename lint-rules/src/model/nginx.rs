//! The effective nginx configuration: servers with their listens and names,
//! locations with the settings they inherit (http → server → location),
//! upstream blocks, the worker user.

use foldhash::HashMap;
use std::borrow::Cow;
use std::sync::Arc;

use lint_source::Span;
use nginx_conf_parser::{Config, Item};

use super::address::{parse_nginx_target, NginxTarget};
use super::listen_groups::{self, ListenGroup};

/// A directive value as it applies somewhere, with the place it was set.
#[derive(Clone, Debug)]
pub struct Setting {
    /// The arguments.
    pub args: Arc<[String]>,
    /// Where it was written.
    pub span: Span,
}

impl Setting {
    /// The first argument (empty string when none).
    pub fn first(&self) -> &str {
        self.args.first().map_or("", String::as_str)
    }
}

/// One `fastcgi_param NAME VALUE`.
#[derive(Clone, Debug)]
pub struct FastcgiParam {
    /// Parameter name.
    pub name: String,
    /// Value (with variables unexpanded).
    pub value: String,
    /// `if_not_empty`: sent only when the value is not empty.
    pub if_not_empty: bool,
    /// Where it was written.
    pub span: Span,
}

/// Where a location's `fastcgi_param` list comes from.
#[derive(Clone, Debug)]
pub struct ParamList {
    /// The effective parameters. Each is shared by every list that has its statement
    /// (the ~20 of an included `fastcgi.conf` are written once for the whole tree).
    pub params: Arc<Vec<Arc<FastcgiParam>>>,
    /// The block level that defined them (`None` = inherited unchanged from http).
    pub defined_at: Option<Span>,
    /// Parameters of outer levels that this level's list dropped (the array reset).
    pub dropped: Arc<Vec<Arc<FastcgiParam>>>,
}

impl ParamList {
    /// The parameter `name` as php-fpm sees it: nginx sends every duplicate, and php-fpm's
    /// FastCGI parser keeps the last value sent under a name (`fcgi_hash_set` overwrites),
    /// so `include fastcgi.conf; fastcgi_param SCRIPT_FILENAME $request_filename;` runs
    /// the second one.
    pub fn get(&self, name: &str) -> Option<&FastcgiParam> {
        self.params
            .iter()
            .rev()
            .find(|p| p.name == name)
            .map(|p| &**p)
    }
}

/// Settings inherited down the tree. Only what the rules read is tracked.
#[derive(Clone, Debug, Default)]
pub struct Inherited {
    /// The settings written at this level and above, innermost first: each level that
    /// sets something adds a link to its parent's chain instead of copying a map of
    /// them all (75 000 locations of a 5 000-site tree held 15 000 copies).
    values: Option<Arc<Written>>,
    /// The effective `fastcgi_param` list.
    pub params: Option<ParamList>,
    /// The effective `error_page` list: the nearest level that has any (nginx does not merge them).
    pub error_pages: Arc<Vec<Setting>>,
}

/// Directives that inherit from outer blocks and that rules read.
const INHERITED: &[&str] = &[
    "fastcgi_read_timeout",
    "fastcgi_send_timeout",
    "fastcgi_connect_timeout",
    "fastcgi_buffer_size",
    "fastcgi_buffers",
    "fastcgi_busy_buffers_size",
    "fastcgi_keep_conn",
    "fastcgi_intercept_errors",
    // `off`: a dead upstream server is not skipped (`Model::with_upstream_fallback`).
    "fastcgi_next_upstream",
    "recursive_error_pages",
    "fastcgi_index",
    "proxy_read_timeout",
    "proxy_connect_timeout",
    "proxy_send_timeout",
    // Written for PHP's headers, it sizes proxy_pass's buffer only (NGX232).
    "proxy_buffer_size",
    "root",
    "index",
    "resolver",
    // `ssl on;` (nginx up to 1.25.0): every listen of the server speaks TLS.
    "ssl",
    // The request bodies a PHP location lets through to the pool (X030).
    "client_max_body_size",
    // `on` without `from=`: no file under a root reached through a link opens (NGX241).
    "disable_symlinks",
    // `0` is a timer of zero, not "no limit": the request is dropped (NGX299).
    "client_header_timeout",
    "client_body_timeout",
    // Where request bodies and FastCGI responses are buffered on disk (NGX297).
    "client_body_temp_path",
    "fastcgi_temp_path",
];

/// One inherited directive written at some level, and what the levels above wrote.
#[derive(Debug)]
struct Written {
    /// Its place in [`INHERITED`].
    key: u8,
    setting: Setting,
    outer: Option<Arc<Written>>,
}

impl Inherited {
    /// The effective `fastcgi_param` of this name (the last one of the list in effect).
    pub fn param(&self, name: &str) -> Option<&FastcgiParam> {
        self.params.as_ref().and_then(|p| p.get(name))
    }

    /// The effective value of an inherited directive.
    pub fn get(&self, name: &str) -> Option<&Setting> {
        let key = INHERITED.iter().position(|k| *k == name)?;
        let mut link = self.values.as_deref();
        while let Some(written) = link {
            if usize::from(written.key) == key {
                return Some(&written.setting);
            }
            link = written.outer.as_deref();
        }
        None
    }

    /// Sets directive number `key` of [`INHERITED`] at this level.
    fn set(&mut self, key: usize, setting: Setting) {
        // INHERITED has fewer than 256 names (a const assertion below).
        let key = key as u8;
        let mut outer = self.values.take();
        // A block that writes one directive many times (or many levels that each write
        // it) would make the chain, and every lookup, long: past twice the number of
        // names it is rebuilt with the nearest link of each name only.
        let mut length = 0;
        let mut link = outer.as_deref();
        while let Some(written) = link {
            length += 1;
            link = written.outer.as_deref();
        }
        if length >= 2 * INHERITED.len() {
            let mut nearest: Vec<(u8, Setting)> = Vec::new();
            let mut link = outer.as_deref();
            while let Some(written) = link {
                if written.key != key && nearest.iter().all(|(k, _)| *k != written.key) {
                    nearest.push((written.key, written.setting.clone()));
                }
                link = written.outer.as_deref();
            }
            outer = nearest
                .into_iter()
                .rev()
                .fold(None, |outer, (key, setting)| {
                    Some(Arc::new(Written {
                        key,
                        setting,
                        outer,
                    }))
                });
        }
        self.values = Some(Arc::new(Written {
            key,
            setting,
            outer,
        }));
    }
}

const _: () = assert!(INHERITED.len() < 256);

/// A PHP setting a location sends to php-fpm in `PHP_VALUE` or `PHP_ADMIN_VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentPhpValue {
    /// The ini name (`open_basedir`).
    pub key: String,
    /// The value as sent.
    pub value: String,
    /// The `fastcgi_param` statement.
    pub span: Span,
    /// Sent in `PHP_ADMIN_VALUE`.
    pub admin: bool,
}

/// A `listen` of a server.
#[derive(Clone, Debug)]
pub struct NginxListen {
    /// The address part as written (`80`, `127.0.0.1:8080`, `[::]:443`, `unix:/x`).
    pub address: String,
    /// The port, when TCP.
    pub port: Option<u32>,
    /// The host part (`*` for all interfaces).
    pub host: String,
    /// `default_server` given.
    pub default_server: bool,
    /// `ssl` given.
    pub ssl: bool,
    /// `http2` given (the listen parameter, not the 1.25.1 directive).
    pub http2: bool,
    /// `quic` given (a UDP socket for HTTP/3).
    pub quic: bool,
    /// `proxy_protocol` given.
    pub proxy_protocol: bool,
    /// `ipv6only=on|off` when given.
    pub ipv6only: Option<bool>,
    /// Where.
    pub span: Span,
    /// The `listen` word (the `server` word for the implicit listen).
    pub keyword: Span,
    /// False for the implicit `listen *:80` of a server without `listen`.
    pub explicit: bool,
}

/// A location (or the server level itself, for requests no location matches).
#[derive(Clone, Debug)]
pub struct EffectiveLocation {
    /// The `location` statement (the `server` statement for the server level).
    pub span: Span,
    /// The modifier and URI as written (`~ \.php$`), empty for the server level.
    pub pattern: String,
    /// Settings in effect here.
    pub inherited: Inherited,
    /// `fastcgi_pass` in this location (or its `if` blocks). Boxed: most locations have
    /// none, and inline it made every location 48 bytes larger.
    pub fastcgi_pass: Option<Box<(NginxTarget, Span)>>,
    /// `proxy_pass`, `uwsgi_pass`, `grpc_pass`, `scgi_pass` here: (directive, target, span).
    /// Exactly sized (boxed slices here: 8 bytes less each than a `Vec`, 85 000 rows).
    pub other_pass: Box<[(String, NginxTarget, Span)]>,
    /// `alias` in this location.
    pub alias: Option<Box<Setting>>,
    /// `try_files` in this location.
    pub try_files: Option<Box<Setting>>,
    /// `fastcgi_split_path_info` here.
    pub split_path_info: Option<Box<Setting>>,
    /// An `if (!-f ...)` / `if (-f ...)` test in this location.
    pub has_exists_check: bool,
    /// The location this one is written in, as an index into its server's `locations`
    /// (`None` at the server's own level): recorded while the blocks are read, so that a
    /// location nested through an `include` of another file is known as nested too.
    /// Sixteen bits, which fit beside `has_exists_check` (the 184-byte budget): past
    /// 65 535 locations in one server, nesting is not recorded (they match as top-level).
    pub parent: Option<std::num::NonZeroU16>,
    /// The `return` written at this level (not in an `if`).
    pub early_return: Option<Box<Setting>>,
    /// A `rewrite` at this level (not in an `if`) that redirects every URI
    /// (`rewrite ^(.*) https://$host$1 permanent;`): like a `return 301`.
    pub redirects_all: Option<Box<Setting>>,
    /// `error_page` statements written at this level, in order.
    pub error_pages: Box<[Setting]>,
    /// The addresses `fastcgi_pass` reaches (through an upstream when it names one),
    /// resolved once when the model is built: some twenty rules ask for every location.
    pub fastcgi_targets: Box<[super::FastcgiTarget]>,
}

impl EffectiveLocation {
    /// Where requests of this location are passed to php-fpm: the `fastcgi_pass` address,
    /// else the location itself (a related label of the findings about PHP requests).
    pub fn pass_span(&self) -> Span {
        self.fastcgi_pass.as_deref().map_or(self.span, |(_, s)| *s)
    }

    /// True when the static handler answers here: no `fastcgi_pass` or other pass, no
    /// `return` and no redirect of every URI. What `try_files` finds is then sent as a
    /// file (NGX213, NGX222, NGX224).
    pub fn serves_files(&self) -> bool {
        self.fastcgi_pass.is_none()
            && self.other_pass.is_empty()
            && self.early_return.is_none()
            && self.redirects_all.is_none()
    }

    /// When a `try_files` fallback re-enters this location with `uri` (NGX208): the
    /// files the second pass tries, under the location's root; `None` when an argument
    /// has variables other than `$uri` or the root is not a fixed path.
    pub fn reentry_paths(&self, uri: &str) -> Option<Vec<std::path::PathBuf>> {
        let location = self;
        let try_files = location.try_files.as_ref()?;
        if location.alias.is_some() {
            return None;
        }
        let root = location.inherited.get("root").map_or("html", |r| r.first());
        if root.contains('$') || !root.starts_with('/') {
            return None;
        }
        let (_, tried) = try_files.args.split_last()?;
        tried
            .iter()
            .map(|arg| {
                let path = arg.replace("$uri", uri);
                (!path.contains('$')).then(|| std::path::PathBuf::from(format!("{root}{path}")))
            })
            .collect()
    }
}

impl EffectiveLocation {
    /// A location with nothing set yet.
    fn new(span: Span, pattern: String) -> Self {
        EffectiveLocation {
            span,
            pattern,
            inherited: Inherited::default(),
            fastcgi_pass: None,
            other_pass: Box::default(),
            alias: None,
            try_files: None,
            split_path_info: None,
            has_exists_check: false,
            parent: None,
            early_return: None,
            redirects_all: None,
            error_pages: Box::default(),
            fastcgi_targets: Box::default(),
        }
    }

    /// A PHP setting this location sends in `PHP_VALUE` or `PHP_ADMIN_VALUE` (one
    /// `name=value` per line): its value, the param's span, and whether it is the admin
    /// one; the last wins.
    pub fn php_value_sent(&self, key: &str) -> Option<(String, Span, bool)> {
        self.php_values_sent()
            .into_iter()
            .rev()
            .find(|sent| sent.key == key)
            .map(|sent| (sent.value, sent.span, sent.admin))
    }

    /// Every PHP setting this location sends in `PHP_VALUE` or `PHP_ADMIN_VALUE` (one
    /// `name=value` per line, `\n` written or real), in order.
    pub fn php_values_sent(&self) -> Vec<SentPhpValue> {
        let Some(params) = self.inherited.params.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for param in params.params.iter() {
            let admin = param.name == "PHP_ADMIN_VALUE";
            if !admin && param.name != "PHP_VALUE" {
                continue;
            }
            for line in param.value.split('\n').flat_map(|l| l.split("\\n")) {
                let Some((name, value)) = line.split_once('=') else {
                    continue;
                };
                let key = name.trim();
                if key.is_empty() {
                    continue;
                }
                out.push(SentPhpValue {
                    key: key.to_string(),
                    value: value.trim().trim_end_matches(';').trim().to_string(),
                    span: param.span,
                    admin,
                });
            }
        }
        out
    }

    /// Whether the FastCGI parameter `param` names the requested script: its value uses
    /// `$fastcgi_script_name`, `$request_filename` or `$uri` (SCRIPT_FILENAME, or the
    /// PATH_TRANSLATED php-fpm takes in its place).
    pub fn param_names_requested_script(&self, param: &str) -> bool {
        self.inherited
            .params
            .as_ref()
            .and_then(|list| list.get(param))
            .is_some_and(|p| {
                ["$fastcgi_script_name", "$request_filename", "$uri"]
                    .iter()
                    .any(|v| p.value.contains(v))
            })
    }

    /// Whether SCRIPT_FILENAME names one script whatever the URI: its file name has no
    /// variable (`$document_root/index.php`, a front controller).
    pub fn runs_fixed_script(&self) -> bool {
        self.inherited.param("SCRIPT_FILENAME").is_some_and(|p| {
            let name = p.value.rsplit('/').next().unwrap_or(&p.value);
            !name.is_empty() && !name.contains('$')
        })
    }

    /// The path of a plain prefix location (`location /admin/`, no modifier: a regex
    /// location wins over it for the URIs both match).
    pub fn plain_prefix(&self) -> Option<&str> {
        let mut words = self.pattern.split_whitespace();
        match (words.next(), words.next()) {
            (Some(path), None) if path.starts_with('/') => Some(path),
            _ => None,
        }
    }

    /// Whether this location is written inside `outer` (same file, inside its span).
    pub fn is_within(&self, outer: &EffectiveLocation) -> bool {
        self.span.file == outer.span.file
            && self.span.start >= outer.span.start
            && self.span.end <= outer.span.end
    }

    /// True for regex locations matching `.php` (the usual PHP handler).
    pub fn is_php_regex(&self) -> bool {
        self.pattern.starts_with('~') && self.pattern.contains("php")
    }
}

/// A `server {}` block in `http`.
#[derive(Clone, Debug)]
pub struct Server {
    /// The `server` statement.
    pub span: Span,
    /// The `server` word, where findings about the server as a whole point.
    pub keyword: Span,
    /// Its listens (an implicit `*:80` when none).
    pub listens: Vec<NginxListen>,
    /// `server_name` entries with their spans.
    pub names: Vec<(String, Span)>,
    /// The server level plus every location, nested ones flattened.
    pub locations: Vec<EffectiveLocation>,
    /// `ssl_certificate` of the server itself (not inherited), when set.
    pub certificate: Option<Span>,
    /// An `Alt-Svc` header is added at server level (or inherited from http), or in one
    /// of its locations: how browsers learn that HTTP/3 exists (they keep it for the
    /// origin from any response, RFC 7838 §2).
    pub alt_svc: bool,
    /// `http3 off` applies to the server (its own, or inherited from http): a QUIC
    /// listen then negotiates no HTTP/3.
    pub http3_off: Option<Span>,
    /// How each location (after the server level) is matched, read on first need.
    pub(crate) matchers: std::sync::OnceLock<LocationIndex>,
    /// [`Server::location_for`]'s answers so far.
    pub(crate) location_memo: LocationMemo,
}

/// The location each URI asked about lands in (an index among the matchers), shared by
/// the rules that run in parallel. Bounded: past [`LocationMemo::MAX`] URIs, answers are
/// computed and not kept. A clone starts empty (it is a cache, not data). A slot is a
/// boxed URI and a 32-bit index (24 bytes, not 40: 10 000 servers keep theirs to the end).
#[derive(Debug, Default)]
pub(crate) struct LocationMemo(std::sync::Mutex<HashMap<Box<str>, Option<u32>>>);

impl LocationMemo {
    const MAX: usize = 4096;

    fn get_or_insert(&self, uri: &str, find: impl FnOnce() -> Option<usize>) -> Option<usize> {
        if let Some(found) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(uri) {
            return found.map(|i| i as usize);
        }
        // Not held while matching: another rule may ask at the same time.
        let found = find();
        let mut memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // An index past `u32` (not a real server) is answered, not kept.
        let kept = match found {
            None => Some(None),
            Some(i) => u32::try_from(i).ok().map(Some),
        };
        if let Some(kept) = kept.filter(|_| memo.len() < Self::MAX) {
            memo.insert(uri.into(), kept);
        }
        found
    }
}

impl Clone for LocationMemo {
    fn clone(&self) -> Self {
        LocationMemo::default()
    }
}

impl Server {
    /// The PHP location a request of `location` ends in, and how it gets there: the
    /// `try_files` fallback, or (a plain prefix with nothing nested) the regex that takes
    /// the scripts under it.
    pub fn php_location_reached(
        &self,
        location: &EffectiveLocation,
    ) -> Option<(&EffectiveLocation, String)> {
        let server = self;
        let passes = |l: &EffectiveLocation| l.fastcgi_pass.is_some() && l.span != location.span;
        if let Some(fallback) = location.try_files.as_ref().and_then(|t| t.args.last()) {
            if let Some(name) = fallback.strip_prefix('@') {
                let named = server
                    .locations
                    .iter()
                    .find(|n| n.pattern.trim().strip_prefix('@') == Some(name))?;
                return passes(named)
                    .then(|| (named, format!("its `try_files` falls back to {fallback}")));
            }
            // The URI part: before `?`, and before `$is_args` (`/index.php$is_args$args`).
            let uri = fallback
                .split('?')
                .next()
                .and_then(|s| s.split("$is_args").next())
                .unwrap_or(fallback);
            if uri.starts_with('/')
                && !uri.contains('$')
                && uri.to_ascii_lowercase().ends_with(".php")
            {
                let php = server.location_for(uri)?;
                return passes(php).then(|| (php, format!("its `try_files` falls back to {uri}")));
            }
        }
        let prefix = location.plain_prefix()?;
        let nests =
            server.locations.iter().skip(1).any(|l| {
                l.span != location.span && (l.is_within(location) || location.is_within(l))
            });
        if nests {
            return None;
        }
        let (probe, php) = server.script_location_under(prefix)?;
        (passes(php) && !php.is_within(location))
            .then(|| (php, format!("`{probe}` goes to the PHP location")))
    }

    /// `ssl on;` is in effect at the server level (its own or `http`'s): with an nginx
    /// that has the directive (up to 1.25.0), every listen of the server speaks TLS.
    pub fn ssl_directive_on(&self) -> bool {
        self.locations
            .first()
            .and_then(|level| level.inherited.get("ssl"))
            .is_some_and(|s| s.first().eq_ignore_ascii_case("on"))
    }

    /// The URI of a script in folder `prefix` (`/admin` → `/admin/x.php`) and the location
    /// nginx picks for it: what a folder's own location loses to a regex PHP location.
    pub fn script_location_under(&self, prefix: &str) -> Option<(String, &EffectiveLocation)> {
        let dir = if prefix.ends_with('/') {
            prefix.to_string()
        } else {
            format!("{prefix}/")
        };
        let probe = format!("{dir}x.php");
        let found = self.location_for(&probe)?;
        Some((probe, found))
    }

    /// The levels requests are handled at: every location, and the server level only
    /// when some URI falls through to it (no location takes every URI: `location /`,
    /// a front controller's regex).
    pub fn reached_levels(&self) -> impl Iterator<Item = &EffectiveLocation> {
        let server_level_reached =
            self.location_for("/").is_none() || self.location_for("/x").is_none();
        self.locations
            .iter()
            .skip(usize::from(!server_level_reached))
    }

    /// True when nginx hands every request `location` matches on to a location nested in
    /// it with the same pattern (`location ~ \.php$ { include php.conf; ... }` whose
    /// snippet opens its own `location ~ \.php$`): nginx looks up a matched location's
    /// nested locations, and that one matches whatever this one does, so requests end
    /// there, with its settings (MaximRazor/CatalinaNginxPhp). `false` for a location
    /// that is not this server's.
    pub fn hands_every_request_inward(&self, location: &EffectiveLocation) -> bool {
        // Its index, from its address in the list (no search).
        let size = std::mem::size_of::<EffectiveLocation>().max(1);
        let offset = (location as *const EffectiveLocation as usize)
            .wrapping_sub(self.locations.as_ptr() as usize);
        let index = offset / size;
        if index == 0
            || !offset.is_multiple_of(size)
            || !self
                .locations
                .get(index)
                .is_some_and(|l| std::ptr::eq(l, location))
        {
            return false;
        }
        self.hands_inward_at(index)
    }

    /// [`Server::hands_every_request_inward`] for the location at `index` (not the
    /// server's own level, 0).
    fn hands_inward_at(&self, index: usize) -> bool {
        let Some(location) = self.locations.get(index).filter(|_| index > 0) else {
            return false;
        };
        // The locations are listed as they are written, each followed by the ones nested
        // in it: its subtree is the run after it whose parents are it or deeper.
        self.locations[index + 1..]
            .iter()
            .take_while(|l| l.parent.is_some_and(|p| p.get() as usize >= index))
            .any(|l| {
                l.parent.is_some_and(|p| p.get() as usize == index) && l.pattern == location.pattern
            })
    }

    /// The locations whose requests end in them and go to a FastCGI server: each with a
    /// `fastcgi_pass`, but one that hands every request on to a nested location of its
    /// own pattern ([`Server::hands_every_request_inward`]: its `fastcgi_pass` never
    /// connects, and what it sends is judged in the nested one). How the rules go
    /// through a server's PHP locations.
    pub fn fastcgi_locations(&self) -> impl Iterator<Item = &EffectiveLocation> + '_ {
        self.locations
            .iter()
            .enumerate()
            .filter(|(i, l)| l.fastcgi_pass.is_some() && !self.hands_inward_at(*i))
            .map(|(_, l)| l)
    }

    /// The location nginx picks for `uri` (exact, longest prefix unless `^~`, regexes in
    /// order, then the longest prefix); `None` when only the server level applies.
    pub fn location_for(&self, uri: &str) -> Option<&EffectiveLocation> {
        // Rules ask this for several URIs of every PHP location: the patterns are read
        // once per server, not split and formatted again on every question.
        let matchers = self.matchers.get_or_init(|| {
            let locations = &self.locations[1.min(self.locations.len())..];
            let mut out: Vec<LocationMatch> = locations
                .iter()
                .map(|l| LocationMatch::of(&l.pattern))
                .collect();
            // The location each one is written in (recorded when the blocks were read,
            // through includes too): nginx looks at a prefix location's nested locations
            // before the regexes around it, and at a matched regex's own nested ones.
            for (m, l) in out.iter_mut().zip(locations) {
                m.parent = l.parent.map(|p| u32::from(p.get()) - 1);
            }
            LocationIndex::new(out, |i| {
                locations.get(i).and_then(|l| regex_text(&l.pattern))
            })
        });
        // Rules ask the same few URIs (`/index.php`, each `try_files` fallback) for many
        // locations: each answer is remembered, so a server of 8 000 locations is not
        // matched 8 000 times over (NGX208 alone made one such server take 5 s).
        let found = self
            .location_memo
            .get_or_insert(uri, || self.find_location(matchers, None, uri, 0));
        found.and_then(|i| self.locations.get(i + 1))
    }

    /// ngx_http_core_find_location over one level of nesting (`None`: the server's own
    /// locations): an exact match wins; else the longest prefix, whose nested locations
    /// are searched next; then, unless that prefix is `^~`, this level's regexes in
    /// order (a matching regex's own nested locations searched in turn); else the prefix.
    fn find_location(
        &self,
        index: &LocationIndex,
        level: Option<usize>,
        uri: &str,
        depth: usize,
    ) -> Option<usize> {
        if depth > MAX_LOCATION_DEPTH {
            return None;
        }
        let matchers = &index.matchers;
        let levels = index.levels.as_ref().map(|levels| levels.get(&level));
        if let Some(None) = levels {
            // Indexed, and nothing is written at this level.
            return None;
        }
        let indexed = levels.flatten();
        let mut prefix: Option<(usize, usize, bool)> = None;
        if let Some(at) = indexed {
            if let Some(&i) = at.exact.get(uri) {
                return Some(i);
            }
            // The longest prefix: the URI's own prefixes, longest first.
            prefix = (0..=uri.len())
                .rev()
                .filter(|&k| uri.is_char_boundary(k))
                .find_map(|k| at.prefixes.get(&uri[..k]))
                .map(|&i| match &matchers[i].literal {
                    Some(Literal::Prefix { path, stop }) => (i, path.len(), *stop),
                    _ => (i, 0, false),
                });
        } else {
            for (i, m) in matchers
                .iter()
                .enumerate()
                .filter(|(_, m)| m.parent() == level)
            {
                match &m.literal {
                    Some(Literal::Exact(path)) if **path == *uri => return Some(i),
                    Some(Literal::Prefix { path, stop })
                        if uri.starts_with(&**path)
                            && prefix.is_none_or(|(_, len, _)| path.len() > len) =>
                    {
                        prefix = Some((i, path.len(), *stop));
                    }
                    _ => {}
                }
            }
        }
        let mut found = None;
        if let Some((p, _, _)) = prefix {
            found = Some(p);
            if let Some(inner) = self.find_location(index, Some(p), uri, depth + 1) {
                let inner_is_prefix =
                    matches!(matchers[inner].literal, Some(Literal::Prefix { .. }));
                if !inner_is_prefix {
                    return Some(inner);
                }
                found = Some(inner);
            }
        }
        if !matches!(prefix, Some((_, _, true))) {
            if let Some(at) = indexed {
                return at
                    .regexes
                    .first(uri)
                    .map(|i| {
                        self.find_location(index, Some(i), uri, depth + 1)
                            .unwrap_or(i)
                    })
                    .or(found);
            }
            for i in (0..matchers.len()).filter(|&i| matchers[i].parent() == level) {
                if let Some(re) = &matchers[i].regex {
                    if super::compiled_regex::is_match_remembered(re, uri) {
                        return Some(
                            self.find_location(index, Some(i), uri, depth + 1)
                                .unwrap_or(i),
                        );
                    }
                }
            }
        }
        found
    }
}

/// A server's locations as [`Server::location_for`] matches them: each one's matcher
/// and, for a server of many locations, each nesting level's exact and prefix paths by
/// text and its regexes in order (a lookup then costs the URI's length plus the
/// regexes, not the locations: 16 000 prefix locations whose `error_page`s NGX209
/// follows took 6 s).
#[derive(Clone, Debug)]
pub(crate) struct LocationIndex {
    matchers: Vec<LocationMatch>,
    /// `None` for a server of ordinary size: scanning its few locations is cheaper.
    levels: Option<HashMap<Option<usize>, LevelIndex>>,
}

#[derive(Clone, Debug, Default)]
struct LevelIndex {
    /// `= path`: the first location of each path.
    exact: HashMap<String, usize>,
    /// Prefix paths (`^~` too): the first location of each path.
    prefixes: HashMap<String, usize>,
    /// Regex locations, in order (filed by literal start: each distinct URI that NGX208
    /// and NGX224 ask about was matched against every regex of the level).
    regexes: super::compiled_regex::FirstMatch,
}

/// Servers with more locations than this get a [`LocationIndex`] by level.
const INDEXED_LOCATIONS: usize = 64;

impl LocationIndex {
    /// `text(i)`: the PCRE text matcher `i`'s regex was compiled from.
    fn new<'a>(matchers: Vec<LocationMatch>, text: impl Fn(usize) -> Option<Cow<'a, str>>) -> Self {
        let levels = (matchers.len() > INDEXED_LOCATIONS).then(|| {
            let mut levels: HashMap<Option<usize>, LevelIndex> = HashMap::default();
            for (i, m) in matchers.iter().enumerate() {
                let at = levels.entry(m.parent()).or_default();
                match &m.literal {
                    Some(Literal::Exact(path)) => {
                        at.exact.entry(path.to_string()).or_insert(i);
                    }
                    Some(Literal::Prefix { path, .. }) => {
                        at.prefixes.entry(path.to_string()).or_insert(i);
                    }
                    None => {}
                }
                if let (Some(regex), Some(pattern)) = (&m.regex, text(i)) {
                    at.regexes.push(i, &pattern, regex.clone());
                }
            }
            levels
        });
        LocationIndex { matchers, levels }
    }
}

/// `list` in an allocation of exactly its length (a list grown by pushes keeps its spare
/// room; `shrink_to_fit` may leave the block where it is).
fn exactly<T>(mut list: Vec<T>) -> Vec<T> {
    if list.capacity() == list.len() {
        return list;
    }
    let mut exact = Vec::with_capacity(list.len());
    exact.append(&mut list);
    exact
}

/// How [`Server::location_for`] matches one location, read from its pattern once.
#[derive(Clone, Debug)]
pub(crate) struct LocationMatch {
    literal: Option<Literal>,
    /// The regex of `~`/`~*` (`(?i)` prepended for the latter), compiled; `None` also
    /// when it does not compile (it matches nothing; the load checks report it).
    regex: Option<Arc<pcre2::bytes::Regex>>,
    /// The location this one is nested in (an index among the matchers; a location's
    /// `parent` is a `u16`). With the paths as `Box<str>`, 40 bytes a matcher, not 56
    /// (60 000 matchers at 5 000 heavy sites).
    parent: Option<u32>,
}

impl LocationMatch {
    fn parent(&self) -> Option<usize> {
        self.parent.map(|p| p as usize)
    }
}

/// Nesting levels followed when matching a URI (nginx allows far fewer in practice).
const MAX_LOCATION_DEPTH: usize = 64;

#[derive(Clone, Debug)]
enum Literal {
    /// `= path`.
    Exact(Box<str>),
    /// A prefix; `stop` for `^~` (the regexes are not tried).
    Prefix { path: Box<str>, stop: bool },
}

/// The PCRE text of a regex location's pattern (`~ re` → `re`, `~* re` → `(?i)re`).
fn regex_text(pattern: &str) -> Option<Cow<'_, str>> {
    if let Some(r) = pattern.strip_prefix("~*") {
        Some(Cow::Owned(format!("(?i){}", r.trim())))
    } else {
        pattern.strip_prefix('~').map(|r| Cow::Borrowed(r.trim()))
    }
}

impl LocationMatch {
    fn of(pattern: &str) -> Self {
        let mut words = pattern.split_whitespace();
        let literal = match (words.next(), words.next()) {
            (Some("="), Some(path)) => Some(Literal::Exact(path.into())),
            (Some("^~"), Some(path)) if !path.starts_with('@') => Some(Literal::Prefix {
                path: path.into(),
                stop: true,
            }),
            (Some(path), None) if !path.starts_with('@') => Some(Literal::Prefix {
                path: path.into(),
                stop: false,
            }),
            _ => None,
        };
        let regex = regex_text(pattern).and_then(|r| super::compiled_regex::compile(&r));
        LocationMatch {
            literal,
            regex,
            parent: None,
        }
    }
}

/// What the parameters of an upstream's `server` line say about its use.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServerFlags {
    /// `backup`: used only when the others are unavailable.
    pub backup: bool,
    /// `max_fails=0`: failures never make it unavailable.
    pub never_fails: bool,
}

/// An `upstream {}` block.
#[derive(Clone, Debug)]
pub struct Upstream {
    /// Its name.
    pub name: String,
    /// The `upstream` statement.
    pub span: Span,
    /// `server` entries nginx may use: target and span (`backup` ones included; `down`
    /// ones, which nginx never connects to, are in [`Upstream::down`]).
    pub servers: Vec<(NginxTarget, Span)>,
    /// For each of [`Upstream::servers`]: `backup`, and whether its failures are counted
    /// (`max_fails` other than 0).
    pub flags: Vec<ServerFlags>,
    /// The `server` statements marked `down`.
    pub down: Vec<Span>,
    /// `keepalive N` when set.
    pub keepalive: Option<Span>,
    /// The `N` of `keepalive N` (idle connections each worker process keeps), when a number.
    pub keepalive_connections: Option<u64>,
}

/// Everything read from one nginx tree.
#[derive(Debug, Default)]
pub struct NginxModel {
    /// Servers in configuration order (shared with the next run of an editor session
    /// when unchanged: see [`crate::ServerMemo`]).
    pub servers: Vec<Arc<Server>>,
    /// Upstreams by lower-cased name.
    pub upstreams: HashMap<String, Upstream>,
    /// Literal values `set` gives each variable anywhere (`set $backend "php_upstream";`),
    /// by variable name without `$`; a value with a variable in it is not recorded.
    pub set_values: HashMap<String, Vec<String>>,
    /// Every value a `map` block gives each variable (name without `$`, as written),
    /// `default` included; `$` stands for a value with variables (one variable alone is
    /// kept as written: a chain of maps) or an `include`d list.
    pub map_values: HashMap<String, Vec<String>>,
    /// Variables (lower-cased) some `set` inside an `if` block gives a value: set only on
    /// some requests (empty on the others), so never one known value.
    pub set_conditionally: foldhash::HashSet<String>,
    /// The `user` directive: user, group (if given), span.
    pub user: Option<(String, Option<String>, Span)>,
    /// `worker_connections`, when set.
    pub worker_connections: Option<(u64, Span)>,
    /// `worker_rlimit_nofile`, when set.
    pub worker_rlimit_nofile: Option<(u64, Span)>,
    /// `worker_processes` when set to a number (`auto` depends on the machine).
    pub worker_processes: Option<(u64, Span)>,
    /// `worker_processes auto`: one process per CPU, a number the files do not hold.
    pub worker_processes_auto: bool,
    /// Every `http`-level `resolver` is part of `Inherited`; this says whether any exists at all.
    pub has_resolver: bool,
    /// Servers grouped by listening address, with nginx's default server and name index.
    pub listen_groups: Vec<ListenGroup>,
}

impl NginxModel {
    /// Feeds `h` the facts of the tree that every server's statements contribute to and
    /// per-server checks read (`set` and `map` values, whether a `resolver` exists), in
    /// name order (the maps' own order varies): a `set` in one server changes what
    /// another's variable `fastcgi_pass` may reach.
    pub fn fingerprint(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        let mut set: Vec<_> = self.set_values.iter().collect();
        set.sort_unstable();
        let mut map: Vec<_> = self.map_values.iter().collect();
        map.sort_unstable();
        let mut conditional: Vec<_> = self.set_conditionally.iter().collect();
        conditional.sort_unstable();
        (set, map, conditional, self.has_resolver).hash(h);
    }
}

fn setting(item: &Item<'_>) -> Setting {
    Setting {
        args: item
            .args()
            .map(|a| a.into_owned())
            .collect::<Vec<_>>()
            .into(),
        span: item.span(),
    }
}

/// A `rewrite` whose pattern matches every URI and that redirects (`permanent`,
/// `redirect`, or a replacement with a scheme).
fn rewrite_redirects_all(item: &nginx_conf_parser::config::Item<'_>) -> bool {
    let matches_all = item
        .arg(0)
        .is_some_and(|p| super::syntax::matches_every_uri(&p));
    matches_all
        && super::syntax::redirecting_rewrite(item.arg(1).as_deref(), item.arg(2).as_deref())
}

/// The values `set` and `map` give variables in one part of a tree, in walk order: what
/// [`NginxModel::set_values`], [`NginxModel::map_values`] and
/// [`NginxModel::set_conditionally`] gather over the whole tree.
#[derive(Clone, Debug, Default)]
pub(crate) struct Values {
    /// Variable (without `$`), its value (`$` for a value with variables), and whether
    /// the `set` is inside an `if`.
    set: Vec<(String, String, bool)>,
    /// Variable (without `$`) and every value of its `map`.
    map: Vec<(String, Vec<String>)>,
}

impl Values {
    /// Gathers the values set or mapped by `start` and every statement under them; a
    /// top-level `http` block's `server` blocks are left out and handed to `server`, and
    /// every statement read goes to `seen`, with whether it is an `upstream` or a `map`
    /// or inside one (a `map`'s entries are not walked). By an explicit stack: nesting is
    /// bounded by the parser, but recursion would still be a stack per level.
    fn gather<'c>(
        &mut self,
        start: impl Iterator<Item = Item<'c>>,
        mut server: impl FnMut(Item<'c>),
        mut seen: impl FnMut(&Item<'c>, bool),
    ) {
        // (statement, inside an `if`, at the top, an `upstream` or `map` or inside one)
        let mut stack: Vec<(Item<'c>, bool, bool, bool)> =
            start.map(|i| (i, false, true, false)).collect();
        stack.reverse();
        while let Some((item, in_if, top, listed)) = stack.pop() {
            let listed = listed || item.is("upstream") || item.is("map");
            seen(&item, listed);
            if item.is("set") {
                if let (Some(var), Some(value)) = (item.arg(0), item.arg(1)) {
                    let name = var.trim_start_matches('$').to_string();
                    let value = if value.contains('$') {
                        String::from("$")
                    } else {
                        value.into_owned()
                    };
                    self.set.push((name, value, in_if));
                }
            }
            if item.is("map") && item.is_block() {
                if let Some(var) = item.arg(1) {
                    let name = var.trim_start_matches('$').to_string();
                    let mut values = Vec::new();
                    for entry_item in item.children() {
                        match entry_item.name().as_ref() {
                            "hostnames" | "volatile" => {}
                            "include" => values.push(String::from("$")),
                            _ => match entry_item.arg(0) {
                                // A value that is one variable (`default $other_map;`) is
                                // kept as written: a chain of maps is followed (X013).
                                Some(value) if !value.contains('$') || one_variable(&value) => {
                                    values.push(value.into_owned())
                                }
                                _ => values.push(String::from("$")),
                            },
                        }
                    }
                    self.map.push((name, values));
                }
                continue;
            }
            let http = top && item.is("http") && item.is_block();
            let in_if = in_if || item.is("if");
            // Pushed in order, then turned around in place: no list per block.
            let at = stack.len();
            for child in item.children() {
                if http && child.is("server") && child.is_block() {
                    server(child);
                } else {
                    stack.push((child, in_if, false, listed));
                }
            }
            stack[at..].reverse();
        }
    }

    /// The values of one `server` block.
    fn of_server(server: &Item<'_>) -> Self {
        let mut values = Values::default();
        values.gather(std::iter::once(*server), |_| {}, |_, _| {});
        values
    }

    fn add_to(&self, model: &mut NginxModel) {
        for (name, value, in_if) in &self.set {
            if *in_if {
                model.set_conditionally.insert(name.to_ascii_lowercase());
            }
            model
                .set_values
                .entry(name.clone())
                .or_default()
                .push(value.clone());
        }
        for (name, values) in &self.map {
            model
                .map_values
                .entry(name.clone())
                .or_default()
                .extend(values.iter().cloned());
        }
    }
}

/// Whether `value` is exactly one variable (`$name`, `${name}`).
fn one_variable(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('$') else {
        return false;
    };
    let name = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Appends a statement of an `upstream` or `map` block (or the block) to `out`: its
/// name, words and number of statements (a `map`'s entries with it), so that equal text
/// means an equal list.
pub(crate) fn list_text(item: &Item<'_>, out: &mut String) {
    let mut word = |w: &str| {
        out.push_str(w);
        out.push('\0');
    };
    word(&item.name());
    item.args().for_each(|a| word(&a));
    word(&item.children().count().to_string());
    if item.is("map") {
        for entry in item.children() {
            word(&entry.name());
            entry.args().for_each(|a| word(&a));
        }
    }
    out.push('\n');
}

/// One `server` block of http while a tree is built: its key for
/// [`ServerMemo`](crate::ServerMemo), its values, and the model an earlier run built of it.
struct Unit {
    key: Option<((lint_source::FileId, u32), Vec<lint_source::FileId>)>,
    values: Values,
    kept: Option<crate::server_memo::BuiltServer>,
    built: Option<(Arc<Server>, bool)>,
}

/// Builds the model of one tree. Iterative over blocks: no recursion on input depth.
pub fn build(config: &Config) -> NginxModel {
    build_keeping(config, None)
}

/// [`build`], taking the `server` blocks an earlier run built from `memo` where their
/// statements and everything around them are unchanged, and keeping this run's there.
pub(crate) fn build_keeping(config: &Config, memo: Option<&crate::ServerMemo>) -> NginxModel {
    let mut model = NginxModel::default();
    // A reused block is not walked, and walks share the tree's splice budget: past half
    // of it, a skipped walk could change where a later one runs out (as the load checks'
    // server memo).
    let memo = memo.filter(|_| config.expansions().saturating_mul(2) < config.expansion_budget());
    let mut outside = Values::default();
    let mut servers: Vec<Item<'_>> = Vec::new();
    let mut files: Vec<lint_source::FileId> = Vec::new();
    let mut listed = String::new();
    outside.gather(
        config.items(),
        |s| servers.push(s),
        |item, in_list| match (memo, in_list) {
            (None, _) => {}
            (Some(_), true) => list_text(item, &mut listed),
            (Some(_), false) => files.push(item.span().file),
        },
    );
    outside.add_to(&mut model);
    let splices = memo.map(|_| nginx_conf_parser::config::SpliceIndex::of(config));
    // The tree around its servers: the files of every statement outside them (an
    // unchanged file keeps its id), but the text of `upstream` and `map` blocks: a site
    // file often holds its upstream beside its server, and an edit of the server leaves
    // the upstream as it was (a server whose passes reach an upstream's lines keeps that
    // file's id with its model).
    let around = {
        use std::hash::BuildHasher;
        files.sort_unstable();
        files.dedup();
        foldhash::quality::FixedState::default().hash_one((&files, &listed))
    };
    let mut kept = memo.map(|m| m.take_built(around)).unwrap_or_default();
    let mut units: Vec<Unit> = servers
        .iter()
        .map(|server| {
            let span = server.span();
            let key = splices
                .as_ref()
                .and_then(|s| s.spliced(span))
                .map(|spliced| ((span.file, span.start), spliced));
            let kept = key.as_ref().and_then(|(at, spliced)| {
                kept.remove(at).filter(|k| {
                    k.spliced == *spliced
                        && k.upstream_files
                            .iter()
                            .all(|f| config.files.contains_key(f))
                })
            });
            let values = match &kept {
                Some(k) => k.values.clone(),
                None => Values::of_server(server),
            };
            Unit {
                key,
                values,
                kept,
                built: None,
            }
        })
        .collect();
    for unit in &units {
        unit.values.add_to(&mut model);
    }
    // What a server's model reads of the tree besides http-level statements: the values
    // of variables (its `fastcgi_pass` targets).
    let values_key = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = foldhash::quality::FixedState::default().build_hasher();
        model.fingerprint(&mut h);
        h.finish()
    };
    let mut next = units.iter_mut();
    for item in config.items() {
        if item.is("user") {
            if let Some(user) = item.arg(0) {
                model.user = Some((
                    user.into_owned(),
                    item.arg(1).map(|g| g.into_owned()),
                    item.arg_span(0),
                ));
            }
        } else if item.is("worker_rlimit_nofile") {
            if let Some(n) = item.arg(0).and_then(|v| v.parse().ok()) {
                model.worker_rlimit_nofile = Some((n, item.arg_span(0)));
            }
        } else if item.is("worker_processes") {
            if let Some(n) = item.arg(0).and_then(|v| v.parse().ok()) {
                model.worker_processes = Some((n, item.arg_span(0)));
                model.worker_processes_auto = false;
            } else if item.arg(0).as_deref() == Some("auto") {
                model.worker_processes = None;
                model.worker_processes_auto = true;
            }
        } else if item.is("events") {
            for e in item.children().filter(|e| e.is("worker_connections")) {
                if let Some(n) = e.arg(0).and_then(|v| v.parse().ok()) {
                    model.worker_connections = Some((n, e.arg_span(0)));
                }
            }
        } else if item.is("http") {
            build_http(&item, &mut model, &mut next, values_key);
        }
    }
    model.listen_groups = listen_groups::group(&model.servers);
    if let Some(memo) = memo {
        let fresh = units
            .iter()
            .filter(|u| {
                !u.kept.as_ref().is_some_and(|k| {
                    u.built
                        .as_ref()
                        .is_some_and(|(b, _)| Arc::ptr_eq(b, &k.server))
                })
            })
            .count();
        let built = units
            .into_iter()
            .filter_map(|unit| {
                let ((at, spliced), (server, resolver)) = (unit.key?, unit.built?);
                // The files of the upstream lines its passes reach.
                let mut upstream_files: Vec<lint_source::FileId> = server
                    .locations
                    .iter()
                    .flat_map(|l| &l.fastcgi_targets)
                    .filter(|t| t.upstream.is_some())
                    .map(|t| t.span.file)
                    .collect();
                upstream_files.sort_unstable();
                upstream_files.dedup();
                Some((
                    at,
                    crate::server_memo::BuiltServer {
                        spliced,
                        upstream_files,
                        values: unit.values,
                        server,
                        resolver,
                        values_key,
                    },
                ))
            })
            .collect();
        memo.keep_built(around, built, fresh);
    }
    model
}

/// Applies one statement of a block to the inherited settings of that block.
/// `fastcgi_param` statements are only collected: [`settle_params`] turns them into a list.
fn apply<'c>(item: &Item<'c>, scope: &mut Inherited, own_params: &mut Option<Vec<Item<'c>>>) {
    let name = item.name();
    if name == "fastcgi_param" {
        own_params.get_or_insert_with(Vec::new).push(*item);
        return;
    }
    if let Some(key) = INHERITED.iter().position(|k| *k == name) {
        scope.set(key, setting(item));
    }
}

fn fastcgi_param(item: &Item<'_>) -> FastcgiParam {
    FastcgiParam {
        name: item.arg(0).map(|a| a.into_owned()).unwrap_or_default(),
        value: item.arg(1).map(|a| a.into_owned()).unwrap_or_default(),
        if_not_empty: item.arg(2).is_some_and(|a| a == "if_not_empty"),
        span: item.span(),
    }
}

/// `fastcgi_param` lists already built in this tree, by the statements that make
/// them. A list usually comes from an included file (`fastcgi.conf`), so every
/// location that includes it has the same statements: they share one list instead
/// of each owning ~20 copies of the same names and values. A list that differs by
/// one statement of its own (`fastcgi_param HTTP_PROXY "";` beside the include)
/// still shares the included statements' parameters, by statement.
#[derive(Default)]
struct ParamLists {
    lists: HashMap<Vec<Span>, Arc<Vec<Arc<FastcgiParam>>>>,
    params: HashMap<Span, Arc<FastcgiParam>>,
    empty: Arc<Vec<Arc<FastcgiParam>>>,
}

/// Closes a block's own params over the parent's: any own param replaces the whole list.
fn settle_params(
    scope: &mut Inherited,
    own: Option<Vec<Item<'_>>>,
    level: Span,
    lists: &mut ParamLists,
) {
    if let Some(own) = own {
        let key: Vec<Span> = own.iter().map(Item::span).collect();
        let params = match lists.lists.get(&key) {
            Some(list) => Arc::clone(list),
            None => {
                let list = Arc::new(
                    own.iter()
                        .map(|item| {
                            Arc::clone(
                                lists
                                    .params
                                    .entry(item.span())
                                    .or_insert_with(|| Arc::new(fastcgi_param(item))),
                            )
                        })
                        .collect::<Vec<_>>(),
                );
                lists.lists.insert(key, Arc::clone(&list));
                list
            }
        };
        let dropped: Vec<Arc<FastcgiParam>> = scope
            .params
            .as_ref()
            .map(|p| {
                p.params
                    .iter()
                    .filter(|old| !params.iter().any(|n| n.name == old.name))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        scope.params = Some(ParamList {
            params,
            defined_at: Some(level),
            dropped: if dropped.is_empty() {
                Arc::clone(&lists.empty)
            } else {
                Arc::new(dropped)
            },
        });
    }
}

/// A level's own `error_page` list replaces the inherited one; nginx does not merge them.
fn settle_error_pages(scope: &mut Inherited, own: &[Setting]) {
    if !own.is_empty() {
        scope.error_pages = Arc::new(own.to_vec());
    }
}

fn build_http<'u>(
    http: &Item<'_>,
    model: &mut NginxModel,
    units: &mut std::slice::IterMut<'u, Unit>,
    values_key: u64,
) {
    let mut lists = ParamLists::default();
    let mut scope = Inherited::default();
    let mut own = None;
    let mut servers = Vec::new();
    for item in http.children() {
        if item.is("server") && item.is_block() {
            servers.push(item);
        } else if item.is("upstream") && item.is_block() {
            let name = item.arg(0).map(|a| a.into_owned()).unwrap_or_default();
            let mut upstream = Upstream {
                name: name.clone(),
                span: item.span(),
                servers: Vec::new(),
                flags: Vec::new(),
                down: Vec::new(),
                keepalive: None,
                keepalive_connections: None,
            };
            for u in item.children() {
                if u.is("server") {
                    if let Some(addr) = u.arg(0) {
                        let params: Vec<String> =
                            u.args().skip(1).map(|a| a.to_ascii_lowercase()).collect();
                        if params.iter().any(|p| p == "down") {
                            upstream.down.push(u.span());
                            continue;
                        }
                        upstream
                            .servers
                            .push((parse_nginx_target(&addr, false), u.arg_span(0)));
                        upstream.flags.push(ServerFlags {
                            backup: params.iter().any(|p| p == "backup"),
                            never_fails: params.iter().any(|p| p == "max_fails=0"),
                        });
                    }
                } else if u.is("keepalive") {
                    upstream.keepalive = Some(u.span());
                    upstream.keepalive_connections = u.arg(0).and_then(|n| n.parse().ok());
                }
            }
            upstream.servers = exactly(upstream.servers);
            upstream.flags = exactly(upstream.flags);
            model.upstreams.insert(name.to_ascii_lowercase(), upstream);
        } else {
            if item.is("resolver") {
                model.has_resolver = true;
            }
            apply(&item, &mut scope, &mut own);
        }
    }
    settle_params(&mut scope, own, http.span(), &mut lists);
    let http_error_pages: Vec<Setting> = http
        .children()
        .filter(|i| i.is("error_page"))
        .map(|i| setting(&i))
        .collect();
    settle_error_pages(&mut scope, &http_error_pages);
    let http_alt_svc = adds_alt_svc(http);
    let http3_of = |block: &Item<'_>| {
        block
            .children()
            .filter(|i| i.is("http3"))
            .last()
            .map(|i| (i.arg(0).is_some_and(|a| a == "off"), i.span()))
    };
    let http_http3 = http3_of(http);
    for server in servers {
        let unit = units.next();
        // The model an earlier run built, when nothing it read changed: the block (its
        // key), the tree around it (the memo's key) and the values of variables.
        let kept = unit.as_ref().and_then(|u| {
            u.kept
                .as_ref()
                .filter(|k| k.values_key == values_key)
                .map(|k| (Arc::clone(&k.server), k.resolver))
        });
        let (built, resolver) = match kept {
            Some(kept) => kept,
            None => {
                let before = std::mem::take(&mut model.has_resolver);
                let mut built = build_server(&server, &scope, model, &mut lists);
                let resolver = std::mem::replace(&mut model.has_resolver, before);
                // add_header is inherited only by levels that add none of their own.
                built.alt_svc = adds_alt_svc(&server).unwrap_or(http_alt_svc.unwrap_or(false))
                    || location_adds_alt_svc(&server);
                built.http3_off = http3_of(&server)
                    .or(http_http3)
                    .and_then(|(off, span)| off.then_some(span));
                for location in &mut built.locations {
                    location.fastcgi_targets =
                        super::resolve_pass(model, location).into_boxed_slice();
                }
                (Arc::new(built), resolver)
            }
        };
        model.has_resolver |= resolver;
        if let Some(unit) = unit {
            unit.built = Some((Arc::clone(&built), resolver));
        }
        model.servers.push(built);
    }
}

/// True when a location of `server` (nested ones too) adds an Alt-Svc header.
fn location_adds_alt_svc(server: &Item<'_>) -> bool {
    let mut stack: Vec<Item<'_>> = server.children().filter(|i| i.is("location")).collect();
    while let Some(location) = stack.pop() {
        if adds_alt_svc(&location) == Some(true) {
            return true;
        }
        stack.extend(location.children().filter(|i| i.is("location")));
    }
    false
}

/// `Some(true)` when the block adds an Alt-Svc header, `Some(false)` when it adds
/// other headers only, `None` when it adds none (and so inherits).
fn adds_alt_svc(block: &Item<'_>) -> Option<bool> {
    // headers-more's `more_set_headers 'Alt-Svc: h3=":443"'` (WordOps' ssl.conf) sets it
    // too, whatever `add_header` does.
    let more = block
        .children()
        .filter(|i| i.is("more_set_headers"))
        .any(|i| {
            i.args().any(|a| {
                a.get(..8)
                    .is_some_and(|head| head.eq_ignore_ascii_case("alt-svc:"))
            })
        });
    if more {
        return Some(true);
    }
    let mut any = None;
    for item in block.children().filter(|i| i.is("add_header")) {
        let alt = item
            .arg(0)
            .is_some_and(|h| h.eq_ignore_ascii_case("alt-svc"));
        any = Some(any.unwrap_or(false) || alt);
    }
    any
}

fn build_server(
    server: &Item<'_>,
    http_scope: &Inherited,
    model: &mut NginxModel,
    lists: &mut ParamLists,
) -> Server {
    let mut scope = http_scope.clone();
    let mut own = None;
    let mut listens = Vec::new();
    let mut names = Vec::new();
    let mut locations_items = Vec::new();
    let mut certificate = None;
    let mut unresolved_include = false;
    let mut level = EffectiveLocation::new(server.span(), String::new());
    let mut level_lists = LocationLists::default();
    for item in server.children() {
        if item.is("include") {
            // A file the linter could not read (made at start by an entrypoint, outside
            // the deployment): its statements, `listen` among them, are not known.
            let pattern = item.arg(0).unwrap_or_default();
            unresolved_include |= item.config.included(item.file, item.directive).is_empty()
                && !lint_source::vfs::has_glob(&pattern);
        }
        if item.is("listen") {
            if let Some(l) = parse_listen(&item) {
                listens.push(l);
            }
        } else if item.is("server_name") {
            // Sized once: grown by doubling, a line of 1.6 million names left a list of
            // room for 2.1 million (and copied it on the way).
            names.reserve(item.arg_count());
            for (i, name) in item.args().enumerate() {
                names.push((name.into_owned(), item.arg_span(i)));
            }
        } else if item.is("location") && item.is_block() {
            locations_items.push(item);
        } else if item.is("ssl_certificate") {
            certificate = Some(item.span());
        } else {
            if item.is("resolver") {
                model.has_resolver = true;
            }
            location_statement(&item, &mut level, &mut level_lists);
            apply(&item, &mut scope, &mut own);
        }
    }
    settle_params(&mut scope, own, server.span(), lists);
    settle_error_pages(&mut scope, &level_lists.error_pages);
    level_lists.finish(&mut level);
    // Without a `listen`, nginx listens on *:80; unless a file that was not read may hold
    // one (serversideup/docker-php's entrypoint writes each server's `listen ...
    // default_server` into an include: read as *:80, two servers conflicted).
    if listens.is_empty() && !unresolved_include {
        listens.push(NginxListen {
            address: "*:80".into(),
            port: Some(80),
            host: "*".into(),
            default_server: false,
            ssl: false,
            http2: false,
            quic: false,
            proxy_protocol: false,
            ipv6only: None,
            span: server.name_span(),
            keyword: server.name_span(),
            explicit: false,
        });
    }
    level.inherited = scope.clone();
    // Sized for the server level and its top locations (nested ones grow it): grown
    // from one, the list was copied three times a server (37 MiB moved at 5 000 sites).
    let mut locations = Vec::with_capacity(locations_items.len() + 1);
    locations.push(level);
    // Nested locations, by explicit stack: (item, parent scope, parent's index).
    let mut stack: Vec<(Item<'_>, Inherited, Option<std::num::NonZeroU16>)> = locations_items
        .into_iter()
        .rev()
        .map(|i| (i, scope.clone(), None))
        .collect();
    while let Some((loc, parent, parent_index)) = stack.pop() {
        let mut scope = parent;
        let mut own = None;
        let mut effective =
            EffectiveLocation::new(loc.span(), loc.args().collect::<Vec<_>>().join(" "));
        effective.parent = parent_index;
        let mut effective_lists = LocationLists::default();
        // This location's index once pushed (never 0: the server level is first).
        let index = u16::try_from(locations.len())
            .ok()
            .and_then(std::num::NonZeroU16::new);
        let mut nested = Vec::new();
        for item in loc.children() {
            if item.is("location") && item.is_block() {
                nested.push(item);
                continue;
            }
            if item.is("if") && item.is_block() {
                if item.args().any(|a| a.contains("-f") || a.contains("-e")) {
                    effective.has_exists_check = true;
                }
                // `if` inside a location: its passes count for the location.
                // A conditional `return`/`error_page` does not apply to every request.
                for inner in item
                    .children()
                    .filter(|i| !i.is("return") && !i.is("error_page"))
                {
                    location_statement(&inner, &mut effective, &mut effective_lists);
                }
                continue;
            }
            if item.is("resolver") {
                model.has_resolver = true;
            }
            location_statement(&item, &mut effective, &mut effective_lists);
            apply(&item, &mut scope, &mut own);
        }
        settle_params(&mut scope, own, loc.span(), lists);
        settle_error_pages(&mut scope, &effective_lists.error_pages);
        effective_lists.finish(&mut effective);
        for n in nested.into_iter().rev() {
            stack.push((n, scope.clone(), index));
        }
        effective.inherited = scope;
        locations.push(effective);
    }
    // Kept for the whole run: exactly sized (a list grown for nested locations keeps
    // slack).
    let exact = if locations.capacity() == locations.len() {
        locations
    } else {
        let mut exact = Vec::with_capacity(locations.len());
        exact.append(&mut locations);
        exact
    };
    Server {
        span: server.span(),
        keyword: server.name_span(),
        // Kept to the end, 10 000 servers at 5 000 heavy sites: grown by pushes, a
        // server's one or two listens had room for four (3.4 MiB at the heap's peak).
        listens: exactly(listens),
        names,
        locations: exact,
        certificate,
        alt_svc: false,
        http3_off: None,
        matchers: std::sync::OnceLock::new(),
        location_memo: LocationMemo::default(),
    }
}

/// The lists a location's statements add to one by one, boxed exactly once it is read.
#[derive(Default)]
struct LocationLists {
    other_pass: Vec<(String, NginxTarget, Span)>,
    error_pages: Vec<Setting>,
}

impl LocationLists {
    fn finish(self, loc: &mut EffectiveLocation) {
        loc.other_pass = self.other_pass.into_boxed_slice();
        loc.error_pages = self.error_pages.into_boxed_slice();
    }
}

fn location_statement(item: &Item<'_>, loc: &mut EffectiveLocation, lists: &mut LocationLists) {
    let name = item.name();
    match name.as_ref() {
        "fastcgi_pass" => {
            if let Some(a) = item.arg(0) {
                loc.fastcgi_pass =
                    Some(Box::new((parse_nginx_target(&a, false), item.arg_span(0))));
            }
        }
        "proxy_pass" | "uwsgi_pass" | "grpc_pass" | "scgi_pass" => {
            if let Some(a) = item.arg(0) {
                lists.other_pass.push((
                    name.into_owned(),
                    parse_nginx_target(&a, true),
                    item.arg_span(0),
                ));
            }
        }
        "alias" => loc.alias = Some(Box::new(setting(item))),
        "return" => loc.early_return = Some(Box::new(setting(item))),
        "rewrite" if rewrite_redirects_all(item) => {
            loc.redirects_all = Some(Box::new(setting(item)))
        }
        "error_page" => lists.error_pages.push(setting(item)),
        "try_files" => loc.try_files = Some(Box::new(setting(item))),
        "fastcgi_split_path_info" => loc.split_path_info = Some(Box::new(setting(item))),
        _ => {}
    }
}

fn parse_listen(item: &Item<'_>) -> Option<NginxListen> {
    let address = item.arg(0)?.into_owned();
    let params: Vec<String> = item.args().skip(1).map(|a| a.into_owned()).collect();
    // nginx's own split (the load check uses the same): a port range binds from its
    // first port, which is what listen groups compare.
    let (host, port) = match nginx_conf_parser::check::listen::host_and_port(&address) {
        None => (address.clone(), None),
        Some((host, port)) => (
            host.to_string(),
            match port {
                None => Some(80),
                Some(p) => p.split('-').next().and_then(|p| p.parse().ok()),
            },
        ),
    };
    Some(NginxListen {
        address: address.clone(),
        port,
        host,
        default_server: params
            .iter()
            .any(|p| p == "default_server" || p == "default"),
        ssl: params.iter().any(|p| p == "ssl"),
        http2: params.iter().any(|p| p == "http2"),
        quic: params.iter().any(|p| p == "quic"),
        proxy_protocol: params.iter().any(|p| p == "proxy_protocol"),
        ipv6only: params.iter().find_map(|p| match p.as_str() {
            "ipv6only=on" => Some(true),
            "ipv6only=off" => Some(false),
            _ => None,
        }),
        span: item.span(),
        keyword: item.name_span(),
        explicit: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_of_the_model_stays_small() {
        // A 5 000-site tree holds 85 000 of them for the whole run: the settings most
        // locations lack (fastcgi_pass, alias, try_files, split_path_info, return, a
        // redirect) are boxed, and its lists are boxed slices.
        assert!(
            std::mem::size_of::<EffectiveLocation>() <= 184,
            "{}",
            std::mem::size_of::<EffectiveLocation>()
        );
    }

    #[test]
    fn a_location_matcher_stays_small() {
        // One per location of every server a rule asks `location_for` about, kept to the
        // end (60 000 at 5 000 heavy sites): paths as `Box<str>`, the parent as `u32`.
        assert!(
            std::mem::size_of::<LocationMatch>() <= 40,
            "{}",
            std::mem::size_of::<LocationMatch>()
        );
    }

    #[test]
    fn inherited_settings_are_the_nearest_written_and_the_chain_stays_short() {
        let at = |i: usize, value: &str| Setting {
            args: vec![value.to_string()].into(),
            span: Span::new(lint_source::FileId(0), i, i + 1),
        };
        let key = |name: &str| {
            INHERITED
                .iter()
                .position(|k| *k == name)
                .expect("inherited")
        };
        let mut http = Inherited::default();
        http.set(key("root"), at(0, "/srv/http"));
        http.set(key("index"), at(1, "index.html"));
        let mut server = http.clone();
        server.set(key("root"), at(2, "/srv/site"));
        assert_eq!(http.get("root").expect("root").first(), "/srv/http");
        assert_eq!(server.get("root").expect("root").first(), "/srv/site");
        assert_eq!(server.get("index").expect("index").first(), "index.html");
        assert!(server.get("resolver").is_none());
        assert!(server.get("not_inherited").is_none());
        // One block writing `root` a thousand times: the last one wins, the others are
        // still there, and the chain a lookup walks is rebuilt before it grows long.
        for i in 0..1000 {
            server.set(key("root"), at(10 + i, &format!("/srv/{i}")));
        }
        assert_eq!(server.get("root").expect("root").first(), "/srv/999");
        assert_eq!(server.get("index").expect("index").first(), "index.html");
        let mut length = 0;
        let mut link = server.values.as_deref();
        while let Some(written) = link {
            length += 1;
            link = written.outer.as_deref();
        }
        assert!(length <= 2 * INHERITED.len(), "{length}");
    }

    fn server(patterns: &[&str]) -> Server {
        let span = |i: usize| Span::new(lint_source::FileId(0), i, i + 1);
        let mut locations = vec![EffectiveLocation::new(span(0), String::new())];
        for (i, p) in patterns.iter().enumerate() {
            locations.push(EffectiveLocation::new(span(i + 1), (*p).to_string()));
        }
        Server {
            span: span(0),
            keyword: span(0),
            listens: Vec::new(),
            names: Vec::new(),
            locations,
            certificate: None,
            alt_svc: false,
            http3_off: None,
            matchers: Default::default(),
            location_memo: Default::default(),
        }
    }

    fn picked<'s>(s: &'s Server, uri: &str) -> Option<&'s str> {
        s.location_for(uri).map(|l| l.pattern.as_str())
    }

    const ORDER: [&str; 8] = [
        "/",
        "/static/",
        "^~ /assets/",
        "= /exact",
        "@fallback",
        "~* \\.PHP$",
        "~\\.txt$",
        "~ ^/static/.*\\.js$",
    ];

    #[test]
    fn locations_are_picked_in_nginx_order() {
        let s = server(&ORDER);
        // An exact match wins at once.
        assert_eq!(picked(&s, "/exact"), Some("= /exact"));
        // `^~` stops the regexes: the longest prefix is `^~ /assets/`.
        assert_eq!(picked(&s, "/assets/x.php"), Some("^~ /assets/"));
        // Regexes in order beat a plain prefix; `~*` ignores case; no space after `~`.
        assert_eq!(picked(&s, "/static/a.js"), Some("~ ^/static/.*\\.js$"));
        assert_eq!(picked(&s, "/index.php"), Some("~* \\.PHP$"));
        assert_eq!(picked(&s, "/robots.txt"), Some("~\\.txt$"));
        // No regex: the longest prefix; a named location is never a prefix.
        assert_eq!(picked(&s, "/static/a.css"), Some("/static/"));
        assert_eq!(picked(&s, "@fallback"), None);
        assert_eq!(picked(&s, "/fallback"), Some("/"));
        assert_eq!(picked(&server(&["= /only"]), "/other"), None);
        // Asked twice, the same answer (the patterns are read once).
        assert_eq!(picked(&s, "/index.php"), Some("~* \\.PHP$"));
        // A server of many locations is matched through its index: the same answers.
        // Duplicates too: the first of each path is the one matched.
        let mut many = ORDER.to_vec();
        many.extend(["= /exact", "/static/"]);
        let padding: Vec<String> = (0..100).map(|i| format!("/zz{i}/")).collect();
        many.extend(padding.iter().map(String::as_str));
        let indexed = server(&many);
        for uri in [
            "/exact",
            "/assets/x.php",
            "/static/a.js",
            "/index.php",
            "/robots.txt",
            "/static/a.css",
            "@fallback",
            "/fallback",
            "/zz7/a",
            "/zz7",
            "/",
            "",
            "/é/x.php",
        ] {
            let expected = if uri.starts_with("/zz7/") {
                Some("/zz7/")
            } else {
                picked(&s, uri)
            };
            assert_eq!(picked(&indexed, uri), expected, "{uri}");
        }
        assert!(indexed.matchers.get().is_some_and(|m| m.levels.is_some()));
    }

    /// Each URI's answer is remembered per server (rules ask `/index.php` for every
    /// location: a server of 8 000 locations was 8 000 × 8 000 regex matches), keyed by
    /// the URI, bounded, and not carried into a clone.
    #[test]
    fn answers_are_remembered_per_uri_within_a_bound() {
        let patterns: Vec<String> = (0..1000)
            .flat_map(|i| [format!("/p{i}/"), format!("~ ^/r{i}/.*\\.php$")])
            .collect();
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let s = server(&refs);
        for _ in 0..3 {
            assert_eq!(picked(&s, "/r999/a.php"), Some("~ ^/r999/.*\\.php$"));
            assert_eq!(picked(&s, "/p17/a.php"), Some("/p17/"));
            assert_eq!(picked(&s, "/nothing"), None);
        }
        let memo_len = |s: &Server| s.location_memo.0.lock().map(|m| m.len()).unwrap_or(0);
        assert_eq!(memo_len(&s), 3);
        assert_eq!(memo_len(&s.clone()), 0);
        let small = server(&["/p5/", "~ \\.php$"]);
        for i in 0..LocationMemo::MAX + 10 {
            picked(&small, &format!("/u{i}"));
        }
        assert_eq!(memo_len(&small), LocationMemo::MAX);
        assert_eq!(picked(&small, "/p5/x"), Some("/p5/"));
        assert_eq!(picked(&small, "/p5/x.php"), Some("~ \\.php$"));
    }

    /// A prefix location's nested locations are searched before the regexes around it,
    /// and a regex nested in another prefix is not reachable from outside it.
    #[test]
    fn nested_locations_come_before_outer_regexes() {
        // (pattern, start, end): spans give the nesting, as in a file.
        let at = |a: usize, b: usize| Span::new(lint_source::FileId(0), a, b);
        let mut locations = vec![EffectiveLocation::new(at(0, 1000), String::new())];
        for (p, a, b) in [
            ("~ \\.php$", 10, 50),
            ("/wp-content/uploads", 60, 200),
            ("~* \\.php$", 80, 120),
            ("/wp-content/uploads/keep/", 130, 190),
            ("/admin/", 210, 400),
            ("~ \\.txt$", 220, 260),
        ] {
            locations.push(EffectiveLocation::new(at(a, b), p.to_string()));
        }
        // The same locations followed by many others (a server matched by its index):
        // the same answers.
        let mut padded = locations.clone();
        for i in 0..100 {
            padded.push(EffectiveLocation::new(
                at(500 + 2 * i, 501 + 2 * i),
                format!("/zz{i}/"),
            ));
        }
        for locations in [locations, padded] {
            // The model records each location's parent as it reads the blocks; here the
            // innermost enclosing span gives it.
            let mut locations = locations;
            for i in 1..locations.len() {
                let l = locations[i].span;
                locations[i].parent = (1..locations.len())
                    .filter(|&j| {
                        let p = locations[j].span;
                        j != i && p.start <= l.start && l.end <= p.end
                    })
                    .max_by_key(|&j| locations[j].span.start)
                    .and_then(|j| std::num::NonZeroU16::new(j as u16));
            }
            check_nesting(
                &Server {
                    locations,
                    ..server(&[])
                },
                at,
            );
        }
    }

    /// A location hands every request inward only to a location nested directly in it
    /// with the same pattern: not to a sibling, not to another regex, and a location
    /// that is not the server's own is never said to.
    #[test]
    fn every_request_goes_inward_only_to_a_nested_location_of_the_same_pattern() {
        let mut s = server(&[
            "~ \\.php$",
            "~ \\.php$",
            "~ \\.php$",
            "~ ^/admin/.+\\.php$",
            "/static/",
        ]);
        let parent = |i: u16| std::num::NonZeroU16::new(i);
        // 1 holds 2 (same pattern); 3 is a sibling of 1 of the same pattern, holding 4.
        s.locations[2].parent = parent(1);
        s.locations[4].parent = parent(3);
        assert!(s.hands_every_request_inward(&s.locations[1]));
        assert!(!s.hands_every_request_inward(&s.locations[2]));
        assert!(!s.hands_every_request_inward(&s.locations[3]));
        assert!(!s.hands_every_request_inward(&s.locations[5]));
        assert!(!s.hands_every_request_inward(&s.locations[0]));
        let other = server(&["~ \\.php$", "~ \\.php$"]);
        assert!(!s.hands_every_request_inward(&other.locations[1]));
        // The nested location is where a PHP URI lands.
        assert_eq!(
            s.location_for("/index.php").map(|l| l.span),
            Some(s.locations[2].span)
        );
        // The PHP locations rules judge: every one with a fastcgi_pass but 1, whose
        // requests all end in 2 (3 keeps the URIs its /admin/ child does not take).
        let mut s = s;
        for l in &mut s.locations[1..5] {
            l.fastcgi_pass = Some(Box::new((
                crate::model::address::NginxTarget::BarePath("php".into()),
                l.span,
            )));
        }
        let judged: Vec<Span> = s.fastcgi_locations().map(|l| l.span).collect();
        let expected: Vec<Span> = [2, 3, 4].iter().map(|&i| s.locations[i].span).collect();
        assert_eq!(judged, expected);
    }

    fn check_nesting(s: &Server, at: impl Fn(usize, usize) -> Span) {
        let s = s.clone();
        // WordOps: the nested deny wins over the outer PHP regex (live: 403).
        let nested = s.location_for("/wp-content/uploads/x.php").map(|l| l.span);
        assert_eq!(nested, Some(at(80, 120)));
        // A deeper prefix without a matching regex below it: the outer regex still runs.
        let php = s
            .location_for("/wp-content/uploads/keep/x.php")
            .map(|l| l.span);
        assert_eq!(php, Some(at(80, 120)));
        assert_eq!(picked(&s, "/index.php"), Some("~ \\.php$"));
        // The regex nested in /admin/ is not seen outside it.
        assert_eq!(picked(&s, "/notes.txt"), None);
        assert_eq!(picked(&s, "/admin/notes.txt"), Some("~ \\.txt$"));
        assert_eq!(
            picked(&s, "/wp-content/uploads/a.css"),
            Some("/wp-content/uploads")
        );
    }
}
