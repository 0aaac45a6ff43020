use std::collections::BTreeSet;

use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::regex_reach;
use crate::model::tree_walk::condition;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC016",
        name: "weak-origin-check",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a regex that validates `$http_origin`/`$http_referer` accepts foreign sites (unanchored, unescaped dot, open prefix), or the Origin is reflected as is",
        aliases: &["origins"],
        doc: r#"A CORS allowlist or anti-framing check written as a regex over
`$http_origin` or `$http_referer` must match the trusted sites and nothing else.
Without `^` the regex matches `https://evil.example/?https://trusted.example`;
without `$` it matches `https://trusted.example.evil.example`; an unescaped `.`
matches any character (`trustedXexample` is another domain); `([^/]+)?trusted`
matches `eviltrusted`. Each candidate the regex accepts is built and checked against
the public suffix list: a different registrable domain is a bypass. An Origin is
`scheme://host[:port]`, so a regex expecting a path or upper-case host is reported
as invalid (it never matches a real browser's Origin). Echoing `$http_origin` into
`Access-Control-Allow-Origin` (directly, through `set`, or as a `map`'s default)
trusts every site (unless an enclosing `if ($http_origin ~ ...)` admits only some),
and `$http_referrer` (double r) is a header nobody sends.

**Symptom**: any website can read authenticated API responses cross-origin
(credentials included), or frame the page the check was meant to protect.

Bad:
```nginx
if ($http_origin ~* "https://app.example.com") {
    add_header Access-Control-Allow-Origin $http_origin;
}
```
Good:
```nginx
if ($http_origin ~* "^https://app\.example\.com$") {
    add_header Access-Control-Allow-Origin $http_origin;
}
```
Options (gixy's names): `domains = ["example.com"]` (registrable domains to trust;
others are reported), `https_only = true` (report `http://` origins),
`lower_hostname = false` (do not report upper-case hosts)."#,
        fix: "Anchor the regex (`^...$`), escape every dot (`\\.`), spell the allowed subdomains out (`^https://(www|app)\\.example\\.com$`), and echo the Origin only from an allowlist `map` whose default is empty.",
    },
    check: Check::Model(check),
};

/// What one regex accepts that it should not.
#[derive(Default)]
struct Verdict {
    /// Candidates on another site (bypasses).
    insecure: BTreeSet<String>,
    /// Candidates that are no valid header value.
    invalid: BTreeSet<String>,
}

struct Options {
    domains: Vec<String>,
    https_only: bool,
    lower_hostname: bool,
}

/// Python's `urllib.parse.urlparse`, the parts this check reads.
#[derive(Debug, Default)]
struct Url {
    scheme: String,
    netloc: String,
    /// Path, params, query and fragment: all that follows the host.
    rest: String,
    hostname: Option<String>,
}

fn urlparse(url: &str) -> Result<Url, ()> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut rest = cleaned.as_str();
    let mut out = Url::default();
    if let Some(i) = rest.find(':') {
        let s = &rest[..i];
        if s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            out.scheme = s.to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        out.netloc = after[..end].to_string();
        rest = &after[end..];
        if out.netloc.contains('[') != out.netloc.contains(']') {
            return Err(());
        }
        let host = out.netloc.rsplit('@').next().unwrap_or("");
        let host = if host.contains('[') {
            let inner = host.split('[').nth(1).unwrap_or("");
            let inner = inner.split(']').next().unwrap_or("");
            if inner.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(());
            }
            inner
        } else {
            host.split(':').next().unwrap_or("")
        };
        if !host.is_empty() {
            out.hostname = Some(host.to_lowercase());
        }
    }
    out.rest = rest.to_string();
    Ok(out)
}

/// The registrable domain (one label under a known public suffix), as tldextract
/// gives it with private suffixes included.
fn registrable(host: &str) -> Option<String> {
    let suffix = psl::suffix(host.as_bytes())?;
    if !suffix.is_known() {
        return None;
    }
    let suffix = std::str::from_utf8(suffix.as_bytes()).ok()?;
    let head = host.strip_suffix(suffix)?.strip_suffix('.')?;
    let label = head.rsplit('.').next()?;
    (!label.is_empty()).then(|| format!("{label}.{suffix}"))
}

fn same_origin(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let a = a.trim_matches('.').to_lowercase();
    let b = b.trim_matches('.').to_lowercase();
    if a == b {
        return true;
    }
    matches!((registrable(&a), registrable(&b)), (Some(x), Some(y)) if x == y)
}

