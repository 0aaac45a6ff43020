//! The server_names hash nginx builds per shared address (`ngx_http_server_names`,
//! `ngx_hash_init`): a name that does not fit in one bucket stops nginx; names
//! that fit but crowd the buckets make it warn.

use foldhash::{HashMap, HashMapExt};

use lint_source::{Diagnostic, Severity, Span};

use super::codes::SERVER_NAMES_HASH;
use super::listen::address;
use super::values::parse_size;
use crate::config::{Config, Item};
use crate::server_name::{server_name_form, ServerNameForm};

/// `ngx_cacheline_size` of the x86_64/arm64 builds distributions ship.
const CACHE_LINE: u64 = 64;
/// `sizeof(void *)` on the same builds.
const POINTER: u64 = 8;

/// `NGX_HASH_ELT_SIZE`: a pointer, then the name and its length, pointer-aligned.
fn element_size(len: usize) -> u64 {
    POINTER + (len as u64 + 2).div_ceil(POINTER) * POINTER
}

/// `ngx_hash_key_lc` over an already lower-cased name.
fn hash_key(name: &str) -> u64 {
    name.bytes()
        .fold(0u64, |k, c| k.wrapping_mul(31).wrapping_add(u64::from(c)))
}

/// The size search of `ngx_hash_init`: true when some table size up to `max_size`
/// keeps every bucket within `bucket_size`.
fn fits_optimally(keys: &[&str], bucket_size: u64, max_size: u64) -> bool {
    let usable = bucket_size - POINTER;
    let n = keys.len() as u64;
    let mut start = (n / (usable / (2 * POINTER)).max(1)).max(1);
    if max_size > 10_000 && n > 0 && max_size / n < 100 {
        start = max_size - 1000;
    }
    let hashes: Vec<(u64, u64)> = keys
        .iter()
        .map(|k| (hash_key(k), element_size(k.len())))
        .collect();
    let mut test = vec![0u64; max_size as usize + 1];
    'size: for size in start..=max_size {
        test[..size as usize].fill(0);
        for (key, elt) in &hashes {
            let slot = (key % size) as usize;
            let len = test[slot] + elt;
            if len > usable {
                continue 'size;
            }
            test[slot] = len;
        }
        return true;
    }
    false
}

struct Limits {
    bucket_size: u64,
    max_size: u64,
}

fn limits(http: &Item<'_>) -> Limits {
    let mut limits = Limits {
        bucket_size: CACHE_LINE,
        max_size: 512,
    };
    for item in http.children() {
        if item.is("server_names_hash_bucket_size") {
            if let Some(size) = item.arg(0).and_then(|a| parse_size(&a)) {
                // ngx_http_core_init_main_conf rounds it up to the cache line.
                limits.bucket_size = size.div_ceil(CACHE_LINE).max(1) * CACHE_LINE;
            }
        } else if item.is("server_names_hash_max_size") {
            if let Some(n) = item.arg(0).and_then(|a| a.parse().ok()) {
                limits.max_size = n;
            }
        }
    }
    limits
}

/// One address shared by servers: its exact names and wildcard labels.
#[derive(Default)]
struct SharedAddress {
    servers: usize,
    exact: Vec<(String, Span)>,
    seen: foldhash::HashSet<String>,
    labels: Vec<(String, Span)>,
}

/// Checks every `http` block.
pub fn check(config: &Config, out: &mut Vec<Diagnostic>) {
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        let limits = limits(&http);
        if limits.bucket_size > 65536 - CACHE_LINE {
            continue; // nginx's own "too large" message; the value check owns it.
        }
        // nginx builds the hash only for addresses with more than one server: the
        // servers of each address are counted first, and only the names of servers on a
        // shared address are copied (one `server_name` of 400 000 names on its own port
        // was copied three times here, to build a hash nginx never builds).
        let servers: Vec<Item<'_>> = http
            .children()
            .filter(|i| i.is("server") && i.is_block())
            .collect();
        let addresses: Vec<Vec<String>> = servers.iter().map(server_addresses).collect();
        let mut order: Vec<String> = Vec::new();
        let mut shared: HashMap<String, SharedAddress> = HashMap::new();
        for addr in addresses.iter().flatten() {
            if let Some(entry) = shared.get_mut(addr) {
                entry.servers += 1;
            } else {
                order.push(addr.clone());
                shared.insert(
                    addr.clone(),
                    SharedAddress {
                        servers: 1,
                        ..SharedAddress::default()
                    },
                );
            }
        }
        for (server, addresses) in servers.iter().zip(&addresses) {
            if !addresses
                .iter()
                .any(|a| shared.get(a).is_some_and(|g| g.servers > 1))
            {
                continue;
            }
            let mut names: Vec<(String, Span)> = Vec::new();
            for item in server.children().filter(|i| i.is("server_name")) {
                for (i, name) in item.args().enumerate() {
                    names.push((name.to_ascii_lowercase(), item.arg_span(i)));
                }
            }
            if names.is_empty() {
                names.push((String::new(), server.head_span()));
            }
            for addr in addresses {
                let Some(entry) = shared.get_mut(addr).filter(|g| g.servers > 1) else {
                    continue;
                };
                for (name, span) in &names {
                    add_name(entry, name, *span);
                }
            }
        }
        for addr in order {
            let Some(group) = shared.get(&addr) else {
                continue;
            };
            // nginx builds the hash only for addresses with more than one server.
            if group.servers < 2 {
                continue;
            }
            report(&addr, group, &limits, out);
        }
    }
}

