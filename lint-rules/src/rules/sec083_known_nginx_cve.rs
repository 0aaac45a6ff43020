use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::regex_shape;
use crate::model::syntax::{Node, Tree};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC083",
        name: "known-nginx-cve",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "the target nginx version has a published CVE whose vulnerable feature this configuration uses",
        aliases: &["nginx_cves"],
        doc: r#"nginx publishes its security advisories with the versions each one affects
and the releases that fix it. When the exact version that runs is known
(`--nginx-version 1.29.8`, or the config file's `nginx-version`), this rule
reports each advisory covering that version, attached to the directives that expose
the vulnerable code: `mp4` for the mp4 module, `listen ... quic` or `http3
on` for HTTP/3, `http2` for HTTP/2, `resolver` for resolver bugs, a `rewrite`
whose replacement has `$1` and `?` followed by another rewrite-module
directive (CVE-2026-42945), and so on. An advisory about the core (no
feature to point at) is reported on the first server. Advisories whose
feature the configuration does not use are not reported: the binary is
vulnerable, but this configuration does not reach the code.

Silent without an exact version: a `major.minor` version (what package
discovery finds) says nothing about patches, and distributions backport
fixes without changing the upstream version.

The table is nginx.org's security advisories as transcribed in gixy-ng's
`nginx_cves` database (2026-07 snapshot): the CVE, the versions affected
(minus fixed branch releases) and the releases that fix it.

**Symptom**: none until exploited: crashes (worker `exited on signal 11`),
memory disclosure or code execution, depending on the CVE.

Bad (`--nginx-version 1.29.8`):
```nginx
location / {
    rewrite ^/(.*)$ /x?$1 last;
    set $foo bar;
}
```
Good (`--nginx-version 1.30.2`):
```nginx
location / {
    rewrite ^/(.*)$ /x?$1 last;
    set $foo bar;
}
```"#,
        fix: "Upgrade nginx to a release that fixes the advisory (the finding names them), or stop using the vulnerable feature.",
    },
    check: Check::Model(check),
};

/// How serious the advisory is (nginx.org's rating).
#[derive(Clone, Copy)]
enum Level {
    High,
    Medium,
    Low,
}

/// What in a configuration reaches the vulnerable code.
#[derive(Clone, Copy)]
enum Trigger {
    /// The core: every configuration.
    Binary,
    Charset,
    Dav,
    GrpcOrHttp2Upstream,
    Http2Enabled,
    Http3Enabled,
    MailAuthHttp,
    MailCramMd5Apop,
    MailSmtp,
    MailStarttls,
    MapRegexBufferOverflow,
    Mp4Module,
    ProxyPass,
    ProxySslUpstream,
    ProxyWithHttp2,
    Resolver,
    RewriteRift,
    ScgiOrUwsgi,
    SpdyListen,
    SsiUnbufferedProxy,
    SslListen,
    SslSessionReuse,
    StreamSslOcsp,
    UnnamedCaptureSubrequest,
}

type Version = (u32, u32, u32);

struct Cve {
    id: &'static str,
    summary: &'static str,
    severity: Level,
    /// Inclusive ranges of affected versions.
    affected: &'static [(Version, Version)],
    fixed: &'static str,
    trigger: Trigger,
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let Some(version) = model
        .options
        .nginx_version
        .as_deref()
        .and_then(exact_version)
    else {
        return;
    };
    for tree in model.syntax {
        for cve in CVES {
            if !cve
                .affected
                .iter()
                .any(|(lo, hi)| *lo <= version && version <= *hi)
            {
                continue;
            }
            let found = triggers(tree, cve.trigger);
            let (primary, how) = match cve.trigger {
                Trigger::Binary => {
                    let Some(anchor) = tree
                        .http_servers()
                        .next()
                        .or_else(|| tree.top().next())
                    else {
                        continue;
                    };
                    (anchor.name_span(), "this version is affected")
                }
                _ => match found.first() {
                    Some(n) => (n.span(), "this version is affected and this configuration uses the vulnerable feature"),
                    None => continue,
                },
            };
            let (major, minor, patch) = version;
            let mut d = Diagnostic::new(
                &RULE.meta,
                primary,
                format!(
                    "{}: {} ({how}: nginx {major}.{minor}.{patch}; fixed in {})",
                    cve.id, cve.summary, cve.fixed
                ),
            )
            .with_severity(match cve.severity {
                Level::High => Severity::Error,
                Level::Medium => Severity::Warning,
                Level::Low => Severity::Note,
            })
            .with_help(format!(
                "upgrade nginx to {} or later on its branch",
                cve.fixed
            ));
            for other in found.iter().skip(1).take(3) {
                d = d.with_related(other.span(), "also uses it");
            }
            sink.push(d);
        }
    }
}

