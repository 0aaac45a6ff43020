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

/// nginx's `ngx_parse_time` (src/core/ngx_parse.c, the same in 1.22.1 and today), in
/// milliseconds. `allow_ms` is nginx's `!is_sec`: a msec slot takes `ms` but neither `y`
/// nor `M`. Units go strictly down (`5s1m` fails), and a number written after the last
/// unit is seconds whatever came before (`1h30`, `500ms30`); a unit without digits is
/// taken as zero of it as long as the value has a digit somewhere (`1hm`, `h5`). A space
/// right after digits closes a unit-less number of seconds after which no unit may come
/// (`5 3` is eight seconds, `30 1h` fails); spaces after a unit are skipped. Overflow of
/// nginx's `ngx_int_t` (64 bits) fails as nginx's does. A seconds slot's value past
/// `u64::MAX` milliseconds saturates: nginx accepts it.
pub fn parse_time(input: &str, allow_ms: bool) -> Option<u64> {
    // The steps of nginx's state machine, in its order.
    const START: u8 = 0;
    const YEAR: u8 = 1;
    const MONTH: u8 = 2;
    const WEEK: u8 = 3;
    const DAY: u8 = 4;
    const HOUR: u8 = 5;
    const MIN: u8 = 6;
    const SEC: u8 = 7;
    const MSEC: u8 = 8;
    const LAST: u8 = 9;
    const MAX: i64 = i64::MAX;
    let is_sec = !allow_ms;
    let p = input.as_bytes();
    let mut i = 0;
    let mut valid = false;
    let mut value: i64 = 0;
    let mut total: i64 = 0;
    let mut step = if is_sec { START } else { MONTH };
    let (cutoff, cutlim) = (MAX / 10, MAX % 10);
    while i < p.len() {
        let c = p[i];
        if c.is_ascii_digit() {
            let d = i64::from(c - b'0');
            if value >= cutoff && (value > cutoff || d > cutlim) {
                return None;
            }
            value = value * 10 + d;
            valid = true;
            i += 1;
            continue;
        }
        i += 1;
        let (new_step, mut max, mut scale): (u8, i64, i64) = match c {
            b'y' if step == START => (YEAR, MAX / 31_536_000, 31_536_000),
            b'M' if step < MONTH => (MONTH, MAX / 2_592_000, 2_592_000),
            b'w' if step < WEEK => (WEEK, MAX / 604_800, 604_800),
            b'd' if step < DAY => (DAY, MAX / 86_400, 86_400),
            b'h' if step < HOUR => (HOUR, MAX / 3_600, 3_600),
            b'm' if p.get(i) == Some(&b's') => {
                if is_sec || step >= MSEC {
                    return None;
                }
                i += 1;
                (MSEC, MAX, 1)
            }
            b'm' if step < MIN => (MIN, MAX / 60, 60),
            b's' if step < SEC => (SEC, MAX, 1),
            b' ' if step < SEC => (LAST, MAX, 1),
            _ => return None,
        };
        step = new_step;
        if step != MSEC && !is_sec {
            scale *= 1000;
            max /= 1000;
        }
        if value > max {
            return None;
        }
        value *= scale;
        if total > MAX - value {
            return None;
        }
        total += value;
        value = 0;
        while p.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    if !valid {
        return None;
    }
    if !is_sec {
        if value > MAX / 1000 {
            return None;
        }
        value *= 1000;
    }
    if total > MAX - value {
        return None;
    }
    let time = u64::try_from(total + value).ok()?;
    Some(if is_sec {
        time.saturating_mul(1000)
    } else {
        time
    })
}

fn flag(input: &str) -> bool {
    let r: IResult<&str, &str> = all_consuming(alt((tag_no_case("on"), tag_no_case("off"))))(input);
    r.is_ok()
}

/// The message nginx prints for an invalid value, if the value is invalid.
/// The one obvious correction of a value [`check_value`] rejects: a flag written as
/// `yes`/`true`/`enabled` (→ `on`) or `no`/`false`/`disabled` (→ `off`), a time or size
/// with a spelt-out unit (`5min` → `5m`, `30sec` → `30s`, `2hours` → `2h`, `16kb` →
/// `16k`), an enumeration word in the wrong case or with one typo when only one word is
/// that close. Returns the argument index and its replacement.
pub fn correction(spec: &DirectiveSpec, item: &Item<'_>) -> Option<(usize, String)> {
    let first = item.arg(0)?;
    if first.contains('$') {
        return None;
    }
    let lower = first.to_ascii_lowercase();
    let fixed = match spec.value_kind {
        "flag" => match lower.as_str() {
            "yes" | "true" | "enable" | "enabled" | "1" => Some("on".to_string()),
            "no" | "false" | "disable" | "disabled" | "0" => Some("off".to_string()),
            _ if flag(&lower) => Some(lower.clone()),
            _ => None,
        },
        "msec" | "sec" => {
            let digits: String = lower.chars().take_while(char::is_ascii_digit).collect();
            let unit = &lower[digits.len()..];
            let unit = match unit {
                "sec" | "secs" | "second" | "seconds" => Some("s"),
                "min" | "mins" | "minute" | "minutes" => Some("m"),
                "hour" | "hours" | "hr" | "hrs" => Some("h"),
                "day" | "days" => Some("d"),
                "msecs" | "millisecond" | "milliseconds" if spec.value_kind == "msec" => Some("ms"),
                _ => None,
            };
            unit.filter(|_| !digits.is_empty())
                .map(|u| format!("{digits}{u}"))
        }
        "size" | "off" => {
            let digits: String = lower.chars().take_while(char::is_ascii_digit).collect();
            let unit = match &lower[digits.len()..] {
                "kb" | "kib" => Some("k"),
                "mb" | "mib" => Some("m"),
                "gb" | "gib" => Some("g"),
                _ => None,
            };
            unit.filter(|_| !digits.is_empty())
                .map(|u| format!("{digits}{u}"))
        }
        kind if kind.starts_with("enum:") => {
            let words: Vec<&str> = kind
                .split_once(':')
                .map(|(_, w)| w.split('/').collect())
                .unwrap_or_default();
            let close: Vec<&&str> = words
                .iter()
                // Bounded: a long value is rejected on its length, not measured.
                .filter(|w| lint_source::distance::levenshtein_within(w, &lower, 1).is_some())
                .collect();
            match close.as_slice() {
                [only] => Some(only.to_string()),
                _ => None,
            }
        }
        _ => None,
    }?;
    // The correction must itself be accepted.
    let ok = match spec.value_kind {
        "flag" => flag(&fixed),
        "msec" => parse_time(&fixed, true).is_some(),
        "sec" => parse_time(&fixed, false).is_some(),
        "size" => size(&fixed, false),
        "off" => size(&fixed, true),
        _ => true,
    };
    (ok && fixed != first).then_some((0, fixed))
}

pub fn check_value(spec: &DirectiveSpec, item: &Item<'_>) -> Option<String> {
    let name = spec.name;
    if name == "if" {
        // Conditions name variables by design: checked before the variable escape below.
        return if_condition(item);
    }
    let first = item.arg(0)?;
    // Handlers that read their words before any variable is compiled: a `$` there is
    // checked, not skipped (`return $foo;` is no return code).
    match spec.set_handler {
        "ngx_http_rewrite_return" => return return_code(item),
        "ngx_http_rewrite_set" => {
            // ngx_http_rewrite_set, then ngx_http_add_variable for a bare `$`.
            return (!first.starts_with('$') || first == "$")
                .then(|| format!("invalid variable name \"{first}\""));
        }
        "ngx_http_try_files" => return try_files_code(item),
        "ngx_http_index_set_index" => {
            // ngx_http_index_set_index names the first word whichever one is empty.
            return item
                .args()
                .any(|a| a.is_empty())
                .then(|| format!("index \"{first}\" in \"index\" directive is invalid"));
        }
        _ => {}
    }
    if name == "proxy_pass" && spec.module == "ngx_http_proxy_module" {
        // ngx_http_proxy_pass: without variables the URL must name its scheme.
        let lower = first.to_ascii_lowercase();
        if first.contains('$') {
            return None;
        }
        if !lower.starts_with("http://") && !lower.starts_with("https://") {
            return Some("invalid URL prefix".to_string());
        }
        return invalid_port(name, &first).map(|url| format!("invalid port in upstream \"{url}\""));
    }
    // The events module's own handlers (ngx_set_worker_processes, ngx_event_connections):
    // `auto` or a number, and a number (magento-cloud-docker's unrendered
    // `!NGINX_WORKER_PROCESSES!`).
    if name == "worker_processes" && spec.module == "ngx_core_module" {
        return (!first.eq_ignore_ascii_case("auto") && !positive_number(&first))
            .then(|| "\"worker_processes\" directive invalid value".to_string());
    }
    if spec.set_handler == "ngx_http_access_rule" {
        return (first != "all" && first != "unix:" && !cidr(&first))
            .then(|| format!("invalid parameter \"{first}\""));
    }
    if let Some(message) = super::parameters::check(name, item) {
        return Some(message);
    }
    if spec.set_handler == "ngx_http_limit_req_zone" {
        // Its key is a variable: read before the escape for `$` below.
        return limit_req_rate(item);
    }
    if name == "worker_connections" && spec.set_handler == "ngx_event_connections" {
        return (!positive_number(&first)).then(|| format!("invalid number \"{first}\""));
    }
    // The standard slots below read their argument literally: `$x` is no variable there
    // (`proxy_limit_rate $rate` fails on 1.22, whose slot is a plain size; newer nginx
    // gives it a complex-value slot, another value kind).
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
        // A rewrite's first argument is a regex whose `$` is an anchor, not a variable;
        // `listen`, `keepalive_timeout`, `set_real_ip_from` and `resolver` take no
        // variables at all (an unrendered `listen ${PORT};` fails: `host not found`).
        _ if first.contains('$') && !LITERAL_ONLY.contains(&name) => None,
        _ => special(name, item),
    }
}

