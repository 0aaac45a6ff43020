//! Shared memory zones named by a directive that no zone directive defines: nginx
//! stops with `"fastcgi_cache" zone "mwfc" is unknown` (caches, checked once the whole
//! configuration is read) or `zero size shared memory zone "one"` (`limit_req`,
//! `limit_conn`). A zone may be defined after its use, anywhere in `http`.

use foldhash::HashSet;

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use super::log_formats::ENTRY_BLOCKS;
use crate::config::{Config, Item, Items};

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

/// Checks every zone use of every `http` block. Not run when an include of the tree
/// could not be read: the zone may be defined there.
pub(super) fn check(config: &Config, out: &mut Vec<Diagnostic>) {
    let unread = config.diagnostics.iter().any(|d| {
        d.code == crate::codes::INCLUDE_NOT_FOUND.code
            || d.code == crate::codes::INCLUDE_UNKNOWN.code
            || d.code == crate::codes::UNREADABLE.code
    });
    if unread {
        return;
    }
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        let mut zones: HashSet<(&'static str, String)> = HashSet::default();
        let mut uses: Vec<(Item<'_>, &'static str, String, usize)> = Vec::new();
        let mut stack: Vec<Items<'_>> = vec![http.children()];
        while let Some(top) = stack.last_mut() {
            let Some(item) = top.next() else {
                stack.pop();
                continue;
            };
            for (using, defining) in USES {
                if item.is(defining) {
                    if let Some(zone) = defined(&item) {
                        zones.insert((defining, zone));
                    }
                } else if item.is(using) {
                    if let Some((zone, at)) = used(&item) {
                        uses.push((item, defining, zone, at));
                    }
                }
            }
            if item.is_block() && !ENTRY_BLOCKS.iter().any(|b| item.is(b)) {
                stack.push(item.children());
            }
        }
        for (item, defining, zone, at) in uses {
            if zones.contains(&(defining, zone.clone())) {
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