/// `1.29.8` (a suffix such as `-alpine` after the patch is ignored); `None` for `1.29`,
/// `latest` or anything else.
fn exact_version(text: &str) -> Option<Version> {
    let mut parts = text.trim().trim_start_matches('v').splitn(3, '.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch_text = parts.next()?;
    let digits: String = patch_text
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor, digits.parse().ok()?))
}

fn is_on(n: &Node<'_, '_>) -> bool {
    n.arg(0).eq_ignore_ascii_case("on")
}

/// Unnamed captures `$1`..`$9` or `${1}`..`${9}` in a value.
fn has_unnamed_capture(value: &str) -> bool {
    let b = value.as_bytes();
    (0..b.len()).any(|i| {
        b[i] == b'$'
            && match b.get(i + 1) {
                Some(d) if (b'1'..=b'9').contains(d) => true,
                Some(b'{') => {
                    b.get(i + 2).is_some_and(|d| (b'1'..=b'9').contains(d))
                        && b.get(i + 3) == Some(&b'}')
                }
                _ => false,
            }
    })
}

fn in_top(n: &Node<'_, '_>, block: &str) -> bool {
    n.ancestors().last().is_some_and(|top| top.is(block))
}

fn triggers<'t, 'a>(tree: &'t Tree<'a>, trigger: Trigger) -> Vec<Node<'t, 'a>> {
    let all = || tree.nodes();
    let named = |name: &'static str| tree.nodes_named(name);
    match trigger {
        Trigger::Binary => Vec::new(),
        Trigger::Charset => named("charset").filter(|c| c.arg(0) != "off").collect(),
        Trigger::Dav => named("dav_methods").collect(),
        Trigger::GrpcOrHttp2Upstream => all()
            .filter(|n| {
                n.is("grpc_pass") || (n.is("proxy_http_version") && n.arg(0).starts_with('2'))
            })
            .collect(),
        Trigger::Http2Enabled => all()
            .filter(|n| (n.is("listen") && n.has_arg("http2")) || (n.is("http2") && is_on(n)))
            .collect(),
        Trigger::Http3Enabled => all()
            .filter(|n| (n.is("listen") && n.has_arg("quic")) || (n.is("http3") && is_on(n)))
            .collect(),
        Trigger::MailAuthHttp => named("auth_http").filter(|n| in_top(n, "mail")).collect(),
        Trigger::MailCramMd5Apop => all()
            .filter(|n| {
                ["imap_auth", "pop3_auth", "smtp_auth", "auth"]
                    .iter()
                    .any(|k| n.is(k))
                    && in_top(n, "mail")
                    && (n.has_arg("cram-md5") || n.has_arg("apop"))
            })
            .collect(),
        Trigger::MailSmtp => all()
            .filter(|n| {
                in_top(n, "mail")
                    && ((n.is("protocol") && n.arg(0) == "smtp")
                        || [
                            "smtp_auth",
                            "smtp_capabilities",
                            "smtp_client_buffer",
                            "smtp_greeting_delay",
                        ]
                        .iter()
                        .any(|k| n.is(k)))
            })
            .collect(),
        Trigger::MailStarttls => named("starttls")
            .filter(|n| in_top(n, "mail") && n.arg(0) != "off")
            .collect(),
        Trigger::MapRegexBufferOverflow => map_regex_consumers(tree),
        Trigger::Mp4Module => named("mp4").collect(),
        Trigger::ProxyPass => named("proxy_pass").collect(),
        Trigger::ProxySslUpstream => all()
            .filter(|n| {
                (n.is("proxy_pass") && n.arg(0).starts_with("https://"))
                    || [
                        "proxy_ssl_certificate",
                        "proxy_ssl_certificate_key",
                        "proxy_ssl_verify",
                        "proxy_ssl_protocols",
                        "proxy_ssl_ciphers",
                        "proxy_ssl_session_reuse",
                    ]
                    .iter()
                    .any(|k| n.is(k))
            })
            .collect(),
        Trigger::ProxyWithHttp2 => {
            if triggers(tree, Trigger::Http2Enabled).is_empty() {
                Vec::new()
            } else {
                named("proxy_pass").collect()
            }
        }
        Trigger::Resolver => named("resolver").collect(),
        Trigger::RewriteRift => rewrite_rift(tree),
        Trigger::ScgiOrUwsgi => all()
            .filter(|n| n.is("scgi_pass") || n.is("uwsgi_pass"))
            .collect(),
        Trigger::SpdyListen => named("listen").filter(|n| n.has_arg("spdy")).collect(),
        Trigger::SsiUnbufferedProxy => named("proxy_pass")
            .filter(|p| {
                p.effective("ssi").is_some_and(|s| is_on(&s))
                    && p.effective("proxy_buffering")
                        .is_some_and(|b| b.arg(0) == "off")
            })
            .collect(),
        Trigger::SslListen => all()
            .filter(|n| (n.is("listen") && n.has_arg("ssl")) || (n.is("ssl") && is_on(n)))
            .collect(),
        Trigger::SslSessionReuse => all()
            .filter(|n| {
                (n.is("ssl_session_tickets") && n.arg(0) != "off")
                    || (n.is("ssl_session_cache") && n.args().any(|a| a.starts_with("shared:")))
                    || n.is("ssl_session_ticket_key")
            })
            .collect(),
        Trigger::StreamSslOcsp => named("ssl_ocsp").filter(|n| in_top(n, "stream")).collect(),
        Trigger::UnnamedCaptureSubrequest => all()
            .filter(|n| {
                n.args().any(has_unnamed_capture)
                    && (n.effective("slice").is_some_and(|s| s.arg(0) != "0")
                        || n.effective("proxy_cache_background_update")
                            .is_some_and(|b| is_on(&b)))
            })
            .collect(),
    }
}

