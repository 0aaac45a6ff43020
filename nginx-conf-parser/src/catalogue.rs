//! The directive catalogue: every directive of nginx (newest and 1.22.1, the
//! version Debian ships) and of 20 common third-party modules, with contexts,
//! argument counts and value kinds.
//!
//! The data are the TSV files under `data/`, compiled into the binary and
//! indexed once on first use.

use foldhash::{HashMap, HashMapExt};
use std::sync::OnceLock;

use lint_source::distance::CharBag;

const LATEST_TSV: &str = include_str!("../data/nginx-directives.tsv");
const V1_22_TSV: &str = include_str!("../data/nginx-directives-1.22.1.tsv");
const REMOVED_TSV: &str = include_str!("../data/nginx-directives-removed.tsv");

/// Which nginx the configuration is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NginxVersion {
    /// 1.22.x, what Debian bookworm ships.
    V1_22,
    /// The newest nginx (1.31.x).
    #[default]
    Latest,
}

impl NginxVersion {
    /// Parses `1.22`, `1.22.1`, `latest`; other 1.x versions pick the nearest table.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("latest") {
            return Some(NginxVersion::Latest);
        }
        let mut parts = text.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        if major != 1 {
            return None;
        }
        Some(if minor <= 24 {
            NginxVersion::V1_22
        } else {
            NginxVersion::Latest
        })
    }

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            NginxVersion::V1_22 => "1.22",
            NginxVersion::Latest => "1.31",
        }
    }
}

/// How many arguments a directive takes (the name excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Any number.
    Any,
    /// Exactly one, `on` or `off`.
    Flag,
    /// At least N.
    AtLeast(usize),
    /// One of the listed counts.
    OneOf(Vec<usize>),
}

impl Arity {
    fn parse(text: &str) -> Arity {
        match text {
            "any" => Arity::Any,
            "flag" => Arity::Flag,
            "1+" => Arity::AtLeast(1),
            "2+" => Arity::AtLeast(2),
            list => Arity::OneOf(list.split('|').filter_map(|n| n.parse().ok()).collect()),
        }
    }

    /// Whether `n` arguments pass nginx's count check.
    pub fn accepts(&self, n: usize) -> bool {
        match self {
            Arity::Any => true,
            Arity::Flag => n == 1,
            Arity::AtLeast(min) => n >= *min,
            Arity::OneOf(list) => n <= 7 && list.contains(&n),
        }
    }
}

/// One row of the table: a directive in one module.
#[derive(Clone, Debug)]
pub struct DirectiveSpec {
    /// Name, case-sensitive.
    pub name: &'static str,
    /// `core`, `event`, `http`, `stream`, `mail`, `rtmp`.
    pub subsystem: &'static str,
    /// Contexts it is allowed in (`main`, `http`, `server`, `location`, `if_location`, ..., `any`).
    pub contexts: Vec<&'static str>,
    /// True for `name ... { }` directives.
    pub block: bool,
    /// Argument count rule.
    pub arity: Arity,
    /// `flag`, `msec`, `size`, `enum:a/b`, ... (see the reference).
    pub value_kind: &'static str,
    /// The C handler (standard slots reject duplicates).
    pub set_handler: &'static str,
    /// The module that defines it.
    pub module: &'static str,
    /// How the module gets built in.
    pub build: &'static str,
    /// First release, `-` for third-party.
    pub since: &'static str,
    /// Third-party module name when not from nginx itself.
    pub third_party: Option<&'static str>,
    /// Notes: block body context, deprecated/obsolete, bounds.
    pub notes: &'static str,
    /// The first word of the `block body context:` note, read once with the table:
    /// it is asked for every block of every tree.
    body: Option<&'static str>,
}

impl DirectiveSpec {
    /// Whether the directive is allowed in `context`.
    pub fn allowed_in(&self, context: &str) -> bool {
        self.contexts.iter().any(|c| *c == context || *c == "any")
    }

