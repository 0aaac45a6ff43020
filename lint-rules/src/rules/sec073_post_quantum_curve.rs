use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC073",
        name: "post-quantum-curve",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`ssl_ecdh_curve` names a post-quantum group without `?`: OpenSSL before 3.5 rejects the whole list and nginx does not start",
        aliases: &["ssl_ecdh_curve"],
        doc: r#"nginx hands `ssl_ecdh_curve` to OpenSSL's `SSL_CTX_set1_curves_list()`,
which rejects the entire list when one group name is unknown to the linked
library. The post-quantum hybrids (`X25519MLKEM768`, `SecP256r1MLKEM768`,
`SecP384r1MLKEM1024`) exist from OpenSSL 3.5; the `X25519Kyber768Draft00`
drafts only in forks. On Debian 12 (OpenSSL 3.0), Ubuntu 24.04 (3.0) or RHEL 9
(3.2) nginx logs `SSL_CTX_set1_curves_list(...) failed` at `emerg` level: a
cold start fails, a reload keeps the old configuration. A `?` before a group
(OpenSSL 3.3 and newer) makes OpenSSL skip it when unknown. On a copy of `/`
(`--root`) or the machine itself, a system known to have OpenSSL 3.5 (its
installed `libssl3`/`libssl3t64` package, else Debian 13, which ships it:
openmediavault 8's default list) is not reported.

**Symptom**: `nginx -t` fails with `SSL_CTX_set1_curves_list("...") failed`
on hosts with OpenSSL older than 3.5; a reload silently keeps the old
configuration.

Bad:
```nginx
ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;
```
Good:
```nginx
ssl_ecdh_curve ?X25519MLKEM768:X25519:prime256v1;   # every host runs OpenSSL 3.3+
```

Autofix: unsafe — the post-quantum groups are removed from the list (`auto` when none is
left), which loads with every OpenSSL but gives up post-quantum key exchange where
OpenSSL 3.5 has it. gixy-ng's fix (a `?` before them) is not offered: OpenSSL before 3.3
rejects the `?` too, and the linter cannot know which OpenSSL the host links."#,
        fix: "Prefix post-quantum groups with `?` (OpenSSL 3.3+), or leave `ssl_ecdh_curve auto;` on older OpenSSL.",
    },
    check: Check::Nodes(check),
};

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let mut known_new_enough = None;
    for curve in nodes.named(tree, "ssl_ecdh_curve").map(|i| tree.node(i)) {
        let node = curve;
        let risky: Vec<&str> = node
            .arg(0)
            .split(':')
            .filter(|g| is_post_quantum(g))
            .collect();
        if risky.is_empty() {
            continue;
        }
        // On a disk (`--root`, the machine) the OpenSSL nginx links may be known: the
        // installed libssl package, else a release that ships 3.5 (openmediavault 8's
        // `X25519MLKEM768:X25519:...` on Debian 13).
        let new_enough = *known_new_enough.get_or_insert_with(|| {
            model
                .options
                .disk_root
                .as_deref()
                .is_some_and(openssl_3_5_on_disk)
        });
        if new_enough {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                node.arg_span(0),
                format!(
                    "`{}` needs OpenSSL 3.5 or newer: an older OpenSSL rejects the whole list and nginx does not load this configuration",
                    risky.join("`, `")
                ),
            )
            .with_help("prefix the group with `?` when every host runs OpenSSL 3.3+, or use `ssl_ecdh_curve auto;`")
            .with_fix(without_post_quantum(node.arg(0), node.arg_span(0))),
        );
    }
}

/// The list without its post-quantum groups (`auto` when nothing is left).
fn without_post_quantum(list: &str, span: lint_source::Span) -> Fix {
    let kept: Vec<&str> = list
        .split(':')
        .filter(|g| !g.is_empty() && !is_post_quantum(g))
        .collect();
    let value = if kept.is_empty() {
        "auto".to_string()
    } else {
        kept.join(":")
    };
    Fix::unsafe_edits(
        format!("write `ssl_ecdh_curve {value}`"),
        vec![Edit::replace(span, value)],
    )
}

/// A post-quantum (ML-KEM or Kyber draft) group named without the tolerant `?`.
fn is_post_quantum(group: &str) -> bool {
    if group.is_empty() || group.starts_with('?') {
        return false;
    }
    let upper = group.to_ascii_uppercase();
    upper.contains("MLKEM") || upper.contains("KYBER")
}

/// Whether the system under `root` has OpenSSL 3.5 or newer: the version of its installed
/// `libssl3`/`libssl3t64` package in dpkg's database, else its release (Debian 13 ships
/// 3.5). Unknown is `false`.
fn openssl_3_5_on_disk(root: &std::path::Path) -> bool {
    if let Ok(status) = std::fs::read_to_string(root.join("var/lib/dpkg/status")) {
        let version = status.split("\n\n").find_map(|stanza| {
            let field = |name: &str| {
                stanza
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(str::trim))
            };
            let package = field("Package:")?;
            (matches!(package, "libssl3" | "libssl3t64")
                && field("Status:").is_some_and(|s| s.ends_with(" installed")))
            .then(|| field("Version:"))
            .flatten()
        });
        if let Some(version) = version {
            let version = version.split_once(':').map_or(version, |(_, v)| v);
            let mut parts = version.split(['.', '-', '~', '+']);
            let major = parts.next().and_then(|p| p.parse::<u32>().ok());
            let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
            return matches!((major, minor), (Some(m), Some(n)) if m > 3 || (m == 3 && n >= 5));
        }
    }
    let Ok(release) = std::fs::read_to_string(root.join("etc/os-release")) else {
        return false;
    };
    let value = |key: &str| {
        release.lines().find_map(|l| {
            l.strip_prefix(key)
                .and_then(|v| v.strip_prefix('='))
                .map(|v| v.trim().trim_matches('"').to_string())
        })
    };
    value("ID").as_deref() == Some("debian")
        && value("VERSION_ID")
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v >= 13)
}