impl Verdict {
    /// gixy's `parse_url`: a candidate that is no absolute http(s) URL is recorded
    /// (as a bypass, fixed up to show one) and yields nothing.
    fn parse(&mut self, url: &str, opts: &Options) -> Option<Url> {
        let Ok(parsed) = urlparse(url) else {
            self.invalid.insert(url.to_string());
            return None;
        };
        if parsed.hostname.is_none() || parsed.scheme.is_empty() {
            if url.is_empty() {
                self.invalid.insert(url.to_string());
                return None;
            }
            let mut fixed = url.to_string();
            if fixed.starts_with('/') {
                fixed = format!("abc.com{fixed}");
            }
            if !fixed.contains("://") {
                fixed = format!("https://def.com{fixed}");
            }
            self.insecure.insert(fixed);
            return None;
        }
        if (opts.https_only && parsed.scheme != "https")
            || !matches!(parsed.scheme.as_str(), "http" | "https")
        {
            self.insecure.insert(url.to_string());
            return None;
        }
        Some(parsed)
    }
}

fn host(u: &Url) -> &str {
    u.hostname.as_deref().unwrap_or("")
}

fn lower_host_ok(netloc: &str) -> bool {
    !netloc.is_empty()
        && netloc
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".:[]-".contains(&b))
}

/// gixy's origins analysis: every sample the regex matches (classes as a wildcard
/// byte), mutated with a foreign suffix (when not anchored at the end) and a foreign
/// prefix (when not anchored at the start), must stay on the sample's registrable
/// domain whatever the wildcard bytes are.
fn analyze(pattern: &str, referer: bool, opts: &Options) -> Option<Verdict> {
    let parsed = regex_reach::parse(pattern)?;
    let mut v = Verdict::default();
    for sample in parsed.samples(b'`', 256) {
        let cand: String = String::from_utf8_lossy(&sample)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=`^%\"".contains(c) {
                    c
                } else {
                    '`'
                }
            })
            .collect();
        let base_raw = cand
            .trim_start_matches('^')
            .trim_end_matches('$')
            .to_string();
        let Some(base) = v.parse(&base_raw, opts) else {
            continue;
        };
        let mut suffix_raw = cand.trim_start_matches('^').to_string();
        if suffix_raw.ends_with('$') {
            suffix_raw = suffix_raw.trim_end_matches('$').to_string();
        } else {
            suffix_raw.push_str(".evil.com");
        }
        let Some(suffix) = v.parse(&suffix_raw, opts) else {
            continue;
        };
        if !same_origin(host(&base), host(&suffix)) {
            v.insecure.insert(suffix_raw);
            continue;
        }
        let mut prefix_raw = cand.trim_end_matches('$').to_string();
        if prefix_raw.starts_with('^') {
            prefix_raw = prefix_raw.trim_start_matches('^').to_string();
        } else if referer {
            prefix_raw = format!("http://evil.com/?{prefix_raw}");
        } else {
            prefix_raw = format!("http://evil.com{prefix_raw}");
        }
        let Some(prefix) = v.parse(&prefix_raw, opts) else {
            continue;
        };
        if !same_origin(host(&base), host(&prefix)) {
            v.insecure.insert(prefix_raw);
            continue;
        }
        let base_host_filled = host(&base).replace('`', "a");
        let suffix_host_filled = host(&suffix).replace('`', "b");
        let prefix_host_filled = host(&prefix).replace('`', "c");
        let base_filled = base_raw.replace('`', "a");
        let suffix_filled = suffix_raw.replace('`', "b");
        let prefix_filled = prefix_raw.replace('`', "c");
        if !same_origin(host(&base), &base_host_filled) {
            v.insecure.insert(base_filled);
            continue;
        }
        if !same_origin(&base_host_filled, &suffix_host_filled) {
            v.insecure.insert(suffix_filled);
            continue;
        }
        if !same_origin(&base_host_filled, &prefix_host_filled) {
            v.insecure.insert(prefix_filled);
            continue;
        }
        if !opts.domains.is_empty() {
            let trusted = |h: &str| opts.domains.iter().any(|d| same_origin(h, d));
            if !trusted(&base_host_filled) {
                v.insecure.insert(base_filled);
                continue;
            }
            if !trusted(&suffix_host_filled) {
                v.insecure.insert(suffix_filled);
                continue;
            }
            if !trusted(&prefix_host_filled) {
                v.insecure.insert(prefix_filled);
                continue;
            }
        }
        if opts.lower_hostname {
            let checks = [
                (&base.netloc, 'a', &base_filled),
                (&suffix.netloc, 'b', &suffix_filled),
                (&prefix.netloc, 'c', &prefix_filled),
            ];
            if let Some((_, _, raw)) = checks
                .iter()
                .find(|(netloc, fill, _)| !lower_host_ok(&netloc.replace('`', &fill.to_string())))
            {
                v.invalid.insert((*raw).clone());
                continue;
            }
        }
        if !referer {
            if let Some(raw) = [
                (&base, &base_filled),
                (&suffix, &suffix_filled),
                (&prefix, &prefix_filled),
            ]
            .iter()
            .find(|(u, _)| !u.rest.is_empty())
            .map(|(_, raw)| (*raw).clone())
            {
                v.invalid.insert(raw);
                continue;
            }
        }
    }
    // A "bypass" that is no URL at all, or an origin with a path, is only invalid.
    let insecure = std::mem::take(&mut v.insecure);
    for url in insecure {
        match urlparse(&url) {
            Ok(u) if u.scheme.is_empty() || u.hostname.is_none() => {
                v.invalid.insert(url);
            }
            Ok(u) if !referer && !u.rest.is_empty() => {
                v.invalid.insert(url);
            }
            _ => {
                v.insecure.insert(url);
            }
        }
    }
    Some(v)
}