/// The addresses a server listens on, sorted, each once (`0.0.0.0:80` without `listen`).
fn server_addresses(server: &Item<'_>) -> Vec<String> {
    let mut addresses: Vec<String> = server
        .children()
        .filter(|i| i.is("listen"))
        .filter_map(|l| l.arg(0).and_then(|a| address(&a)))
        .collect();
    if addresses.is_empty() {
        addresses.push("0.0.0.0:80".into());
    }
    addresses.sort();
    addresses.dedup();
    addresses
}

fn add_name(group: &mut SharedAddress, name: &str, span: Span) {
    match server_name_form(name) {
        ServerNameForm::Regex(_) | ServerNameForm::Variable => {}
        // `.example.com` lives in the wildcard hash only (it matches the bare domain from
        // there); the wildcard hashes are built label by label.
        ServerNameForm::DotDomain(part)
        | ServerNameForm::Head(part)
        | ServerNameForm::Tail(part) => {
            for label in part.split('.').filter(|l| !l.is_empty() && *l != "*") {
                group.labels.push((label.to_string(), span));
            }
        }
        ServerNameForm::Exact(exact) => {
            if group.seen.insert(exact.to_string()) {
                group.exact.push((exact.to_string(), span));
            }
        }
    }
}

fn report(addr: &str, group: &SharedAddress, limits: &Limits, out: &mut Vec<Diagnostic>) {
    let too_long = group
        .exact
        .iter()
        .chain(&group.labels)
        .find(|(n, _)| limits.bucket_size < element_size(n.len()) + POINTER);
    if let Some((name, span)) = too_long {
        let fits = (2..=16)
            .map(|k| k * CACHE_LINE)
            .find(|b| *b >= element_size(name.len()) + POINTER)
            .unwrap_or(1024);
        out.push(
            Diagnostic::new(
                &SERVER_NAMES_HASH,
                *span,
                format!(
                    "could not build server_names_hash, you should increase server_names_hash_bucket_size: {}",
                    limits.bucket_size
                ),
            )
            .with_label(format!("{} characters: does not fit a {}-byte bucket", name.len(), limits.bucket_size))
            .with_note(format!("several servers share {addr}, so nginx hashes their names"))
            .with_help(format!("add `server_names_hash_bucket_size {fits};` to the http block")),
        );
        return;
    }
    let keys: Vec<&str> = group.exact.iter().map(|(n, _)| n.as_str()).collect();
    if !keys.is_empty() && !fits_optimally(&keys, limits.bucket_size, limits.max_size) {
        let span = group.exact[0].1;
        out.push(
            Diagnostic::new(
                &SERVER_NAMES_HASH,
                span,
                format!(
                    "could not build optimal server_names_hash, you should increase either server_names_hash_max_size: {} or server_names_hash_bucket_size: {}; ignoring server_names_hash_bucket_size",
                    limits.max_size, limits.bucket_size
                ),
            )
            .with_severity(Severity::Warning)
            .with_note(format!("{} names on {addr}", keys.len()))
            .with_help("raise server_names_hash_max_size (e.g. 1024 or 2048) in the http block"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_six_characters_fit_the_default_bucket() {
        assert!(64 >= element_size(46) + POINTER);
        assert!(64 < element_size(47) + POINTER);
        assert!(128 >= element_size(110) + POINTER);
    }

    #[test]
    fn many_short_names_fit_a_large_table() {
        let names: Vec<String> = (0..400).map(|i| format!("site{i}.example.com")).collect();
        let keys: Vec<&str> = names.iter().map(String::as_str).collect();
        assert!(fits_optimally(&keys, 64, 4096));
        assert!(!fits_optimally(&keys, 64, 8));
    }
}