/// Directives with their own parsers that read no variables: a `$` in them is text.
pub(super) const LITERAL_ONLY: &[&str] = &[
    // Its first word is a code or a URL, read before anything is compiled.
    "return",
    "rewrite",
    "listen",
    "keepalive_timeout",
    "set_real_ip_from",
    "resolver",
];

/// A shell-style default (`${PORT:-8080}`, `${PORT-8080}`): a placeholder for a
/// renderer (envplate's `ep`, a shell `eval`) that nginx itself refuses.
pub(super) fn has_shell_default(arg: &str) -> bool {
    arg.match_indices("${").any(|(i, _)| {
        let rest = &arg[i + 2..];
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        name_len > 0 && rest[name_len..].starts_with(['-', ':'])
    })
}

/// A host name no lookup can answer: template syntax left in (`${IP}`, `@HOST@`, `{{ ip
/// }}`). nginx resolves the names of `set_real_ip_from` and `resolver` at start.
fn unresolvable(host: &str) -> bool {
    host.contains(['$', '{', '}', '@', '<', '>'])
}

/// Directives with their own parsers that users get wrong most.
fn special(name: &str, item: &Item<'_>) -> Option<String> {
    match name {
        "rewrite" => {
            let flag = item.arg(2)?;
            (!matches!(flag.as_ref(), "last" | "break" | "redirect" | "permanent"))
                .then(|| format!("invalid parameter \"{flag}\""))
        }
        // nginx reads the port first: `listen ${PORT:-8080};` is an invalid port.
        "listen" => listen_address(item)
            .or_else(|| listen_host(item))
            .or_else(|| listen_params(item)),
        "set_real_ip_from" => {
            let from = item.arg(0)?;
            (!from.starts_with("unix:") && unresolvable(&from))
                .then(|| format!("host not found in set_real_ip_from \"{from}\""))
        }
        "resolver" => item.args().filter(|a| !a.contains('=')).find_map(|a| {
            // `${DNS:-8.8.8.8}`: the port after the last `:` is read first.
            let port = (!a.starts_with('[')).then(|| a.rsplit_once(':')).flatten();
            if port.is_some_and(|(_, p)| !p.bytes().all(|b| b.is_ascii_digit())) {
                Some(format!("invalid port in resolver \"{a}\""))
            } else {
                unresolvable(&a).then(|| format!("host not found in resolver \"{a}\""))
            }
        }),
        "if" => if_condition(item),
        "error_page" => error_page(item),
        "expires" => expires(item),
        "keepalive_timeout" => {
            // ngx_http_core_keepalive: a time, then the header's time in seconds.
            let bad = parse_time(&item.arg(0)?, true).is_none()
                || item.arg(1).is_some_and(|h| parse_time(&h, false).is_none());
            bad.then(|| "\"keepalive_timeout\" directive invalid value".to_string())
        }
        "add_header" | "add_trailer" => {
            let flag = item.arg(2)?;
            (flag != "always").then(|| format!("invalid parameter \"{flag}\""))
        }
        "open_file_cache" => open_file_cache(item),
        "fastcgi_param" | "scgi_param" | "uwsgi_param" => {
            // ngx_http_upstream_param_set_slot: the third word may only be `if_not_empty`.
            let flag = item.arg(2)?;
            (flag != "if_not_empty").then(|| format!("invalid parameter \"{flag}\""))
        }
        "location" if item.arg_count() == 2 => {
            let modifier = item.arg(0)?;
            (!matches!(modifier.as_ref(), "=" | "^~" | "~" | "~*"))
                .then(|| format!("invalid location modifier \"{modifier}\""))
        }
        "fastcgi_pass" | "proxy_pass" | "uwsgi_pass" | "scgi_pass" | "grpc_pass"
        | "memcached_pass" | "server" => {
            let addr = item.arg(0)?;
            if let Some(url) = invalid_port(name, &addr) {
                return Some(format!("invalid port in upstream \"{url}\""));
            }
            let path = addr.split_once("unix:")?.1;
            let path = path.split(':').next().unwrap_or(path);
            // sun_path holds 108 bytes including the terminating NUL.
            (path.len() > 107)
                .then(|| format!("too long path in the unix domain socket in \"{name}\""))
        }
        _ => None,
    }
}

