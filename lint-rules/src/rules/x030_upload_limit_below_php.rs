use crate::model::{EffectiveLocation, Model, NginxModel, PoolRef, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X030",
        name: "upload-limit-below-php",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "PHP is set to accept uploads larger than nginx's `client_max_body_size` lets through: nginx answers 413 first",
        aliases: &[],
        doc: r#"nginx reads the request body before php-fpm sees the request, and refuses a
body larger than `client_max_body_size` (1m when not set) with 413 Request Entity Too
Large. Raising `upload_max_filesize` and `post_max_size` for PHP (in the pool's
`php_admin_value[...]`, php.ini or a `conf.d/*.ini`, or a `PHP_VALUE` the location
sends) is half of the change: uploads between nginx's limit and PHP's never reach the
application (live, nginx 1.22.1 and php-fpm 8.2: a 2 MB POST to a pool with
`post_max_size = 128M` and no `client_max_body_size` answers 413).

PHP takes a file up to the smaller of `upload_max_filesize` and `post_max_size` (the
whole body). Reported when that is larger than the limit nginx applies in the location
that passes to the pool, and at least one of the two was set to another size than PHP's default: PHP's
defaults (2M and 8M, which the stock php.ini also writes) beside nginx's default 1m
are every stock install, not a choice.
`client_max_body_size 0` is no limit.

**Symptom**: uploads above nginx's limit fail with "413 Request Entity Too Large"
(an nginx page, not the application's); nginx logs `client intended to send too large
body`.

Bad:
```nginx
# pool: php_admin_value[upload_max_filesize] = 128M
#       php_admin_value[post_max_size] = 128M
server {
    location ~ \.php$ { fastcgi_pass unix:/run/php/app.sock; }
}
```
Good:
```nginx
server {
    client_max_body_size 128m;
    location ~ \.php$ { fastcgi_pass unix:/run/php/app.sock; }
}
```"#,
        fix: "Raise `client_max_body_size` (in the server, or the PHP location) to PHP's limit, or lower PHP's.",
    },
    check: Check::Server(check),
};

/// nginx's default `client_max_body_size`.
const NGINX_DEFAULT: u64 = 1024 * 1024;

/// A size as PHP reads an ini quantity (`128M`, `1G`, `512K`, bytes); `None` for
/// zero or negative (no limit) and for what is not a number.
pub(crate) fn php_size(text: &str) -> Option<u64> {
    let text = text.trim().trim_matches('"');
    let (digits, unit) = match text.as_bytes().last()? {
        b'k' | b'K' => (&text[..text.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&text[..text.len() - 1], 1 << 20),
        b'g' | b'G' => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    let n: i64 = digits.trim().parse().ok()?;
    u64::try_from(n).ok().filter(|&n| n > 0)?.checked_mul(unit)
}

/// One of PHP's two limits for a location's pool: its size, the text, and where it was
/// written (`None`: PHP's default).
struct PhpLimit {
    key: &'static str,
    bytes: Option<u64>,
    text: String,
    at: Option<Span>,
}

impl PhpLimit {
    /// Written somewhere, with another size than PHP's `default`.
    fn chosen(&self, default: &str) -> bool {
        self.at.is_some() && self.bytes != php_size(default)
    }
}

/// The effective value of `key` for requests of `location` to `pool`: a
/// `php_admin_value` of the pool, else what the location sends in `PHP_VALUE`, else the
/// pool's `php_value`, php.ini, PHP's default.
fn php_limit(
    key: &'static str,
    default: &str,
    location: &EffectiveLocation,
    pool: PoolRef<'_>,
) -> PhpLimit {
    let admin = pool
        .pool
        .array("php_admin_value", key)
        .map(|e| (e.value.to_string(), e.value_span));
    let sent = || {
        location
            .php_value_sent(key)
            .map(|(value, span, _)| (value, span))
    };
    let configured = || pool.php_value(key).map(|(v, span)| (v.to_string(), span));
    match admin.or_else(sent).or_else(configured) {
        Some((text, at)) => PhpLimit {
            key,
            bytes: php_size(&text),
            text,
            at: Some(at),
        },
        None => PhpLimit {
            key,
            bytes: php_size(default),
            text: default.to_string(),
            at: None,
        },
    }
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    // One finding per pool and nginx limit: a server's PHP locations share both.
    let mut reported: Vec<(Option<Span>, Span)> = Vec::new();
    for location in server.fastcgi_locations() {
        // A location that serves only status pages takes no upload: asked only of a
        // location whose pool's limits would make a finding (the question matches URIs
        // against the server's locations; most pools keep PHP's default limits).
        let mut status_only: Option<bool> = None;
        let set = location.inherited.get("client_max_body_size");
        let nginx_limit = match set {
            Some(s) => match nginx_conf_parser::check::parse_offset(s.first()) {
                Some(0) | None => continue,
                Some(n) => n,
            },
            None => NGINX_DEFAULT,
        };
        for (_, pool) in model.reached_pools(location) {
            let upload = php_limit("upload_max_filesize", "2M", location, pool);
            let post = php_limit("post_max_size", "8M", location, pool);
            // Written, and not PHP's default: the stock php.ini writes `upload_max_filesize
            // = 2M` and `post_max_size = 8M`, which is no choice either.
            if !upload.chosen("2M") && !post.chosen("8M") {
                continue;
            }
            // The file PHP takes is bounded by both; no limit at all when neither bounds.
            let php_limit = match (upload.bytes, post.bytes) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => u64::MAX,
            };
            if php_limit <= nginx_limit {
                continue;
            }
            if *status_only.get_or_insert_with(|| model.serves_only_status_pages(server, location))
            {
                break;
            }
            let key = (set.map(|s| s.span), pool.pool.name_span);
            if reported.contains(&key) {
                continue;
            }
            reported.push(key);
            let nginx_text = set.map_or_else(
                || "1m (client_max_body_size is not set)".to_string(),
                |s| format!("{} (client_max_body_size)", s.first()),
            );
            // An empty value (`upload_max_filesize = ${UNSET}`) is shown as `""`: PHP reads
            // it as 0, no limit.
            let shown = |l: &PhpLimit| {
                if l.text.trim().trim_matches('"').is_empty() {
                    "\"\"".to_string()
                } else {
                    l.text.clone()
                }
            };
            let php_text = [&upload, &post]
                .iter()
                .map(|l| format!("{} {}", l.key, shown(l)))
                .collect::<Vec<_>>()
                .join(", ");
            let primary = set.map_or(location.span, |s| s.span);
            // Neither limit bounds (both 0, negative or empty): there is no size to name,
            // nor one to give `client_max_body_size` but 0.
            let unbounded = php_limit == u64::MAX;
            let takes = if unbounded {
                "uploads of any size".to_string()
            } else {
                format!(
                    "uploads up to {}",
                    smaller(&upload, &post).text.trim().trim_matches('"')
                )
            };
            let help = if unbounded {
                format!(
                    "set `client_max_body_size 0;` (no limit, as pool [{}] has none) or the largest body you mean to take, or give PHP a limit",
                    pool.pool.name
                )
            } else {
                format!(
                    "set `client_max_body_size` to PHP's limit in this server or location (for {}: `client_max_body_size {};`), or lower PHP's",
                    pool.pool.name,
                    written_size(&upload, &post)
                )
            };
            let mut d = Diagnostic::new(
                &RULE.meta,
                primary,
                format!(
                    "nginx refuses request bodies over {nginx_text} with 413, but pool [{}] takes {takes} ({php_text}): larger uploads never reach PHP",
                    pool.pool.name,
                ),
            )
            .with_help(help);
            for limit in [&upload, &post] {
                if let Some(at) = limit.at {
                    d = d.with_related(at, format!("{} = {}", limit.key, shown(limit)));
                }
            }
            sink.push(d);
        }
    }
}

/// The smaller of PHP's two limits (the upload limit when neither is a size).
fn smaller<'l>(upload: &'l PhpLimit, post: &'l PhpLimit) -> &'l PhpLimit {
    match (upload.bytes, post.bytes) {
        (Some(a), Some(b)) if b < a => post,
        (Some(_), _) => upload,
        _ => post,
    }
}

/// PHP's limit as nginx writes it: the smaller of the two, in PHP's own spelling
/// lower-cased (`128M` → `128m`; nginx reads `k`, `m` and `g`).
fn written_size(upload: &PhpLimit, post: &PhpLimit) -> String {
    smaller(upload, post)
        .text
        .trim()
        .trim_matches('"')
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_sizes_read_as_php_reads_them() {
        assert_eq!(php_size("128M"), Some(128 << 20));
        assert_eq!(php_size("\"64M\""), Some(64 << 20));
        assert_eq!(php_size("2G"), Some(2 << 30));
        assert_eq!(php_size("0"), None);
        assert_eq!(php_size("-1"), None);
        assert_eq!(php_size("lots"), None);
    }
}
