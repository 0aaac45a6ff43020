//! Values of the standard slots, parsed as nginx parses them (nom grammars).

use nom::branch::alt;
use nom::bytes::complete::tag_no_case;
use nom::character::complete::{digit1, one_of};
use nom::combinator::{all_consuming, opt};
use nom::sequence::pair;
use nom::IResult;

use crate::catalogue::DirectiveSpec;
use crate::config::Item;

fn size(input: &str, allow_g: bool) -> bool {
    let suffixes = if allow_g { "kKmMgG" } else { "kKmM" };
    let r: IResult<&str, (&str, Option<char>)> =
        all_consuming(pair(digit1, opt(one_of(suffixes))))(input);
    r.is_ok()
}

/// A size in bytes (`16k`, `1m`, `512`), as `ngx_parse_size` reads it.
pub fn parse_size(input: &str) -> Option<u64> {
    let (digits, mult) = match input.as_bytes().last()? {
        b'k' | b'K' => (&input[..input.len() - 1], 1024),
        b'm' | b'M' => (&input[..input.len() - 1], 1024 * 1024),
        _ => (input, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

/// nginx's `ngx_parse_time`: units in strictly decreasing order, each once.
/// A bare number is seconds.
pub fn parse_time(input: &str, allow_ms: bool) -> Option<u64> {
    let units: &[(&str, u64)] = if allow_ms {
        &[
            ("w", 604_800_000),
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("ms", 1),
            ("m", 60_000),
            ("s", 1_000),
        ]
    } else {
        &[
            ("y", 31_536_000_000),
            ("M", 2_592_000_000),
            ("w", 604_800_000),
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
        ]
    };
    let rank = |u: &str| -> u8 {
        match u {
            "y" => 8,
            "M" => 7,
            "w" => 6,
            "d" => 5,
            "h" => 4,
            "m" => 3,
            "s" => 2,
            _ => 1,
        }
    };
    let mut rest = input;
    let mut total: u64 = 0;
    let mut last_rank = u8::MAX;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let r: IResult<&str, &str> = digit1(rest);
        let (after, digits) = r.ok()?;
        let n: u64 = digits.parse().ok()?;
        let unit = units.iter().find(|(u, _)| after.starts_with(u));
        match unit {
            Some((u, mult)) => {
                if rank(u) >= last_rank {
                    return None;
                }
                last_rank = rank(u);
                total = total.checked_add(n.checked_mul(*mult)?)?;
                rest = after[u.len()..]
                    .strip_prefix(' ')
                    .unwrap_or(&after[u.len()..]);
            }
            None if after.is_empty() => {
                if last_rank != u8::MAX {
                    return None;
                }
                total = n.checked_mul(1_000)?;
                rest = after;
            }
            None => return None,
        }
    }
    Some(total)
}

fn flag(input: &str) -> bool {
    let r: IResult<&str, &str> = all_consuming(alt((tag_no_case("on"), tag_no_case("off"))))(input);
    r.is_ok()
}

/// The message nginx prints for an invalid value, if the value is invalid.
pub fn check_value(spec: &DirectiveSpec, item: &Item<'_>) -> Option<String> {
    let name = spec.name;
    if name == "if" {
        // Conditions name variables by design: checked before the variable escape below.
        return if_condition(item);
    }
    let first = item.arg(0)?;
    if name == "proxy_pass" && spec.module == "ngx_http_proxy_module" {
        // ngx_http_proxy_pass: without variables the URL must name its scheme.
        let lower = first.to_ascii_lowercase();
        return (!first.contains('$')
            && !lower.starts_with("http://")
            && !lower.starts_with("https://"))
        .then(|| "invalid URL prefix".to_string());
    }
    // nginx's standard slots (flag, number, size, offset, time) never expand variables:
    // `fastcgi_read_timeout $t;` is an invalid value there. Other handlers may take them.
    if first.contains('$')
        && !matches!(
            spec.value_kind,
            "flag" | "num" | "size" | "off" | "msec" | "sec" | "bufs"
        )
    {
        return None;
    }
    match spec.value_kind {
        "flag" => (!flag(&first)).then(|| {
            format!(
                "invalid value \"{first}\" in \"{name}\" directive, it must be \"on\" or \"off\""
            )
        }),
        "num" => first
            .bytes()
            .any(|b| !b.is_ascii_digit())
            .then(|| format!("\"{name}\" directive invalid number")),
        "size" => (!size(&first, false)).then(|| format!("\"{name}\" directive invalid value")),
        "off" => (!size(&first, true)).then(|| format!("\"{name}\" directive invalid value")),
        "msec" => parse_time(&first, true)
            .is_none()
            .then(|| format!("\"{name}\" directive invalid value")),
        "sec" => parse_time(&first, false)
            .is_none()
            .then(|| format!("\"{name}\" directive invalid value")),
        "bufs" => {
            let n = item.arg(1)?;
            let ok = first.bytes().all(|b| b.is_ascii_digit())
                && first.parse::<u64>().is_ok_and(|v| v > 0)
                && size(&n, false)
                && !n.starts_with('0');
            (!ok).then(|| format!("\"{name}\" directive invalid value"))
        }
        kind if kind.starts_with("enum:") || kind.starts_with("bitmask:") => {
            let words: Vec<&str> = kind
                .split_once(':')
                .map(|(_, w)| w.split('/').collect())
                .unwrap_or_default();
            for arg in item.args() {
                if !words.iter().any(|w| w.eq_ignore_ascii_case(&arg)) {
                    return Some(format!(
                        "invalid value \"{arg}\" in \"{name}\" directive, it must be one of: {}",
                        words.join(", ")
                    ));
                }
                if kind.starts_with("enum:") {
                    break;
                }
            }
            None
        }
        _ => special(name, item),
    }
}

/// Directives with their own parsers that users get wrong most.
fn special(name: &str, item: &Item<'_>) -> Option<String> {
    match name {
        "return" => {
            let first = item.arg(0)?;
            if first.bytes().all(|b| b.is_ascii_digit()) {
                let code: u32 = first.parse().ok()?;
                if code > 999 {
                    return Some(format!("invalid return code \"{first}\""));
                }
            } else if item.arg_count() == 2 {
                return Some(format!("invalid return code \"{first}\""));
            }
            None
        }
        "rewrite" => {
            let flag = item.arg(2)?;
            (!matches!(flag.as_ref(), "last" | "break" | "redirect" | "permanent"))
                .then(|| format!("invalid parameter \"{flag}\""))
        }
        "listen" => listen_address(item).or_else(|| listen_params(item)),
        "if" => if_condition(item),
        "fastcgi_pass" | "proxy_pass" | "uwsgi_pass" | "scgi_pass" | "grpc_pass"
        | "memcached_pass" | "server" => {
            let addr = item.arg(0)?;
            let path = addr.split_once("unix:")?.1;
            let path = path.split(':').next().unwrap_or(path);
            // sun_path holds 108 bytes including the terminating NUL.
            (path.len() > 107)
                .then(|| format!("too long path in the unix domain socket in \"{name}\""))
        }
        _ => None,
    }
}

/// `if (...)` as the rewrite module reads it: a variable, a comparison, a regex
/// match or a file test, in parentheses.
fn if_condition(item: &Item<'_>) -> Option<String> {
    let args: Vec<String> = item.args().map(|a| a.into_owned()).collect();
    let all = args.join(" ");
    let invalid = || Some(format!("invalid condition \"{all}\""));
    let first = args.first()?;
    let last = args.last()?;
    if !first.starts_with('(') || !last.ends_with(')') {
        return invalid();
    }
    let mut words: Vec<String> = args.clone();
    let n = words.len();
    words[0] = words[0][1..].to_string();
    let end = words[n - 1].len() - 1;
    words[n - 1] = words[n - 1][..end].to_string();
    words.retain(|w| !w.is_empty());
    match words.as_slice() {
        [] => invalid(),
        [v] if v.starts_with('$') => None,
        [op, _]
            if matches!(
                op.as_str(),
                "-f" | "!-f" | "-d" | "!-d" | "-e" | "!-e" | "-x" | "!-x"
            ) =>
        {
            None
        }
        [v, op, _] if v.starts_with('$') => {
            if matches!(op.as_str(), "=" | "!=" | "~" | "~*" | "!~" | "!~*") {
                None
            } else {
                Some(format!("unexpected \"{op}\" in condition"))
            }
        }
        [v, op, ..] if v.starts_with('$') => Some(format!("unexpected \"{op}\" in condition")),
        _ => invalid(),
    }
}

/// The port part of a `listen` address, as `ngx_parse_inet_url` checks it: 1–65535, or a
/// `low-high` range (since 1.15.10) with low ≤ high.
fn listen_address(item: &Item<'_>) -> Option<String> {
    let address = item.arg(0)?;
    // No port means 80; unix sockets have none.
    let (_, port) = super::listen::host_and_port(&address)?;
    let port = port?;
    let valid = |p: &str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
    };
    match port.split_once('-') {
        Some((low, high)) if valid(low) && valid(high) => (low.parse::<u32>().ok()
            > high.parse::<u32>().ok())
        .then(|| format!("invalid port range in \"{address}\" of the \"listen\" directive")),
        _ if valid(port) => None,
        _ => Some(format!(
            "invalid port in \"{address}\" of the \"listen\" directive"
        )),
    }
}

fn listen_params(item: &Item<'_>) -> Option<String> {
    for param in item.args().skip(1) {
        let word = param.split('=').next().unwrap_or(&param);
        let known = matches!(
            word,
            "default_server"
                | "default"
                | "ssl"
                | "http2"
                | "quic"
                | "proxy_protocol"
                | "bind"
                | "backlog"
                | "rcvbuf"
                | "sndbuf"
                | "setfib"
                | "fastopen"
                | "accept_filter"
                | "deferred"
                | "ipv6only"
                | "reuseport"
                | "so_keepalive"
                | "multipath"
        );
        if !known {
            return Some(format!("invalid parameter \"{param}\""));
        }
    }
    None
}

/// Regexes nginx compiles at load (PCRE): `location ~`, `server_name ~`, `rewrite`, `if (... ~ ...)`.
/// We use fancy-regex, which accepts PCRE's lookaround and backreferences.
pub fn check_regex(item: &Item<'_>) -> Option<String> {
    let pattern: String = if item.is("location") {
        match (item.arg_count(), item.arg(0)?.as_ref()) {
            (2, "~" | "~*") => item.arg(1)?.into_owned(),
            (1, f) if f.starts_with("~*") => f[2..].to_string(),
            (1, f) if f.starts_with('~') => f[1..].to_string(),
            _ => return None,
        }
    } else if item.is("rewrite") {
        item.arg(0)?.into_owned()
    } else if item.is("server_name") {
        for name in item.args() {
            if let Some(re) = name.strip_prefix('~') {
                if let Some(msg) = compile(re) {
                    return Some(msg);
                }
            }
        }
        return None;
    } else {
        return None;
    };
    compile(&pattern)
}

fn compile(pattern: &str) -> Option<String> {
    if pattern.is_empty() {
        return None;
    }
    // Named captures in PCRE may be written (?<n>..), (?'n'..) or (?P<n>..): fancy-regex knows the first and last.
    let normalised = pattern.replace("(?'", "(?<").replace("'>", ">");
    // Thousands of vhosts repeat the same few patterns: check each once. Parsing (not
    // compiling to an automaton) is what finds syntax errors, and is far cheaper.
    static SEEN: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<String, Option<String>>>,
    > = std::sync::OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    if let Some(known) = seen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&normalised)
    {
        return known.clone();
    }
    let verdict = match fancy_regex::Expr::parse_tree(&normalised) {
        Ok(_) => None,
        Err(e) => Some(format!("pcre2_compile() failed for \"{pattern}\": {e}")),
    };
    seen.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(normalised, verdict.clone());
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_follow_ngx_parse_time() {
        assert_eq!(parse_time("30", true), Some(30_000));
        assert_eq!(parse_time("30s", true), Some(30_000));
        assert_eq!(parse_time("1m30s", true), Some(90_000));
        assert_eq!(parse_time("500ms", true), Some(500));
        assert_eq!(parse_time("1h 5m", true), Some(3_900_000));
        assert_eq!(parse_time("5s1m", true), None);
        assert_eq!(parse_time("10x", true), None);
        assert_eq!(parse_time("1y", true), None);
        assert_eq!(parse_time("1y", false), Some(31_536_000_000));
        assert_eq!(parse_time("", true), None);
        assert!(size("16k", false) && !size("1g", false) && size("1g", true) && !size("k", false));
    }
}
