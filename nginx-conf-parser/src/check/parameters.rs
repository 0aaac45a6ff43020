//! Directives of `key=value` parameters and shared memory sizes, read as their own
//! handlers read them: cache paths (`ngx_http_file_cache_set_slot`), request and
//! connection limit zones, `ssl_session_cache`, an upstream's `zone`, `resolver`,
//! `open_log_file_cache`, `*_cache_valid` and `log_format`'s `escape=`.
//!
//! Each returns nginx's message for the first parameter it rejects, in the order
//! nginx reads them. A parameter with a variable is read literally by these
//! handlers, as nginx does (none of them takes variables).

use crate::config::Item;

use super::values::{parse_size, parse_time};

/// The memory page nginx sizes zones by (`ngx_pagesize` on x86-64 and arm64 Linux
/// with 4 KiB pages).
const PAGE: u64 = 4096;

/// nginx's message for `item` when one of its parameters is invalid; `None` when the
/// directive is not one of these or nginx accepts it.
pub(super) fn check(name: &str, item: &Item<'_>) -> Option<String> {
    match name {
        "fastcgi_cache_path" | "proxy_cache_path" | "uwsgi_cache_path" | "scgi_cache_path" => {
            cache_path(name, item)
        }
        "limit_req_zone" | "limit_conn_zone" => limit_zone(name, item),
        "limit_req" => limit_req(item),
        "limit_conn" => limit_conn(item),
        "ssl_session_cache" => session_cache(item),
        "resolver" => resolver(item),
        "open_log_file_cache" => open_log_file_cache(item),
        "fastcgi_cache_valid" | "proxy_cache_valid" | "uwsgi_cache_valid" | "scgi_cache_valid" => {
            cache_valid(item)
        }
        "log_format" => log_format_escape(item),
        "error_log" => log_levels(item),
        "limit_except" => methods(item),
        "gzip_comp_level" => item.arg(0).and_then(|level| {
            let valid = atoi(&level).is_some_and(|n| (1..=9).contains(&n));
            (!valid && atoi(&level).is_some()).then(|| "value must be between 1 and 9".to_string())
        }),
        "zone" => upstream_zone(item),
        _ => None,
    }
}

/// `zone NAME [SIZE]` in an `upstream` block (`ngx_http_upstream_zone`).
fn upstream_zone(item: &Item<'_>) -> Option<String> {
    let size = item.arg(1)?;
    match parse_size(&size) {
        None => Some(format!("invalid zone size \"{size}\"")),
        Some(bytes) if bytes < 8 * PAGE => Some(format!("zone \"{}\" is too small", item.arg(0)?)),
        Some(_) => None,
    }
}

/// `NAME:SIZE` of a shared memory zone (`zone=one:10m`, `shared:SSL:10m`): the name
/// (possibly empty) and the size in bytes; `None` without a `:` or with a size
/// `ngx_parse_size` rejects.
fn named_size(value: &str) -> Option<(&str, u64)> {
    let (name, size) = value.split_once(':')?;
    Some((name, parse_size(size)?))
}

/// `ngx_parse_offset`: a size that may also be in gigabytes.
///
/// ```
/// use nginx_conf_parser::check::parse_offset;
/// assert_eq!(parse_offset("2g"), Some(2 << 30));
/// assert_eq!(parse_offset("1m"), Some(1 << 20));
/// ```
pub fn parse_offset(input: &str) -> Option<u64> {
    match input.strip_suffix(['g', 'G']) {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<u64>().ok()?.checked_mul(1 << 30)
        }
        Some(_) => None,
        None => parse_size(input),
    }
}