fn report(sink: &mut Sink, span: Span, related: Option<Span>, header: &str, v: &Verdict) {
    let show = |set: &BTreeSet<String>| {
        let mut list: Vec<String> = set.iter().take(3).map(|s| s.replace('`', "a")).collect();
        if set.len() > 3 {
            list.push(format!("and {} more", set.len() - 3));
        }
        list.join(", ")
    };
    if !v.insecure.is_empty() {
        let mut d = Diagnostic::new(
            &RULE.meta,
            span,
            format!(
                "this regex accepts {} as a valid {header}",
                show(&v.insecure)
            ),
        )
        .with_help("anchor it (`^...$`), escape the dots and spell the allowed hosts out");
        if header == "origin" {
            d = d.with_severity(Severity::Error);
        }
        if let Some(r) = related {
            d = d.with_related(r, "the origin is echoed from here");
        }
        sink.push(d);
    }
    if !v.invalid.is_empty() {
        let what = if header == "origin" {
            "an Origin is `scheme://host[:port]`, lower case, with no path"
        } else {
            "a Referer is an absolute URL with a scheme and a lower-case host"
        };
        let mut d = Diagnostic::new(
            &RULE.meta,
            span,
            format!(
                "this regex accepts {}, which is no valid {header}: {what}",
                show(&v.invalid)
            ),
        )
        .with_severity(Severity::Note)
        .with_help("match only the forms browsers send");
        if let Some(r) = related {
            d = d.with_related(r, "the origin is echoed from here");
        }
        sink.push(d);
    }
}