/// nginx's `ngx_atoi`: digits only (no sign, not empty), none past `ngx_int_t`.
fn ngx_atoi(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| i64::try_from(*n).is_ok())
}

/// `ngx_http_rewrite_return`: a code up to 999, or alone a URL that starts with
/// `http://`, `https://` or `$scheme` (case-sensitive), which redirects with 302.
fn return_code(item: &Item<'_>) -> Option<String> {
    let first = item.arg(0)?;
    let ok = match ngx_atoi(&first) {
        Some(code) => code <= 999,
        None => {
            item.arg_count() == 1
                && ["http://", "https://", "$scheme"]
                    .iter()
                    .any(|p| first.starts_with(p))
        }
    };
    (!ok).then(|| format!("invalid return code \"{first}\""))
}

/// `ngx_http_try_files`: a last word `=CODE` is a code up to 999. nginx reads it
/// with the name's length, which counts a terminating NUL for a word without variables
/// only: in one with variables the last character is neither read nor shown
/// (`=$status` is `invalid code "=$statu"`).
fn try_files_code(item: &Item<'_>) -> Option<String> {
    let word = item.arg(item.arg_count().checked_sub(1)?)?;
    // The last word keeps a trailing `/` (a directory test is cut off the others only):
    // `=404/` is no code.
    let last: &str = &word;
    let code = last.strip_prefix('=')?;
    let shown = if last.contains('$') {
        let mut chars = last.chars();
        chars.next_back();
        let shown = chars.as_str();
        let digits = shown.get(1..).unwrap_or("");
        if ngx_atoi(digits).is_some_and(|c| c <= 999) {
            return None;
        }
        shown
    } else {
        if ngx_atoi(code).is_some_and(|c| c <= 999) {
            return None;
        }
        last
    };
    Some(format!("invalid code \"{shown}\""))
}