    /// The context of this block's body when opened in `parent`.
    pub fn body_context(&self, parent: &str) -> Option<&'static str> {
        match self.body? {
            "if_server/if_location" => Some(if parent == "server" {
                "if_server"
            } else {
                "if_location"
            }),
            // A slice of the static table.
            other => Some(other),
        }
    }

    /// True when a second occurrence in one block is `is duplicate`.
    pub fn rejects_duplicates(&self) -> bool {
        matches!(
            self.set_handler,
            "ngx_conf_set_flag_slot"
                | "ngx_conf_set_str_slot"
                | "ngx_conf_set_num_slot"
                | "ngx_conf_set_size_slot"
                | "ngx_conf_set_off_slot"
                | "ngx_conf_set_msec_slot"
                | "ngx_conf_set_sec_slot"
                | "ngx_conf_set_bufs_slot"
                | "ngx_conf_set_enum_slot"
                | "ngx_conf_set_path_slot"
                // Handlers of their own that refuse a second value with the same words
                // (checked with nginx 1.22 -t): `root`/`alias`, the `*_pass` family,
                // `try_files`, `keepalive_timeout`, `expires`, `internal`, complex values
                // (`auth_basic`, `limit_rate`), `charset`, `resolver`, `user`,
                // `worker_processes`.
                | "ngx_http_core_root"
                | "ngx_http_fastcgi_pass"
                | "ngx_http_proxy_pass"
                | "ngx_stream_proxy_pass"
                | "ngx_http_uwsgi_pass"
                | "ngx_http_scgi_pass"
                | "ngx_http_grpc_pass"
                | "ngx_http_memcached_pass"
                | "ngx_http_try_files"
                | "ngx_http_core_keepalive"
                | "ngx_http_headers_expires"
                | "ngx_http_core_internal"
                | "ngx_http_set_complex_value_slot"
                | "ngx_http_set_complex_value_size_slot"
                | "ngx_http_set_charset_slot"
                | "ngx_http_core_resolver"
                | "ngx_set_user"
                | "ngx_set_worker_processes"
                // Also refusing any second occurrence in one block (nginx's sources; each
                // with a differential case or a Debian-corpus file): blocks, cache and store
                // settings, open-file caches, access modes, geoip, mail and stream twins.
                | "ngx_conf_set_access_slot"
                | "ngx_set_cpu_affinity"
                | "ngx_events_block"
                | "ngx_event_connections"
                | "ngx_event_use"
                | "ngx_http_block"
                | "ngx_mail_block"
                | "ngx_stream_block"
                | "ngx_http_core_limit_except"
                | "ngx_http_core_set_aio"
                | "ngx_http_core_directio"
                | "ngx_http_core_open_file_cache"
                | "ngx_http_disable_symlinks"
                | "ngx_http_auth_basic_user_file"
                | "ngx_http_auth_request"
                | "ngx_http_log_open_file_cache"
                | "ngx_http_upstream_keepalive"
                | "ngx_http_userid_expires"
                | "ngx_http_userid_mark"
                | "ngx_http_xslt_entities"
                | "ngx_http_fastcgi_store"
                | "ngx_http_fastcgi_cache"
                | "ngx_http_fastcgi_cache_key"
                | "ngx_http_proxy_store"
                | "ngx_http_proxy_cache"
                | "ngx_http_proxy_cache_key"
                | "ngx_http_proxy_ssl_password_file"
                | "ngx_http_uwsgi_store"
                | "ngx_http_uwsgi_cache"
                | "ngx_http_uwsgi_cache_key"
                | "ngx_http_uwsgi_ssl_password_file"
                | "ngx_http_scgi_store"
                | "ngx_http_scgi_cache"
                | "ngx_http_scgi_cache_key"
                | "ngx_http_grpc_ssl_password_file"
                | "ngx_http_ssl_password_file"
                | "ngx_http_geoip_country"
                | "ngx_http_geoip_org"
                | "ngx_http_geoip_city"
                | "ngx_mail_core_resolver"
                | "ngx_mail_ssl_password_file"
                | "ngx_stream_core_resolver"
                | "ngx_stream_log_open_file_cache"
                | "ngx_stream_proxy_bind"
                | "ngx_stream_return"
                | "ngx_stream_ssl_password_file"
                | "ngx_stream_geoip_country"
                | "ngx_stream_geoip_org"
                | "ngx_stream_geoip_city"
        )
    }

    /// The slot a second occurrence collides with: `root` and `alias` share one
    /// (nginx: `"alias" directive is duplicate, "root" directive was specified earlier`).
    pub fn duplicate_slot(&self) -> &'static str {
        if self.set_handler == "ngx_http_core_root" {
            "root"
        } else {
            self.name
        }
    }
}