/// CVE-2026-42945: a `rewrite` whose replacement has an unnamed capture and `?`, followed in
/// the same block by another `rewrite`, `if` or `set`.
fn rewrite_rift<'t, 'a>(tree: &'t Tree<'a>) -> Vec<Node<'t, 'a>> {
    tree.nodes_named("rewrite")
        .filter(|r| {
            let replacement = r.arg(1);
            if !replacement.contains('?') || !has_unnamed_capture(replacement) {
                return false;
            }
            let Some(parent) = r.parent() else {
                return false;
            };
            parent
                .children()
                .skip_while(|c| c.id() != r.id())
                .skip(1)
                .any(|c| c.is("rewrite") || c.is("if") || c.is("set"))
        })
        .collect()
}

/// CVE-2026-42533: a value that uses a regex `map`'s variable after one of the map's
/// captures (or any value using a `volatile` regex map).
fn map_regex_consumers<'t, 'a>(tree: &'t Tree<'a>) -> Vec<Node<'t, 'a>> {
    // (the map, its variable, the capture names its regex keys set, volatile).
    let mut maps = Vec::new();
    for map in tree.nodes_named("map") {
        let var = map.arg(1).trim_start_matches('$').to_ascii_lowercase();
        let mut captures: Vec<String> = Vec::new();
        let mut volatile = false;
        for entry in map.children() {
            let key = entry.name();
            if key == "volatile" {
                volatile = true;
            }
            let Some(pattern) = key.strip_prefix('~') else {
                continue;
            };
            let (pattern, caseless) = match pattern.strip_prefix('*') {
                Some(p) => (p, true),
                None => (pattern, false),
            };
            let Ok(shape) = regex_shape::parse(pattern, caseless) else {
                continue;
            };
            for (n, at) in shape.captures() {
                if n <= 9 {
                    captures.push(n.to_string());
                }
                if let Some(name) = regex_shape::capture_name(pattern, at) {
                    captures.push(name.to_ascii_lowercase());
                }
            }
        }
        if !captures.is_empty() {
            maps.push((map, var, captures, volatile));
        }
    }
    if maps.is_empty() {
        return Vec::new();
    }
    // One pass over the tree for every map: each value's references are read once.
    tree.nodes()
        .filter(|consumer| {
            consumer.args().filter(|a| a.contains('$')).any(|arg| {
                let refs = references(arg);
                maps.iter().any(|(map, var, captures, volatile)| {
                    if consumer.id() == map.id() || consumer.ancestors().any(|a| a.id() == map.id())
                    {
                        return false;
                    }
                    match refs.iter().position(|r| r == var) {
                        Some(i) => *volatile || refs[..i].iter().any(|r| captures.contains(r)),
                        None => false,
                    }
                })
            })
        })
        .collect()
}