/// The `rate=` of `limit_req_zone` (`ngx_http_limit_req_zone`): a positive number of
/// requests per second (`r/s`, or no unit) or per minute (`r/m`); `1r/h` is no rate.
fn limit_req_rate(item: &Item<'_>) -> Option<String> {
    item.args().find_map(|a| {
        let rate = a.strip_prefix("rate=")?;
        let number = rate
            .strip_suffix("r/s")
            .or_else(|| rate.strip_suffix("r/m"))
            .unwrap_or(rate);
        let valid = positive_number(number) && number.parse::<u64>().is_ok_and(|n| n > 0);
        (!valid).then(|| format!("invalid rate \"{a}\""))
    })
}

/// `expires [modified] TIME|epoch|max|off` as `ngx_http_parse_expires` reads it: a time
/// in seconds, signed, or `@` and a time of day (not with `modified`). Values with
/// variables are read per request.
fn expires(item: &Item<'_>) -> Option<String> {
    let invalid = |why: &str| Some(format!("\"expires\" directive {why}"));
    let (modified, value) = match (item.arg(0)?, item.arg(1)) {
        (value, None) => (false, value),
        (first, Some(value)) if first == "modified" => (true, value),
        (_, Some(_)) => return invalid("invalid value"),
    };
    if value.contains('$') || (!modified && matches!(value.as_ref(), "epoch" | "max" | "off")) {
        return None;
    }
    let (daily, time) = match value.strip_prefix('@') {
        Some(_) if modified => {
            return invalid("daily time cannot be used with \"modified\" parameter")
        }
        Some(time) => (true, time),
        None => (false, value.strip_prefix(['+', '-']).unwrap_or(&value)),
    };
    match parse_time(time, false) {
        None => invalid("invalid value"),
        Some(ms) if daily && ms > 24 * 60 * 60 * 1000 => {
            invalid("daily time value must be less than 24 hours")
        }
        Some(_) => None,
    }
}

/// `open_file_cache off | max=N [inactive=TIME]` as `ngx_http_core_open_file_cache` reads
/// it.
fn open_file_cache(item: &Item<'_>) -> Option<String> {
    let mut max = false;
    let mut off = false;
    for word in item.args() {
        let valid = if let Some(n) = word.strip_prefix("max=") {
            max = positive_number(n) && n.parse::<u64>().is_ok_and(|n| n > 0);
            max
        } else if let Some(time) = word.strip_prefix("inactive=") {
            parse_time(time, false).is_some()
        } else {
            off |= word == "off";
            word == "off"
        };
        if !valid {
            return Some(format!("invalid \"open_file_cache\" parameter \"{word}\""));
        }
    }
    (!off && !max).then(|| "\"open_file_cache\" must have the \"max\" parameter".to_string())
}

