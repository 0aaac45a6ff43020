//! Shared memory zones named by a directive that no zone directive defines: nginx
//! stops with `"fastcgi_cache" zone "mwfc" is unknown` (caches, checked once the whole
//! configuration is read) or `zero size shared memory zone "one"` (`limit_req`,
//! `limit_conn`). A zone may be defined after its use, anywhere in `http`.

use foldhash::HashSet;

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use crate::config::{Config, Item};

/// A directive that uses a zone, and the directive that defines zones of that kind.
const USES: &[(&str, &str)] = &[
    ("fastcgi_cache", "fastcgi_cache_path"),
    ("proxy_cache", "proxy_cache_path"),
    ("uwsgi_cache", "uwsgi_cache_path"),
    ("scgi_cache", "scgi_cache_path"),
    ("limit_req", "limit_req_zone"),
    ("limit_conn", "limit_conn_zone"),
];

/// The zone a defining directive names: `keys_zone=NAME:size` of a cache path,
/// `zone=NAME:size` of a limit zone.
fn defined(item: &Item<'_>) -> Option<String> {
    let key = if item.name().ends_with("_cache_path") {
        "keys_zone="
    } else {
        "zone="
    };
    item.args().find_map(|a| {
        let rest = a.strip_prefix(key)?;
        Some(rest.split(':').next().unwrap_or(rest).to_string())
    })
}

/// The zone a using directive names, with its argument's index; `None` for `off` and
/// names built from variables (a cache picked per request).
fn used(item: &Item<'_>) -> Option<(String, usize)> {
    if item.is("limit_req") {
        return item.args().enumerate().find_map(|(i, a)| {
            a.strip_prefix("zone=")
                .map(|z| (z.to_string(), i))
                .filter(|(z, _)| !z.contains('$'))
        });
    }
    let name = item.arg(0)?;
    (name != "off" && !name.contains('$')).then(|| (name.into_owned(), 0))
}

/// What the walk of one `http` block gathers: the zones defined and the zones used,
/// judged when the walk ends (a zone may be defined after its use). Fed by the walk of
/// [`super::log_formats`], as [`super::pass_ports::Passes`] is: a walk of its own cost a
/// tenth of the load checks on a 5 000-site tree.
#[derive(Default)]
pub(super) struct Zones<'a> {
    defined: HashSet<(&'static str, String)>,
    uses: Vec<(Item<'a>, &'static str, String, usize)>,
}

impl<'a> Zones<'a> {
    /// Notes a statement of the `http` block (at any depth).
    pub(super) fn observe(&mut self, item: &Item<'a>) {
        // Every name of USES ends in `_cache` or `_cache_path` or starts with `limit_`:
        // most statements are ruled out by three comparisons of a few bytes instead of
        // twelve (or a substring search).
        let name = item.name();
        if !(name.ends_with("_cache")
            || name.ends_with("_cache_path")
            || name.starts_with("limit_"))
        {
            return;
        }
        for (using, defining) in USES {
            if name == *defining {
                if let Some(zone) = defined(item) {
                    self.defined.insert((defining, zone));
                }
            } else if name == *using {
                if let Some((zone, at)) = used(item) {
                    self.uses.push((*item, defining, zone, at));
                }
            }
        }
    }

    /// Reports the uses of zones no directive of the block defines.
    pub(super) fn report(self, out: &mut Vec<Diagnostic>) {
        for (item, defining, zone, at) in self.uses {
            if self.defined.contains(&(defining, zone.clone())) {
                continue;
            }
            let name = item.name();
            let message = if name.starts_with("limit_") {
                format!("zero size shared memory zone \"{zone}\"")
            } else {
                format!("\"{name}\" zone \"{zone}\" is unknown")
            };
            out.push(
                Diagnostic::new(&INVALID_VALUE, item.arg_span(at), message).with_help(format!(
                    "define it with `{defining}` in http (or name a zone that is defined)"
                )),
            );
        }
    }
}

/// Whether the zones of `config` can be judged: not when an include of the tree could
/// not be read (the zone may be defined there).
pub(super) fn judged(config: &Config) -> bool {
    !config.diagnostics.iter().any(|d| {
        d.code == crate::codes::INCLUDE_NOT_FOUND.code
            || d.code == crate::codes::INCLUDE_UNKNOWN.code
            || d.code == crate::codes::UNREADABLE.code
    })
}