/// Variable names referenced by a value, in order, lower-cased.
fn references(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let (name, tail) = match after.strip_prefix('{').and_then(|b| b.split_once('}')) {
            Some(x) => x,
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                after.split_at(end)
            }
        };
        if !name.is_empty() {
            out.push(name.to_ascii_lowercase());
        }
        rest = tail;
    }
    out
}

/// nginx.org's advisories, newest first (see the rule's documentation for the source).
const CVES: &[Cve] = &[
    Cve {
        id: "CVE-2026-42533",
        summary: "Heap buffer overflow when using map with regex matching",
        severity: Level::High,
        affected: &[((0, 9, 6), (1, 30, 3)), ((1, 31, 0), (1, 31, 2))],
        fixed: "1.30.4, 1.31.3",
        trigger: Trigger::MapRegexBufferOverflow,
    },
    Cve {
        id: "CVE-2026-60005",
        summary: "Uninitialized memory access in ngx_http_slice_module",
        severity: Level::Medium,
        affected: &[((1, 15, 8), (1, 30, 3)), ((1, 31, 0), (1, 31, 2))],
        fixed: "1.30.4, 1.31.3",
        trigger: Trigger::UnnamedCaptureSubrequest,
    },
    Cve {
        id: "CVE-2026-56434",
        summary: "Use-after-free in ngx_http_ssi_module",
        severity: Level::Medium,
        affected: &[((0, 8, 11), (1, 30, 3)), ((1, 31, 0), (1, 31, 2))],
        fixed: "1.30.4, 1.31.3",
        trigger: Trigger::SsiUnbufferedProxy,
    },
    Cve {
        id: "CVE-2026-42530",
        summary: "Use-after-free in ngx_http_v3_module",
        severity: Level::High,
        affected: &[((1, 31, 0), (1, 31, 1))],
        fixed: "1.31.2",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2026-42055",
        summary: "Buffer overflow in ngx_http_proxy_v2_module and ngx_http_grpc_module",
        severity: Level::Medium,
        affected: &[((1, 13, 10), (1, 30, 2)), ((1, 31, 0), (1, 31, 1))],
        fixed: "1.30.3, 1.31.2",
        trigger: Trigger::GrpcOrHttp2Upstream,
    },
    Cve {
        id: "CVE-2026-48142",
        summary: "Buffer overread in ngx_http_charset_module",
        severity: Level::Low,
        affected: &[((0, 3, 50), (1, 30, 2)), ((1, 31, 0), (1, 31, 1))],
        fixed: "1.30.3, 1.31.2",
        trigger: Trigger::Charset,
    },
    Cve {
        id: "CVE-2026-9256",
        summary: "Heap overflow in ngx_http_rewrite_module triggered by overlapping captures",
        severity: Level::High,
        affected: &[((0, 1, 17), (1, 30, 1)), ((1, 31, 0), (1, 31, 0))],
        fixed: "1.30.2, 1.31.1",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2026-42945",
        summary: "Heap overflow in ngx_http_rewrite_module",
        severity: Level::High,
        affected: &[((0, 6, 27), (1, 30, 0))],
        fixed: "1.30.1, 1.31.0",
        trigger: Trigger::RewriteRift,
    },
    Cve {
        id: "CVE-2026-42926",
        summary: "HTTP/2 request injection in ngx_http_proxy_module",
        severity: Level::Medium,
        affected: &[((1, 29, 4), (1, 30, 0))],
        fixed: "1.30.1, 1.31.0",
        trigger: Trigger::ProxyWithHttp2,
    },
    Cve {
        id: "CVE-2026-42946",
        summary: "Buffer overread in ngx_http_scgi_module and ngx_http_uwsgi_module",
        severity: Level::Medium,
        affected: &[((0, 8, 42), (1, 30, 0))],
        fixed: "1.30.1, 1.31.0",
        trigger: Trigger::ScgiOrUwsgi,
    },
    Cve {
        id: "CVE-2026-42934",
        summary: "Buffer overread in ngx_http_charset_module",
        severity: Level::Low,
        affected: &[((0, 3, 50), (1, 30, 0))],
        fixed: "1.30.1, 1.31.0",
        trigger: Trigger::Charset,
    },
    Cve {
        id: "CVE-2026-40460",
        summary: "HTTP/3 address spoofing",
        severity: Level::Medium,
        affected: &[((1, 25, 0), (1, 30, 0))],
        fixed: "1.30.1, 1.31.0",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2026-40701",
        summary: "Use-after-free in resolver during OCSP processing",
        severity: Level::Medium,
        affected: &[((1, 19, 0), (1, 30, 0))],
        fixed: "1.30.1, 1.31.0",
        trigger: Trigger::Resolver,
    },
    Cve {
        id: "CVE-2026-27654",
        summary: "Buffer overflow in ngx_http_dav_module",
        severity: Level::Medium,
        affected: &[((0, 5, 13), (1, 28, 2)), ((1, 29, 0), (1, 29, 6))],
        fixed: "1.28.3, 1.29.7",
        trigger: Trigger::Dav,
    },
    Cve {
        id: "CVE-2026-27784",
        summary: "Buffer overflow in ngx_http_mp4_module",
        severity: Level::Medium,
        affected: &[((1, 1, 19), (1, 28, 2)), ((1, 29, 0), (1, 29, 6))],
        fixed: "1.28.3, 1.29.7",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2026-32647",
        summary: "Buffer overflow in ngx_http_mp4_module",
        severity: Level::Medium,
        affected: &[((1, 1, 19), (1, 28, 2)), ((1, 29, 0), (1, 29, 6))],
        fixed: "1.28.3, 1.29.7",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2026-27651",
        summary: "NULL pointer dereference while using CRAM-MD5 or APOP authentication",
        severity: Level::Low,
        affected: &[((0, 5, 15), (1, 28, 2)), ((1, 29, 0), (1, 29, 6))],
        fixed: "1.28.3, 1.29.7",
        trigger: Trigger::MailCramMd5Apop,
    },
    Cve {
        id: "CVE-2026-28753",
        summary: "Injection in mail auth_http and XCLIENT",
        severity: Level::Medium,
        affected: &[((0, 6, 27), (1, 28, 2)), ((1, 29, 0), (1, 29, 6))],
        fixed: "1.28.3, 1.29.7",
        trigger: Trigger::MailAuthHttp,
    },
    Cve {
        id: "CVE-2026-28755",
        summary: "OCSP result bypass in stream module",
        severity: Level::Medium,
        affected: &[((1, 27, 2), (1, 28, 2)), ((1, 29, 0), (1, 29, 6))],
        fixed: "1.28.3, 1.29.7",
        trigger: Trigger::StreamSslOcsp,
    },
    Cve {
        id: "CVE-2026-1642",
        summary: "SSL upstream injection",
        severity: Level::Medium,
        affected: &[((1, 3, 0), (1, 28, 1)), ((1, 29, 0), (1, 29, 4))],
        fixed: "1.28.2, 1.29.5",
        trigger: Trigger::ProxySslUpstream,
    },
    Cve {
        id: "CVE-2025-53859",
        summary: "Buffer overread in ngx_mail_smtp_module",
        severity: Level::Low,
        affected: &[((0, 7, 22), (1, 29, 0))],
        fixed: "1.29.1",
        trigger: Trigger::MailSmtp,
    },
    Cve {
        id: "CVE-2025-23419",
        summary: "SSL session reuse vulnerability allowing authentication bypass",
        severity: Level::Medium,
        affected: &[((1, 11, 4), (1, 26, 2)), ((1, 27, 0), (1, 27, 3))],
        fixed: "1.26.3, 1.27.4",
        trigger: Trigger::SslSessionReuse,
    },
    Cve {
        id: "CVE-2024-7347",
        summary: "Buffer overread in ngx_http_mp4_module",
        severity: Level::Low,
        affected: &[((1, 5, 13), (1, 26, 1)), ((1, 27, 0), (1, 27, 0))],
        fixed: "1.26.2, 1.27.1",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2024-32760",
        summary: "Buffer overwrite in HTTP/3",
        severity: Level::Medium,
        affected: &[((1, 25, 0), (1, 25, 5)), ((1, 26, 0), (1, 26, 0))],
        fixed: "1.26.1, 1.27.0",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2024-31079",
        summary: "Stack overflow and use-after-free in HTTP/3",
        severity: Level::Medium,
        affected: &[((1, 25, 0), (1, 25, 5)), ((1, 26, 0), (1, 26, 0))],
        fixed: "1.26.1, 1.27.0",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2024-35200",
        summary: "NULL pointer dereference in HTTP/3",
        severity: Level::Medium,
        affected: &[((1, 25, 0), (1, 25, 5)), ((1, 26, 0), (1, 26, 0))],
        fixed: "1.26.1, 1.27.0",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2024-34161",
        summary: "Memory disclosure in HTTP/3",
        severity: Level::Medium,
        affected: &[((1, 25, 0), (1, 25, 5)), ((1, 26, 0), (1, 26, 0))],
        fixed: "1.26.1, 1.27.0",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2024-24989",
        summary: "NULL pointer dereference in HTTP/3",
        severity: Level::High,
        affected: &[((1, 25, 3), (1, 25, 3))],
        fixed: "1.25.4",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2024-24990",
        summary: "Use-after-free in HTTP/3",
        severity: Level::High,
        affected: &[((1, 25, 0), (1, 25, 3))],
        fixed: "1.25.4",
        trigger: Trigger::Http3Enabled,
    },
    Cve {
        id: "CVE-2022-41741",
        summary: "Memory corruption in ngx_http_mp4_module",
        severity: Level::Medium,
        affected: &[
            ((1, 1, 3), (1, 22, 0)),
            ((1, 23, 0), (1, 23, 1)),
            ((1, 0, 7), (1, 0, 15)),
        ],
        fixed: "1.22.1, 1.23.2",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2022-41742",
        summary: "Memory disclosure in ngx_http_mp4_module",
        severity: Level::Medium,
        affected: &[
            ((1, 1, 3), (1, 22, 0)),
            ((1, 23, 0), (1, 23, 1)),
            ((1, 0, 7), (1, 0, 15)),
        ],
        fixed: "1.22.1, 1.23.2",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2021-23017",
        summary: "1-byte memory overwrite in resolver",
        severity: Level::Medium,
        affected: &[((0, 6, 18), (1, 20, 0))],
        fixed: "1.20.1, 1.21.0",
        trigger: Trigger::Resolver,
    },
    Cve {
        id: "CVE-2019-9511",
        summary: "Excessive CPU usage via HTTP/2 small window updates",
        severity: Level::Medium,
        affected: &[((1, 9, 5), (1, 16, 0)), ((1, 17, 0), (1, 17, 2))],
        fixed: "1.16.1, 1.17.3",
        trigger: Trigger::Http2Enabled,
    },
    Cve {
        id: "CVE-2019-9513",
        summary: "Excessive CPU usage via HTTP/2 priority changes",
        severity: Level::Low,
        affected: &[((1, 9, 5), (1, 16, 0)), ((1, 17, 0), (1, 17, 2))],
        fixed: "1.16.1, 1.17.3",
        trigger: Trigger::Http2Enabled,
    },
    Cve {
        id: "CVE-2019-9516",
        summary: "Excessive memory usage via HTTP/2 zero-length headers",
        severity: Level::Low,
        affected: &[((1, 9, 5), (1, 16, 0)), ((1, 17, 0), (1, 17, 2))],
        fixed: "1.16.1, 1.17.3",
        trigger: Trigger::Http2Enabled,
    },
    Cve {
        id: "CVE-2018-16843",
        summary: "Excessive memory usage in HTTP/2 implementation",
        severity: Level::Low,
        affected: &[((1, 9, 5), (1, 14, 0)), ((1, 15, 0), (1, 15, 5))],
        fixed: "1.14.1, 1.15.6",
        trigger: Trigger::Http2Enabled,
    },
    Cve {
        id: "CVE-2018-16844",
        summary: "Excessive CPU usage in HTTP/2 implementation",
        severity: Level::Low,
        affected: &[((1, 9, 5), (1, 14, 0)), ((1, 15, 0), (1, 15, 5))],
        fixed: "1.14.1, 1.15.6",
        trigger: Trigger::Http2Enabled,
    },
    Cve {
        id: "CVE-2018-16845",
        summary: "Memory disclosure in ngx_http_mp4_module",
        severity: Level::Medium,
        affected: &[
            ((1, 1, 3), (1, 14, 0)),
            ((1, 15, 0), (1, 15, 5)),
            ((1, 0, 7), (1, 0, 15)),
        ],
        fixed: "1.14.1, 1.15.6",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2017-7529",
        summary: "Integer overflow in the range filter",
        severity: Level::Medium,
        affected: &[((0, 5, 6), (1, 12, 0)), ((1, 13, 0), (1, 13, 2))],
        fixed: "1.12.1, 1.13.3",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2016-4450",
        summary: "NULL pointer dereference while writing client request body",
        severity: Level::Medium,
        affected: &[((1, 3, 9), (1, 10, 0)), ((1, 11, 0), (1, 11, 0))],
        fixed: "1.10.1, 1.11.1",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2016-0742",
        summary: "Invalid pointer dereference in resolver",
        severity: Level::Medium,
        affected: &[((0, 6, 18), (1, 8, 0)), ((1, 9, 0), (1, 9, 9))],
        fixed: "1.8.1, 1.9.10",
        trigger: Trigger::Resolver,
    },
    Cve {
        id: "CVE-2016-0746",
        summary: "Use-after-free during CNAME response processing in resolver",
        severity: Level::Medium,
        affected: &[((0, 6, 18), (1, 8, 0)), ((1, 9, 0), (1, 9, 9))],
        fixed: "1.8.1, 1.9.10",
        trigger: Trigger::Resolver,
    },
    Cve {
        id: "CVE-2016-0747",
        summary: "Insufficient limits of CNAME resolution in resolver",
        severity: Level::Medium,
        affected: &[((0, 6, 18), (1, 8, 0)), ((1, 9, 0), (1, 9, 9))],
        fixed: "1.8.1, 1.9.10",
        trigger: Trigger::Resolver,
    },
    Cve {
        id: "CVE-2014-3616",
        summary: "SSL session reuse vulnerability",
        severity: Level::Medium,
        affected: &[((0, 5, 6), (1, 6, 1)), ((1, 7, 0), (1, 7, 4))],
        fixed: "1.6.2, 1.7.5",
        trigger: Trigger::SslSessionReuse,
    },
    Cve {
        id: "CVE-2014-3556",
        summary: "STARTTLS command injection",
        severity: Level::Medium,
        affected: &[((1, 5, 6), (1, 6, 0)), ((1, 7, 0), (1, 7, 3))],
        fixed: "1.6.1, 1.7.4",
        trigger: Trigger::MailStarttls,
    },
    Cve {
        id: "CVE-2014-0133",
        summary: "SPDY heap buffer overflow",
        severity: Level::High,
        affected: &[((1, 3, 15), (1, 4, 6)), ((1, 5, 0), (1, 5, 11))],
        fixed: "1.4.7, 1.5.12",
        trigger: Trigger::SpdyListen,
    },
    Cve {
        id: "CVE-2014-0088",
        summary: "SPDY memory corruption",
        severity: Level::High,
        affected: &[((1, 5, 10), (1, 5, 10))],
        fixed: "1.5.11",
        trigger: Trigger::SpdyListen,
    },
    Cve {
        id: "CVE-2013-4547",
        summary: "Request line parsing vulnerability",
        severity: Level::Medium,
        affected: &[((0, 8, 41), (1, 4, 3)), ((1, 5, 0), (1, 5, 6))],
        fixed: "1.4.4, 1.5.7",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2013-2070",
        summary: "Memory disclosure with specially crafted HTTP backend responses",
        severity: Level::Medium,
        affected: &[((1, 1, 4), (1, 2, 8)), ((1, 3, 9), (1, 4, 0))],
        fixed: "1.2.9, 1.4.1, 1.5.0",
        trigger: Trigger::ProxyPass,
    },
    Cve {
        id: "CVE-2013-2028",
        summary: "Stack-based buffer overflow with specially crafted request",
        severity: Level::High,
        affected: &[((1, 3, 9), (1, 4, 0))],
        fixed: "1.4.1, 1.5.0",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2012-2089",
        summary: "Buffer overflow in ngx_http_mp4_module",
        severity: Level::High,
        affected: &[((1, 1, 3), (1, 1, 18)), ((1, 0, 7), (1, 0, 14))],
        fixed: "1.0.15, 1.1.19",
        trigger: Trigger::Mp4Module,
    },
    Cve {
        id: "CVE-2012-1180",
        summary: "Memory disclosure with specially crafted backend responses",
        severity: Level::High,
        affected: &[((0, 1, 0), (1, 0, 13)), ((1, 1, 0), (1, 1, 16))],
        fixed: "1.0.14, 1.1.17",
        trigger: Trigger::ProxyPass,
    },
    Cve {
        id: "CVE-2011-4315",
        summary: "Buffer overflow in resolver",
        severity: Level::Medium,
        affected: &[((0, 6, 18), (1, 0, 9)), ((1, 1, 0), (1, 1, 7))],
        fixed: "1.0.10, 1.1.8",
        trigger: Trigger::Resolver,
    },
    Cve {
        id: "CVE-2009-3898",
        summary: "Directory traversal vulnerability",
        severity: Level::Low,
        affected: &[((0, 1, 0), (0, 7, 62)), ((0, 8, 0), (0, 8, 16))],
        fixed: "0.7.63, 0.8.17",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2009-3896",
        summary: "NULL pointer dereference vulnerability",
        severity: Level::High,
        affected: &[
            ((0, 1, 0), (0, 5, 37)),
            ((0, 6, 0), (0, 6, 38)),
            ((0, 7, 0), (0, 7, 61)),
            ((0, 8, 0), (0, 8, 13)),
        ],
        fixed: "0.5.38, 0.6.39, 0.7.62, 0.8.14",
        trigger: Trigger::Binary,
    },
    Cve {
        id: "CVE-2009-3555",
        summary: "TLS renegotiation vulnerability in SSL protocol",
        severity: Level::High,
        affected: &[((0, 1, 0), (0, 7, 63)), ((0, 8, 0), (0, 8, 22))],
        fixed: "0.7.64, 0.8.23",
        trigger: Trigger::SslListen,
    },
    Cve {
        id: "CVE-2009-2629",
        summary: "Buffer underflow vulnerability",
        severity: Level::High,
        affected: &[
            ((0, 1, 0), (0, 5, 37)),
            ((0, 6, 0), (0, 6, 38)),
            ((0, 7, 0), (0, 7, 61)),
            ((0, 8, 0), (0, 8, 14)),
        ],
        fixed: "0.5.38, 0.6.39, 0.7.62, 0.8.15",
        trigger: Trigger::Binary,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_versions_count() {
        assert_eq!(exact_version("1.29.8"), Some((1, 29, 8)));
        assert_eq!(exact_version("1.25.3-alpine"), Some((1, 25, 3)));
        assert_eq!(exact_version("1.22"), None);
        assert_eq!(exact_version("latest"), None);
    }

    #[test]
    fn unnamed_captures() {
        assert!(has_unnamed_capture("/x?$1"));
        assert!(has_unnamed_capture("/x?${1}"));
        assert!(!has_unnamed_capture("/x?$foo"));
        assert!(!has_unnamed_capture("/x?$0"));
    }

    #[test]
    fn fixed_branch_releases_are_outside_the_ranges() {
        let mp4 = CVES
            .iter()
            .find(|c| c.id == "CVE-2022-41741")
            .map(|c| c.affected);
        let inside =
            |v: Version| mp4.is_some_and(|r| r.iter().any(|(lo, hi)| *lo <= v && v <= *hi));
        assert!(inside((1, 22, 0)));
        assert!(!inside((1, 22, 1)));
        assert!(!inside((1, 23, 2)));
    }
}