/// An address or network as `ngx_ptocidr` reads it: IPv4 as `ngx_inet_addr` (four
/// decimal octets, leading zeros allowed), IPv6, and a mask of at most 32 or 128 bits.
pub(super) fn cidr(text: &str) -> bool {
    let (address, mask) = match text.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (text, None),
    };
    let bits = if address.contains(':') {
        if address.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        128
    } else {
        let octets: Vec<&str> = address.split('.').collect();
        let valid = octets.len() == 4
            && octets.iter().all(|o| {
                o.bytes().all(|b| b.is_ascii_digit())
                    && o.bytes()
                        .try_fold(0u32, |n, b| {
                            let n = n * 10 + u32::from(b - b'0');
                            (n <= 255).then_some(n)
                        })
                        .is_some()
            });
        if !valid {
            return false;
        }
        32
    };
    mask.is_none_or(|m| positive_number(m) && m.parse::<u32>().is_ok_and(|n| n <= bits))
}

/// `error_page CODE... [=[RESPONSE]] URI` as `ngx_http_core_error_page` reads it: codes
/// from 300 to 599 (not 499), and a number after `=`, which needs a code before it.
fn error_page(item: &Item<'_>) -> Option<String> {
    let args: Vec<std::borrow::Cow<'_, str>> = item.args().collect();
    let (codes, overwrite) = match args.len().checked_sub(2)? {
        at if args[at].starts_with('=') => (&args[..at], Some((at, &args[at]))),
        at => (&args[..=at], None),
    };
    if let Some((at, word)) = overwrite {
        if at == 0 || (word.len() > 1 && !positive_number(&word[1..])) {
            return Some(format!("invalid value \"{word}\""));
        }
    }
    codes.iter().find_map(|code| {
        let status = code.parse::<u32>().ok().filter(|_| positive_number(code));
        match status {
            None | Some(499) => Some(format!("invalid value \"{code}\"")),
            Some(300..=599) => None,
            Some(_) => Some(format!("value \"{code}\" must be between 300 and 599")),
        }
    })
}

/// The address nginx's `ngx_parse_url` would name in "invalid port in upstream" for an
/// upstream `server` or a pass without variables: the port after the first `:` of the
/// host part (after `]` for IPv6) must be a number from 1 to 65535. Checked before the
/// host is looked up, so an unrendered `!HOST!:!PORT!` fails on its port.
pub(super) fn invalid_port(name: &str, address: &str) -> Option<String> {
    if address.contains('$')
        || address
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("unix:"))
    {
        return None;
    }
    let schemes: &[&str] = match name {
        "proxy_pass" => &["http://", "https://"],
        "grpc_pass" => &["grpc://", "grpcs://"],
        "uwsgi_pass" => &["uwsgi://", "suwsgi://"],
        _ => &[],
    };
    let url = schemes
        .iter()
        .find_map(|s| {
            address
                .get(..s.len())
                .filter(|p| p.eq_ignore_ascii_case(s))
                .map(|_| &address[s.len()..])
        })
        .unwrap_or(address);
    if url
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("unix:"))
    {
        return None;
    }
    // Only proxy_pass takes a URI; elsewhere a `/` is "invalid host" (another finding).
    let host_part = if name == "proxy_pass" {
        url.split(['/', '?']).next().unwrap_or(url)
    } else if url.contains(['/', '?']) {
        return None;
    } else {
        url
    };
    let port = match host_part.strip_prefix('[') {
        Some(rest) => rest.split_once(']')?.1.strip_prefix(':')?,
        None => host_part.split_once(':')?.1,
    };
    let valid =
        positive_number(port) && port.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
    (!valid).then(|| url.to_string())
}