/// What `ngx_atoi` accepts: one or more ASCII digits.
fn atoi(word: &str) -> Option<u64> {
    (!word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

/// `levels=1:2`: up to three levels of one or two characters each.
fn levels(value: &str) -> bool {
    value.is_empty()
        || (value.split(':').count() <= 3 && value.split(':').all(|l| l == "1" || l == "2"))
}

fn cache_path(name: &str, item: &Item<'_>) -> Option<String> {
    let mut zone = false;
    for word in item.args().skip(1) {
        let (key, value) = word.split_once('=').unwrap_or((&word, ""));
        let valid = match key {
            "levels" => levels(value),
            "use_temp_path" => {
                if value != "on" && value != "off" {
                    return Some(format!(
                        "invalid use_temp_path value \"{word}\", it must be \"on\" or \"off\""
                    ));
                }
                true
            }
            "keys_zone" => {
                let Some((zone_name, bytes)) = named_size(value) else {
                    return Some(format!("invalid keys zone size \"{word}\""));
                };
                match bytes {
                    bytes if bytes < 2 * PAGE => {
                        return Some(format!("keys zone \"{word}\" is too small"))
                    }
                    // Past the size check, the zone's slab pool and the cache's own
                    // header still need a third page: nginx -t fails when it maps the
                    // zone (1.22 on x86-64: 12k starts, 12k - 1 does not).
                    bytes if bytes < 3 * PAGE => {
                        return Some(format!(
                            "ngx_slab_alloc() failed: no memory (keys zone \"{word}\" leaves no room for the cache: 12k is the least that starts)"
                        ))
                    }
                    _ => zone = !zone_name.is_empty(),
                }
                true
            }
            "inactive" => parse_time(value, false).is_some(),
            "max_size" | "min_free" => parse_offset(value).is_some(),
            "loader_files" | "manager_files" => atoi(value).is_some(),
            "loader_sleep" | "loader_threshold" | "manager_sleep" | "manager_threshold" => {
                parse_time(value, true).is_some()
            }
            _ => return Some(format!("invalid parameter \"{word}\"")),
        };
        if !valid {
            return Some(if key == "levels" {
                format!("invalid \"levels\" \"{word}\"")
            } else {
                format!("invalid {key} value \"{word}\"")
            });
        }
    }
    (!zone).then(|| format!("\"{name}\" must have \"keys_zone\" parameter"))
}

/// `limit_req_zone KEY zone=NAME:SIZE rate=RATE` and `limit_conn_zone KEY zone=NAME:SIZE`.
fn limit_zone(name: &str, item: &Item<'_>) -> Option<String> {
    let mut zone = false;
    for word in item.args().skip(1) {
        if let Some(value) = word.strip_prefix("zone=") {
            match named_size(value) {
                None => return Some(format!("invalid zone size \"{word}\"")),
                Some((_, bytes)) if bytes < 8 * PAGE => {
                    return Some(format!("zone \"{word}\" is too small"))
                }
                Some((zone_name, _)) => zone = !zone_name.is_empty(),
            }
        } else if name == "limit_req_zone" && word.starts_with("rate=") {
            // Judged by the rate's own check (`invalid rate`).
        } else {
            return Some(format!("invalid parameter \"{word}\""));
        }
    }
    (!zone).then(|| format!("\"{name}\" must have \"zone\" parameter"))
}

/// `limit_req zone=NAME [burst=N] [nodelay | delay=N]` (`ngx_http_limit_req`): burst
/// and delay are positive `ngx_atoi` numbers, any other word is invalid, and a zone is
/// required (a rendering placeholder left in `burst=30_BURST` stops nginx).
fn limit_req(item: &Item<'_>) -> Option<String> {
    let mut zone = false;
    for word in item.args() {
        if word.starts_with("zone=") {
            zone = true;
        } else if let Some(value) = word.strip_prefix("burst=") {
            if atoi(value).is_none_or(|n| n == 0) {
                return Some(format!("invalid burst value \"{word}\""));
            }
        } else if let Some(value) = word.strip_prefix("delay=") {
            if atoi(value).is_none_or(|n| n == 0) {
                return Some(format!("invalid delay value \"{word}\""));
            }
        } else if word != "nodelay" {
            return Some(format!("invalid parameter \"{word}\""));
        }
    }
    (!zone).then(|| "\"limit_req\" must have \"zone\" parameter".to_string())
}

/// `limit_conn ZONE NUMBER` (`ngx_http_limit_conn`): a positive number below 65536.
fn limit_conn(item: &Item<'_>) -> Option<String> {
    let number = item.arg(1)?;
    match atoi(&number) {
        Some(n) if n > 65535 => Some("connection limit must be less 65536".to_string()),
        Some(n) if n > 0 => None,
        _ => Some(format!("invalid number of connections \"{number}\"")),
    }
}

/// `ssl_session_cache off | none | [builtin[:SIZE]] [shared:NAME:SIZE]`.
fn session_cache(item: &Item<'_>) -> Option<String> {
    for word in item.args() {
        if matches!(word.as_ref(), "off" | "none" | "builtin") {
            continue;
        }
        let valid = if let Some(n) = word.strip_prefix("builtin:") {
            atoi(n).is_some()
        } else if let Some(rest) = word.strip_prefix("shared:") {
            match named_size(rest) {
                Some((zone, bytes)) if !zone.is_empty() && bytes < 8 * PAGE => {
                    return Some(format!("session cache \"{word}\" is too small"))
                }
                Some((zone, _)) => !zone.is_empty(),
                None => false,
            }
        } else {
            false
        };
        if !valid {
            return Some(format!("invalid session cache \"{word}\""));
        }
    }
    None
}

/// `resolver ADDRESS... [valid=TIME] [ipv4=on|off] [ipv6=on|off]` (`ngx_resolver_create`).
/// Addresses are names looked up when nginx starts: not judged here.
fn resolver(item: &Item<'_>) -> Option<String> {
    item.args().find_map(|word| {
        let valid = if let Some(time) = word.strip_prefix("valid=") {
            parse_time(time, false).is_some()
        } else if let Some(flag) = word
            .strip_prefix("ipv6=")
            .or_else(|| word.strip_prefix("ipv4="))
        {
            flag == "on" || flag == "off"
        } else {
            true
        };
        (!valid).then(|| format!("invalid parameter: {word}"))
    })
}

/// `open_log_file_cache max=N [inactive=TIME] [min_uses=N] [valid=TIME] | off`.
fn open_log_file_cache(item: &Item<'_>) -> Option<String> {
    let mut max = 0;
    let mut off = false;
    for word in item.args() {
        let (key, value) = word.split_once('=').unwrap_or((&word, ""));
        let valid = match key {
            "max" => atoi(value).inspect(|n| max = *n).is_some(),
            "min_uses" => atoi(value).is_some(),
            "inactive" | "valid" => parse_time(value, false).is_some(),
            _ if word == "off" => {
                off = true;
                true
            }
            _ => false,
        };
        if !valid {
            return Some(format!(
                "invalid \"open_log_file_cache\" parameter \"{word}\""
            ));
        }
    }
    (!off && max == 0).then(|| "\"open_log_file_cache\" must have \"max\" parameter".to_string())
}

/// `fastcgi_cache_valid [CODE...] TIME`: a time in seconds, codes of at least 100 or
/// `any`.
fn cache_valid(item: &Item<'_>) -> Option<String> {
    let args: Vec<_> = item.args().collect();
    let (time, codes) = args.split_last()?;
    if parse_time(time, false).is_none() {
        return Some(format!("invalid time value \"{time}\""));
    }
    codes.iter().find_map(|code| {
        let invalid =
            code.as_ref() != "any" && atoi(code).is_none_or(|n| !(100..=599).contains(&n));
        invalid.then(|| format!("invalid status \"{code}\""))
    })
}

/// `error_log FILE [LEVEL]...` (`ngx_log_set_levels`): one of nginx's eight levels,
/// spelt in lower case, and any of the debug sections (`warning` is php-fpm's word).
fn log_levels(item: &Item<'_>) -> Option<String> {
    const LEVELS: &[&str] = &[
        "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
    ];
    const DEBUG: &[&str] = &[
        "debug_core",
        "debug_alloc",
        "debug_mutex",
        "debug_event",
        "debug_http",
        "debug_mail",
        "debug_stream",
    ];
    // A level after any level or section is a duplicate; a section after a level is
    // invalid (`log_level & ~NGX_LOG_DEBUG_ALL`).
    let (mut level, mut section) = (false, false);
    for word in item.args().skip(1) {
        if LEVELS.contains(&word.as_ref()) {
            if level || section {
                return Some(format!("duplicate log level \"{word}\""));
            }
            level = true;
        } else if DEBUG.contains(&word.as_ref()) && !level {
            section = true;
        } else {
            return Some(format!("invalid log level \"{word}\""));
        }
    }
    None
}

/// `limit_except METHOD...`: the methods nginx knows, in any case.
fn methods(item: &Item<'_>) -> Option<String> {
    const METHODS: &[&str] = &[
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "DELETE",
        "MKCOL",
        "COPY",
        "MOVE",
        "OPTIONS",
        "PROPFIND",
        "PROPPATCH",
        "LOCK",
        "UNLOCK",
        "PATCH",
    ];
    item.args()
        .find(|m| !METHODS.iter().any(|known| known.eq_ignore_ascii_case(m)))
        .map(|m| format!("invalid method \"{m}\""))
}

/// `log_format NAME [escape=default|json|none] STRING...`.
fn log_format_escape(item: &Item<'_>) -> Option<String> {
    let escape = item.arg(1)?;
    let kind = escape.strip_prefix("escape=")?;
    (!matches!(kind, "default" | "json" | "none"))
        .then(|| format!("unknown log format escaping \"{kind}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_take_gigabytes_and_levels_one_or_two_characters() {
        assert_eq!(parse_offset("10g"), Some(10 << 30));
        assert_eq!(parse_offset("512m"), Some(512 << 20));
        assert_eq!(parse_offset("g"), None);
        assert_eq!(parse_offset("5x"), None);
        assert!(levels("1:2") && levels("2:2:2") && levels(""));
        assert!(!levels("3") && !levels("1:") && !levels("1:2:2:2"));
    }
}