/// A directive that existed in older releases.
#[derive(Clone, Debug)]
pub struct RemovedSpec {
    /// Subsystem.
    pub subsystem: &'static str,
    /// First release that had it.
    pub first: &'static str,
    /// Last release that had it.
    pub last: &'static str,
}

/// An indexed table for one nginx version.
#[derive(Debug)]
pub struct Catalogue {
    by_name: HashMap<&'static str, Vec<DirectiveSpec>>,
    /// Names by length, sorted: a did-you-mean within `k` edits only needs the names
    /// whose length is within `k` (directive names are ASCII, so bytes are chars).
    by_length: Vec<Vec<(&'static str, CharBag)>>,
}

impl Catalogue {
    fn new(by_name: HashMap<&'static str, Vec<DirectiveSpec>>) -> Catalogue {
        let mut by_length: Vec<Vec<(&'static str, CharBag)>> = Vec::new();
        for &name in by_name.keys() {
            let len = name.chars().count();
            if by_length.len() <= len {
                by_length.resize_with(len + 1, Vec::new);
            }
            by_length[len].push((name, CharBag::new(name)));
        }
        by_length
            .iter_mut()
            .for_each(|names| names.sort_unstable_by_key(|(name, _)| *name));
        Catalogue { by_name, by_length }
    }
}

fn parse_table(tsv: &'static str, with_third_party: bool) -> Catalogue {
    let mut by_name: HashMap<&'static str, Vec<DirectiveSpec>> = HashMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&'static str> = line.split('\t').collect();
        if cols.len() < 13 {
            continue;
        }
        let third_party = cols[1]
            .strip_prefix("third-party:")
            .map(|rest| rest.split('/').next().unwrap_or(rest));
        if third_party.is_some() && !with_third_party {
            continue;
        }
        let (block, args) = match cols[4].strip_prefix("block,") {
            Some(rest) => (true, rest),
            None => (false, cols[4]),
        };
        let spec = DirectiveSpec {
            name: cols[0],
            subsystem: cols[2],
            contexts: cols[3].split(',').collect(),
            block,
            arity: Arity::parse(args),
            value_kind: cols[5],
            set_handler: cols[6],
            module: cols[7],
            build: cols[8],
            since: cols[10],
            third_party,
            notes: cols[12],
            body: body_note(cols[12]),
        };
        by_name.entry(cols[0]).or_default().push(spec);
    }
    Catalogue::new(by_name)
}

/// The first word of a `block body context: X` note (the key begins a `;`-separated note).
fn body_note(notes: &'static str) -> Option<&'static str> {
    const KEY: &str = "block body context: ";
    let mut from = 0;
    let note = loop {
        let at = from + notes.get(from..)?.find(KEY)?;
        let before = notes[..at].trim_end();
        if before.is_empty() || before.ends_with(';') {
            let rest = &notes[at + KEY.len()..];
            break rest[..rest.find(';').unwrap_or(rest.len())].trim();
        }
        from = at + KEY.len();
    };
    Some(note.split_whitespace().next().unwrap_or(note))
}

impl Catalogue {
    /// The table for a version (third-party modules included; callers decide whether they are loaded).
    pub fn get(version: NginxVersion) -> &'static Catalogue {
        static LATEST: OnceLock<Catalogue> = OnceLock::new();
        static V1_22: OnceLock<Catalogue> = OnceLock::new();
        match version {
            NginxVersion::Latest => LATEST.get_or_init(|| parse_table(LATEST_TSV, true)),
            NginxVersion::V1_22 => V1_22.get_or_init(|| {
                // 1.22's own table has no third-party rows: take them from the newest table.
                let mut by_name = parse_table(V1_22_TSV, false).by_name;
                let third = parse_table(LATEST_TSV, true);
                for (name, specs) in third.by_name {
                    for spec in specs.into_iter().filter(|s| s.third_party.is_some()) {
                        by_name.entry(name).or_default().push(spec);
                    }
                }
                Catalogue::new(by_name)
            }),
        }
    }

    /// Every row named `name`.
    pub fn lookup(&self, name: &str) -> &[DirectiveSpec] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every directive name.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_name.keys().copied()
    }