/// `if (...)` as `ngx_http_rewrite_if_condition` reads it: the parentheses may be
/// words of their own or glued to the first and last word, and what is between is a
/// variable, a variable compared (`=`, `!=`) or matched (`~`, `~*`, `!~`, `!~*`) with
/// one word, or a file test (`-f`, `!-d`, ...) of one word. An empty word (`""`) is a
/// word: `if ($http_x_token = "")` compares with the empty string.
fn if_condition(item: &Item<'_>) -> Option<String> {
    let args: Vec<std::borrow::Cow<'_, str>> = item.args().collect();
    let mut v: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
    let invalid = |word: &str| Some(format!("invalid condition \"{word}\""));
    // A transcription of nginx's index arithmetic (its value[1] is our v[0]); the first
    // and the last word may be the same word, trimmed twice.
    if !v.first()?.starts_with('(') {
        return invalid(v[0]);
    }
    let cur = if v[0].len() == 1 {
        1
    } else {
        v[0] = &v[0][1..];
        0
    };
    let mut last = v.len() - 1;
    if !v[last].ends_with(')') {
        return invalid(v[last]);
    }
    if v[last].len() == 1 {
        let Some(before) = last.checked_sub(1) else {
            // `if ()`: nothing is left between the parentheses.
            return invalid(v.get(cur).copied().unwrap_or(")"));
        };
        last = before;
    } else {
        v[last] = &v[last][..v[last].len() - 1];
    }
    let word = v.get(cur).copied()?;
    if word.len() > 1 && word.starts_with('$') {
        if cur != last && cur + 2 != last {
            return invalid(word);
        }
        if cur == last {
            return None;
        }
        let op = v[cur + 1];
        return (!matches!(op, "=" | "!=" | "~" | "~*" | "!~" | "!~*"))
            .then(|| format!("unexpected \"{op}\" in condition"));
    }
    let test = word.strip_prefix('!').unwrap_or(word);
    if test.len() == 2 && test.starts_with('-') {
        if cur + 1 != last || !matches!(test, "-f" | "-d" | "-e" | "-x") {
            return invalid(word);
        }
        return None;
    }
    invalid(word)
}

/// The regex of an `if` condition (`$v ~ RE`), as nginx compiles it.
fn if_regex(item: &Item<'_>) -> Option<String> {
    let args: Vec<std::borrow::Cow<'_, str>> = item.args().collect();
    let mut words: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    if words.first()? == "(" {
        words.remove(0);
    } else {
        words[0] = words[0].strip_prefix('(')?.to_string();
    }
    if words.last()? == ")" {
        words.pop();
    } else {
        let last = words.pop()?;
        words.push(last.strip_suffix(')')?.to_string());
    }
    match words.as_slice() {
        [v, op, re] if v.starts_with('$') && matches!(op.as_str(), "~" | "~*" | "!~" | "!~*") => {
            Some(re.clone())
        }
        _ => None,
    }
}

/// The host part of a `listen` address that no lookup answers (`listen ${PORT};` is
/// read as the host `${PORT}` on port 80).
fn listen_host(item: &Item<'_>) -> Option<String> {
    let address = item.arg(0)?;
    let (host, _) = super::listen::host_and_port(&address)?;
    unresolvable(host.trim_start_matches('[').trim_end_matches(']'))
        .then(|| format!("host not found in \"{address}\" of the \"listen\" directive"))
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
        // ngx_http_core_listen compares whole words, and `name=` prefixes for the
        // parameters that take a value (`fastopen` alone is an invalid parameter).
        let known = match param.split_once('=') {
            Some((word, _)) => matches!(
                word,
                "backlog"
                    | "rcvbuf"
                    | "sndbuf"
                    | "setfib"
                    | "fastopen"
                    | "accept_filter"
                    | "ipv6only"
                    | "so_keepalive"
            ),
            None => matches!(
                param.as_ref(),
                "default_server"
                    | "default"
                    | "ssl"
                    | "http2"
                    | "quic"
                    | "proxy_protocol"
                    | "bind"
                    | "deferred"
                    | "reuseport"
                    | "multipath"
            ),
        };
        if !known {
            return Some(format!("invalid parameter \"{param}\""));
        }
    }
    None
}

/// Regexes nginx compiles at load: `location ~`, `server_name ~`, `rewrite`,
/// `if (... ~ ...)`, `fastcgi_split_path_info` and the `~` keys of a `map`. They are
/// compiled with PCRE2 itself (the library nginx links), so the verdict is nginx's.
pub fn check_regex(item: &Item<'_>) -> Option<String> {
    let (pattern, caseless): (String, bool) = if item.is("location") {
        match (item.arg_count(), item.arg(0)?.as_ref()) {
            (2, "~") => (item.arg(1)?.into_owned(), false),
            (2, "~*") => (item.arg(1)?.into_owned(), true),
            (1, f) if f.starts_with("~*") => (f[2..].to_string(), true),
            (1, f) if f.starts_with('~') => (f[1..].to_string(), false),
            _ => return None,
        }
    } else if item.is("fastcgi_split_path_info") {
        // ngx_http_fastcgi_split_path_info: the script and the path info, exactly.
        let pattern = item.arg(0)?;
        return match compiled(&pattern, false) {
            Ok(2) => None,
            Ok(_) => Some(format!("pattern \"{pattern}\" must have 2 captures")),
            Err(message) => Some(message),
        };
    } else if item.is("rewrite") {
        (item.arg(0)?.into_owned(), false)
    } else if item.is("if") {
        let caseless = item.args().any(|a| a == "~*" || a == "!~*");
        (if_regex(item)?, caseless)
    } else if item.is("server_name") {
        // Server names are matched caselessly.
        return item
            .args()
            .find_map(|name| compile(name.strip_prefix('~')?, true));
    } else {
        return None;
    };
    compile(&pattern, caseless)
}