/// True inside an `if` that matches `$http_origin` (`~`, `~*`, `=`): only the
/// origins it accepts get there.
fn origin_checked(blocks: &[nginx_conf_parser::Item<'_>]) -> bool {
    blocks.iter().any(|b| {
        if !b.is("if") {
            return false;
        }
        let (left, op, _) = condition(b);
        left.eq_ignore_ascii_case("$http_origin") && matches!(op.as_str(), "~" | "~*" | "=")
    })
}

/// `$http_origin` as written in a value, quotes and braces allowed.
fn is_origin(value: &str) -> bool {
    value
        .trim_matches(['"', '\''])
        .trim_start_matches('$')
        .trim_matches(['{', '}'])
        .eq_ignore_ascii_case("http_origin")
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let code = RULE.meta.code;
    let domains: Vec<String> = model
        .options
        .rule_words(code, "domains")
        .map(|w| {
            w.iter()
                .flat_map(|d| d.split(','))
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty() && d != "*")
                .collect()
        })
        .unwrap_or_default();
    let opts = Options {
        domains,
        https_only: model.options.rule_bool(code, "https_only").unwrap_or(false),
        lower_hostname: model
            .options
            .rule_bool(code, "lower_hostname")
            .unwrap_or(true),
    };
    for syntax in model.syntax {
        // (statement span, the variable it echoes into Access-Control-Allow-Origin)
        let mut echoes: Vec<(Span, String)> = Vec::new();
        // `set $var $http_origin;` statements: (span, var)
        let mut sets: Vec<(Span, String)> = Vec::new();
        syntax.walk(|s, blocks| {
            if s.is("if") {
                let (left, op, right) = condition(s);
                if !matches!(op.as_str(), "~" | "~*" | "!~" | "!~*") {
                    return;
                }
                let var = left.to_ascii_lowercase();
                let header = match var.as_str() {
                    "$http_origin" => "origin",
                    "$http_referer" => "referer",
                    "$http_referrer" => {
                        sink.push(
                            Diagnostic::new(
                                &RULE.meta,
                                s.arg_span(0),
                                "`$http_referrer` is a header no browser sends: the check never sees the Referer",
                            )
                            .with_severity(Severity::Error)
                            .with_help("use `$http_referer` (one r, as HTTP spells it)"),
                        );
                        return;
                    }
                    _ => return,
                };
                let pattern = right.trim_matches(['"', '\'']);
                if let Some(v) = analyze(pattern, header == "referer", &opts) {
                    report(sink, s.args_span(), None, header, &v);
                }
            } else if (s.is("add_header")
                && s.arg(0).is_some_and(|n| n.eq_ignore_ascii_case("access-control-allow-origin")))
                || (s.is("more_set_headers")
                    && s.args().any(|a| {
                        a.to_ascii_lowercase().contains("access-control-allow-origin")
                    }))
            {
                for (i, name, value) in crate::rules::sec011_add_header_multiline::headers(s) {
                    if !name.eq_ignore_ascii_case("access-control-allow-origin") {
                        continue;
                    }
                    let value = value.trim().trim_matches(['"', '\'']);
                    if is_origin(value) {
                        if origin_checked(blocks) {
                            // Echoed only for origins the `if` accepted: its regex is
                            // what is analysed above.
                            continue;
                        }
                        sink.push(
                            Diagnostic::new(
                                &RULE.meta,
                                s.arg_span(i),
                                "Access-Control-Allow-Origin echoes `$http_origin`: every site passes the CORS check",
                            )
                            .with_severity(Severity::Error)
                            .with_help("echo the Origin only through an allowlist `map` whose default is empty"),
                        );
                    } else if let Some(var) = value.strip_prefix('$') {
                        let var = var.trim_matches(['{', '}']).to_ascii_lowercase();
                        echoes.push((s.arg_span(i), var));
                    }
                }
            } else if s.is("set") && s.arg(1).is_some_and(|v| is_origin(&v)) {
                if let Some(var) = s.arg(0) {
                    let var = var.trim_start_matches('$').to_ascii_lowercase();
                    sets.push((s.span(), var));
                }
            }
        });
        if echoes.is_empty() {
            continue;
        }
        let Some(globals) = model.globals(syntax) else {
            continue;
        };
        for (echo, var) in &echoes {
            for (set, _) in sets.iter().filter(|(_, v)| v == var) {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        *set,
                        "this copies `$http_origin` into Access-Control-Allow-Origin: every site passes the CORS check",
                    )
                    .with_severity(Severity::Error)
                    .with_related(*echo, "echoed here")
                    .with_help("echo the Origin only through an allowlist `map` whose default is empty"),
                );
            }
            let Some(map) = globals.definition(var) else {
                continue;
            };
            if !map.is("map")
                || !map
                    .arg(0)
                    .is_some_and(|s| s.eq_ignore_ascii_case("$http_origin"))
            {
                continue;
            }
            for entry in map.children() {
                let key = entry.name();
                let value = entry.arg(0).unwrap_or_default();
                if let Some(pattern) = key.strip_prefix("~*").or_else(|| key.strip_prefix('~')) {
                    if let Some(v) = analyze(pattern, false, &opts) {
                        report(sink, entry.name_span(), Some(*echo), "origin", &v);
                    }
                } else if key == "default" && is_origin(&value) {
                    sink.push(
                        Diagnostic::new(
                            &RULE.meta,
                            entry.span(),
                            "this map echoes every Origin by default: every site passes the CORS check",
                        )
                        .with_severity(Severity::Error)
                        .with_related(*echo, "echoed here")
                        .with_help("make the default empty (`default \"\";`) and list the trusted origins"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(pattern: &str, referer: bool) -> bool {
        let opts = Options {
            domains: Vec::new(),
            https_only: false,
            lower_hostname: true,
        };
        analyze(pattern, referer, &opts)
            .is_some_and(|v| !v.insecure.is_empty() || !v.invalid.is_empty())
    }

    #[test]
    fn reads_urls_like_python() {
        let u = urlparse("http://evil.comhttps://google.com").expect("parses");
        assert_eq!(u.hostname.as_deref(), Some("evil.comhttps"));
        assert_eq!(u.rest, "//google.com");
        let u = urlparse("https://User@Example.com:8080/x?y#z").expect("parses");
        assert_eq!(
            (u.scheme.as_str(), u.hostname.as_deref()),
            ("https", Some("example.com"))
        );
        assert!(urlparse("https://[::1/").is_err());
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(
            registrable("a.b.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(registrable("yandexaru"), None);
        assert!(same_origin("some.yandex.ru", "yandex.ru"));
        assert!(!same_origin("someayandex.ru", "yandex.ru"));
    }

    #[test]
    fn anchors_dots_and_prefixes() {
        assert!(!flags(r"^https://example\.com$", false));
        assert!(flags(r"^https://example.com$", false), "unescaped dot");
        assert!(flags(r"https://example\.com$", false), "no ^");
        assert!(flags(r"^https://example\.com", false), "no $");
        assert!(
            flags(r"^https://([^/]+)?example\.com$", false),
            "open prefix"
        );
        assert!(!flags(r"^https://([a-z0-9-]+\.)?example\.com$", false));
        assert!(!flags(r"^https?://example\.com/", true));
        assert!(
            flags(r"^https?://example\.com/$", false),
            "an origin has no path"
        );
    }
}