    /// The names that may be within `max` edits of `name`: those whose length (in
    /// chars) and bag of chars are both within `max` of `name`'s (each length's names
    /// in byte order). A superset of the answer, for a did-you-mean to measure.
    pub fn names_maybe_near<'a>(
        &'a self,
        name: &str,
        max: usize,
    ) -> impl Iterator<Item = &'static str> + 'a {
        let len = name.chars().count();
        let bag = CharBag::new(name);
        let lo = len.saturating_sub(max).min(self.by_length.len());
        let hi = len.saturating_add(max + 1).min(self.by_length.len());
        self.by_length[lo..hi]
            .iter()
            .flatten()
            .filter(move |(_, other)| bag.lower_bound(other) <= max)
            .map(|(name, _)| *name)
    }

    /// The release a directive was removed after, if it was.
    pub fn removed(name: &str) -> Option<RemovedSpec> {
        // Indexed once: every unknown directive asks, and fuzzed input is mostly those.
        static REMOVED: OnceLock<HashMap<&'static str, RemovedSpec>> = OnceLock::new();
        REMOVED
            .get_or_init(|| {
                let mut table = HashMap::new();
                for line in REMOVED_TSV.lines().skip(1) {
                    let cols: Vec<&'static str> = line.split('\t').collect();
                    if cols.len() >= 4 {
                        table.entry(cols[1]).or_insert(RemovedSpec {
                            subsystem: cols[0],
                            first: cols[2],
                            last: cols[3],
                        });
                    }
                }
                table
            })
            .get(name)
            .cloned()
    }
}

/// The subsystem that owns statements in `context`.
pub fn subsystem_of(context: &str) -> &'static str {
    match context {
        "main" => "core",
        "events" => "event",
        c if c.starts_with("stream") => "stream",
        c if c.starts_with("mail") => "mail",
        c if c.starts_with("rtmp") => "rtmp",
        _ => "http",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_and_know_the_common_directives() {
        for version in [NginxVersion::V1_22, NginxVersion::Latest] {
            let cat = Catalogue::get(version);
            let pass = cat.lookup("fastcgi_pass");
            assert_eq!(pass.len(), 1);
            assert!(pass[0].allowed_in("location") && !pass[0].allowed_in("server"));
            let server = cat.lookup("server");
            assert!(server
                .iter()
                .any(|s| s.block && s.body_context("http") == Some("server")));
            assert!(cat
                .lookup("more_set_headers")
                .iter()
                .all(|s| s.third_party == Some("headers-more")));
            // Patched builds' directives (WordOps, nginx-ee): third-party, not unknown.
            for name in [
                "ssl_dyn_rec_enable",
                "ssl_dyn_rec_timeout",
                "ipscrub_period_seconds",
            ] {
                let specs = cat.lookup(name);
                assert!(
                    !specs.is_empty() && specs.iter().all(|s| s.third_party.is_some()),
                    "{name}"
                );
            }
        }
        assert!(Catalogue::get(NginxVersion::V1_22)
            .lookup("http3_hq")
            .is_empty());
        assert!(!Catalogue::get(NginxVersion::Latest)
            .lookup("http3_hq")
            .is_empty());
    }

    #[test]
    fn arity_follows_nginx_counts() {
        assert!(Arity::parse("1|2").accepts(2));
        assert!(!Arity::parse("1|2").accepts(3));
        assert!(Arity::parse("2+").accepts(9));
        assert!(!Arity::parse("flag").accepts(0));
        assert_eq!(NginxVersion::parse("1.22.1"), Some(NginxVersion::V1_22));
        assert_eq!(NginxVersion::parse("latest"), Some(NginxVersion::Latest));
        assert_eq!(NginxVersion::parse("2.0"), None);
    }
}