/// The first regex key of a `map` block PCRE2 refuses: nginx's message and the entry
/// (nginx compiles each when it reads that line, and names it).
pub fn map_regex(item: &Item<'_>) -> Option<(String, lint_source::Span)> {
    if !item.is("map") || !item.is_block() {
        return None;
    }
    item.children().find_map(|entry| {
        let key = entry.name();
        let message = match key.strip_prefix("~*") {
            Some(re) => compile(re, true),
            None => compile(key.strip_prefix('~')?, false),
        }?;
        Some((message, entry.name_span()))
    })
}

/// Compiles `pattern` as `ngx_regex_compile` does (PCRE2, no UTF mode, caseless for
/// `~*`) and returns nginx's message when PCRE2 refuses it.
fn compile(pattern: &str, caseless: bool) -> Option<String> {
    compiled(pattern, caseless).err()
}

/// The number of capture groups of `pattern` as nginx compiles it (`caseless` for `~*`
/// and server names); `None` when PCRE2 refuses it. The load checks compile every regex
/// of the tree ([`check_regex`], [`map_regex`]) and keep the verdict: a rule that counts
/// groups asks here rather than compiling the pattern a second time (a `map` of 20 000
/// regex keys was compiled twice: 16 % of the instructions of such a lint).
pub fn regex_groups(pattern: &str, caseless: bool) -> Option<u32> {
    compiled(pattern, caseless).ok()
}

/// [`compile`]'s verdict with the pattern's number of capture groups when PCRE2 takes it
/// (named groups are numbered too).
fn compiled(pattern: &str, caseless: bool) -> Result<u32, String> {
    if pattern.is_empty() {
        return Ok(0);
    }
    // Thousands of vhosts repeat the same few patterns: compile each once. Looked up by
    // `&str` (a key of pattern and flag copied the pattern on every lookup), the flag's
    // two verdicts side by side.
    type Verdicts = foldhash::HashMap<Box<str>, [Option<Result<u32, String>>; 2]>;
    static SEEN: std::sync::OnceLock<std::sync::Mutex<Verdicts>> = std::sync::OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    let slot = usize::from(caseless);
    if let Some(known) = seen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(pattern)
        .and_then(|both| both[slot].as_ref())
    {
        return known.clone();
    }
    let verdict = match pcre2::bytes::RegexBuilder::new()
        .caseless(caseless)
        .build(pattern)
    {
        Ok(re) => Ok(u32::try_from(re.captures_len().saturating_sub(1)).unwrap_or(u32::MAX)),
        Err(e) => Err(pcre2_message(pattern, &e)),
    };
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    match seen.get_mut(pattern) {
        Some(both) => both[slot] = Some(verdict.clone()),
        None => {
            let mut both = [None, None];
            both[slot] = Some(verdict.clone());
            seen.insert(pattern.into(), both);
        }
    }
    verdict
}

/// nginx's wording: `pcre2_compile() failed: MESSAGE in "PATTERN" at "REST"`, without
/// the `at` part when PCRE2 stopped at the end of the pattern.
fn pcre2_message(pattern: &str, e: &pcre2::Error) -> String {
    // The crate's Display is "PCRE2: error compiling pattern at offset N: MESSAGE".
    let text = e.to_string();
    let message = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
    let message = message.split_once(": ").map_or(message, |(_, m)| m);
    match e.offset() {
        Some(at) if at < pattern.len() && pattern.is_char_boundary(at) => format!(
            "pcre2_compile() failed: {message} in \"{pattern}\" at \"{}\"",
            &pattern[at..]
        ),
        _ => format!("pcre2_compile() failed: {message} in \"{pattern}\""),
    }
}

/// What `ngx_atoi` accepts: one or more ASCII digits.
fn positive_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_are_judged_by_pcre2_with_nginxs_message() {
        // PCRE-only syntax that other engines refuse.
        assert_eq!(compile(r"^/\Q.well-known\E/", false), None);
        assert_eq!(compile(r"^/(?<name>[a-z]+)(?'n2'x)(?P<n3>y)", false), None);
        assert_eq!(compile(r"(?i)^/(?>atomic)++\K", false), None);
        assert_eq!(
            compile("^/(a", false).as_deref(),
            Some("pcre2_compile() failed: missing closing parenthesis in \"^/(a\"")
        );
        assert_eq!(
            compile("^/a)b", false).as_deref(),
            Some("pcre2_compile() failed: unmatched closing parenthesis in \"^/a)b\" at \")b\"")
        );
    }

    /// The rules' group count is the load check's verdict: named groups are numbered, a
    /// refused pattern has none, and either flag's verdict answers alike however the
    /// pattern was asked first.
    #[test]
    fn regex_groups_are_the_load_checks_verdict() {
        assert_eq!(regex_groups("^/g/(?<a>x)(y)(?:z)$", true), Some(2));
        assert_eq!(regex_groups("^/g/(?<a>x)(y)(?:z)$", false), Some(2));
        assert_eq!(regex_groups("^/g/(unclosed", false), None);
        assert!(compile("^/g/(unclosed", true).is_some());
        assert_eq!(regex_groups("^/g/(unclosed", true), None);
        assert_eq!(regex_groups("", false), Some(0));
        assert_eq!(regex_groups(r"^/\Q(\E(a)", false), Some(1));
    }

    #[test]
    fn ports_are_read_as_ngx_parse_url_reads_them() {
        assert_eq!(
            invalid_port("server", "php:abc").as_deref(),
            Some("php:abc")
        );
        assert_eq!(
            invalid_port("server", "!HOST!:!PORT!").as_deref(),
            Some("!HOST!:!PORT!")
        );
        assert_eq!(
            invalid_port("fastcgi_pass", "a:b:9000").as_deref(),
            Some("a:b:9000")
        );
        assert_eq!(
            invalid_port("fastcgi_pass", "[::1]:0").as_deref(),
            Some("[::1]:0")
        );
        assert_eq!(
            invalid_port("proxy_pass", "http://app:70000/x").as_deref(),
            Some("app:70000/x")
        );
        assert_eq!(invalid_port("proxy_pass", "http://app/a:b"), None);
        assert_eq!(invalid_port("fastcgi_pass", "php:9000"), None);
        assert_eq!(invalid_port("fastcgi_pass", "php"), None);
        assert_eq!(invalid_port("fastcgi_pass", "unix:/run/php.sock"), None);
        assert_eq!(invalid_port("fastcgi_pass", "$backend:x"), None);
        assert_eq!(invalid_port("grpc_pass", "grpc://app:50051"), None);
    }

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
        // A trailing bare number is seconds, after any unit (FP-2 of triage AP: nginx -t
        // accepts `keepalive_timeout 1h30`, `client_body_timeout 1m30`, `expires 1d12`).
        assert_eq!(parse_time("1h30", false), Some(3_630_000));
        assert_eq!(parse_time("1m30", true), Some(90_000));
        assert_eq!(parse_time("1d12", false), Some(86_412_000));
        assert_eq!(parse_time("500ms30", true), Some(30_500));
        assert_eq!(parse_time("1s30", true), Some(31_000));
        // A unit without digits is zero of it, if a digit is somewhere.
        assert_eq!(parse_time("1hm", true), Some(3_600_000));
        assert_eq!(parse_time("h5", true), Some(5_000));
        assert_eq!(parse_time("h", true), None);
        // A space right after digits ends a unit-less number; no unit after it.
        assert_eq!(parse_time("5 3", true), Some(8_000));
        assert_eq!(parse_time("5 ", true), Some(5_000));
        assert_eq!(parse_time("30 1h", true), None);
        assert_eq!(parse_time("5s 3", true), Some(8_000));
        // Repeated or rising units, ms in a seconds slot, y/M in a msec slot.
        assert_eq!(parse_time("1m1m", true), None);
        assert_eq!(parse_time("1mm", true), None);
        assert_eq!(parse_time("1ms", false), None);
        assert_eq!(parse_time("1M", true), None);
        assert_eq!(parse_time("1M", false), Some(2_592_000_000));
        assert_eq!(parse_time("1ms1ms", true), None);
        // ngx_int_t overflow.
        assert_eq!(parse_time("9223372036854775807", false), Some(u64::MAX));
        assert_eq!(parse_time("9223372036854775808", false), None);
        assert_eq!(
            parse_time("9223372036854775", true),
            Some(9_223_372_036_854_775_000)
        );
        assert_eq!(parse_time("9223372036854776", true), None);
        assert!(size("16k", false) && !size("1g", false) && size("1g", true) && !size("k", false));
    }
}
