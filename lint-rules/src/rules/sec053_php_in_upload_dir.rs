use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::{EffectiveLocation, Model};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC053",
        name: "php-in-upload-dir",
        family: Family::Security,
        severity: Severity::Error,
        summary: "a `.php` file under an uploads location is passed to php-fpm: uploaded scripts run",
        aliases: &[],
        doc: r#"A site that accepts uploads (a `location` for `/uploads/`,
`/wp-content/uploads/`, `/media/upload/`...) must never execute what is
uploaded. nginx picks a regex location over a plain prefix location, so with
`location /uploads/ { ... }` and `location ~ \.php$ { fastcgi_pass ...; }`
the request `/uploads/shell.php` goes to php-fpm. `try_files $uri =404` does
not help: the uploaded file exists. The check asks nginx's own location
choice for `<uploads prefix>/x.php` in every server that declares an uploads
location; a PHP location that denies everyone or returns is not reported,
nor one whose `if` on the URI answers the path with an error (`if ($uri !~
^/(index|wp-login)\.php$) { return 444; }`). A regex
that denies scripts in uploads (`location ~* /uploads/.*\.php$ { deny all; }`)
must come before the PHP location: nginx takes the first regex that matches, so
written after `location ~ \.php$` it is never consulted (a WordPress snippet order;
live: the uploaded script ran, 200).

**Symptom**: an attacker uploads `shell.php` (as an avatar, an attachment)
and requests `/uploads/shell.php`: remote code execution as the pool user.

Bad:
```nginx
location /wp-content/uploads/ {
    expires 30d;
}
location ~ \.php$ {
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ^~ /wp-content/uploads/ {
    expires 30d;
}
location ~ \.php$ {
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Make the uploads location `^~` (regex locations are then not consulted), or add `location ~* ^/uploads/.*\\.php$ { deny all; }` before the PHP location.",
    },
    check: Check::Server(check),
};

/// Upload folders of the usual applications, for regex locations that name one without
/// anchoring it (`~* /(?:uploads|files)/.*\.php$`, WordPress snippets).
const UPLOAD_DIRS: &[&str] = &[
    "/wp-content/uploads/",
    "/uploads/",
    "/upload/",
    "/files/uploads/",
    "/media/uploads/",
    "/sites/default/files/uploads/",
];

/// The upload folders a location covers: its literal prefix, or for a regex not anchored
/// at `^`, the usual upload folders its regex matches a script in.
fn upload_prefixes(location: &EffectiveLocation) -> Vec<String> {
    if let Some(prefix) = upload_prefix(location) {
        return vec![prefix];
    }
    let mut words = location.pattern.split_whitespace();
    let (Some(modifier), Some(path)) = (words.next(), words.next()) else {
        return Vec::new();
    };
    // Only a location meant for scripts in uploads (`.../uploads/.*\.php$`): a list of
    // internal folders that happens to name one (phpBB's `/(config|...|files|
    // images/avatars/upload|...)`) says nothing of where uploads go.
    let for_scripts =
        path.ends_with("\\.php$") || path.ends_with("\\.php") || path.ends_with("php)$");
    if !matches!(modifier, "~" | "~*")
        || path.starts_with('^')
        || !path.to_ascii_lowercase().contains("upload")
        || !for_scripts
    {
        return Vec::new();
    }
    let regex = if modifier == "~*" {
        format!("(?i){path}")
    } else {
        path.to_string()
    };
    UPLOAD_DIRS
        .iter()
        .filter(|dir| crate::model::compiled_regex::is_match(&regex, &format!("{dir}x.php")))
        .map(|dir| dir.to_string())
        .collect()
}

/// The literal URI prefix of a location that names an upload directory.
fn upload_prefix(location: &EffectiveLocation) -> Option<String> {
    let mut words = location.pattern.split_whitespace();
    let (modifier, path) = match (words.next(), words.next()) {
        (Some(m), Some(p)) => (m, p),
        (Some(p), None) => ("", p),
        _ => return None,
    };
    let literal: String = match modifier {
        // `location /wp-content/uploads` is the folder itself (WordOps): files are below it.
        "" | "^~" if !path.ends_with('/') => format!("{path}/"),
        "" | "^~" => path.to_string(),
        "~" | "~*" => {
            // The pattern's literal start: `^/uploads/.*\.php$` → `/uploads/`.
            // Unanchored (`~* /wp-content/uploads`, Automattic's VIP image) it matches at
            // the start of the URI too.
            let rest = path.strip_prefix('^').unwrap_or(path);
            let mut out = String::new();
            let mut chars = rest.chars().peekable();
            let mut whole = true;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some(e) if !e.is_ascii_alphanumeric() => out.push(e),
                        _ => {
                            whole = false;
                            break;
                        }
                    },
                    // A quantifier that allows zero applies to the last literal: drop it.
                    '*' | '?' | '{' => {
                        out.pop();
                        whole = false;
                        break;
                    }
                    // `$` ends a whole literal: `^/uploads$` is that folder too.
                    '$' => break,
                    '.' | '+' | '(' | ')' | '[' | '|' | '^' => {
                        whole = false;
                        break;
                    }
                    other => out.push(other),
                }
            }
            // A regex that is all literal (`~* /wp-content/uploads`) names the folder.
            if whole && !out.ends_with('/') {
                out.push('/');
            }
            out
        }
        _ => return None,
    };
    if !literal.starts_with('/') || !literal.to_ascii_lowercase().contains("upload") {
        return None;
    }
    let dir = match literal.rfind('/') {
        Some(i) => &literal[..=i],
        None => return None,
    };
    Some(dir.to_string())
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let Some(tree) = model.syntax_of(nginx) else {
        return;
    };
    let mut reported = foldhash::HashSet::default();
    for (uploads, prefix) in server
        .locations
        .iter()
        .skip(1)
        .flat_map(|l| upload_prefixes(l).into_iter().map(move |p| (l, p)))
    {
        let probe = format!("{prefix}x.php");
        let Some(php) = server.location_for(&probe) else {
            continue;
        };
        if php.fastcgi_pass.is_none() || php.early_return.is_some() {
            continue;
        }
        // `deny all;` in the PHP location stops everyone before php-fpm.
        if denies(tree, php.span)
            || refuses_by_if(tree, php.span, &probe)
            || !reported.insert(php.span)
        {
            continue;
        }
        // The uploads location is itself the deny, written after the PHP location
        // (WordPress snippets' `~* /(?:uploads|files)/.*\.php$`): the fix is its place,
        // not another deny.
        let diagnostic = if uploads.pattern.starts_with('~') && denies(tree, uploads.span) {
            Diagnostic::new(
                &RULE.meta,
                php.span,
                format!("`{probe}` is handled by this PHP location, not by the deny `location {}` written after it: a PHP file uploaded to `{prefix}` runs", uploads.pattern),
            )
            .with_related(uploads.span, "never reached for scripts: nginx takes the first regex location that matches, and the PHP location comes first")
            .with_help(format!("move `location {}` above the PHP location", uploads.pattern))
        } else {
            Diagnostic::new(
                &RULE.meta,
                php.span,
                format!("`{probe}` is handled by this PHP location: a PHP file uploaded to `{prefix}` runs"),
            )
            .with_related(uploads.span, if uploads.pattern.starts_with('~') {
                "the uploads location (an earlier regex location is chosen first)"
            } else {
                "the uploads location (a regex location wins over it)"
            })
            .with_help(format!("make the uploads location `^~`, or add `location ~* ^{prefix}.*\\.php$ {{ deny all; }}` before the PHP location"))
        };
        sink.push(diagnostic);
    }
}

/// Whether the location written at `span` denies everyone (`deny all;`) or answers with
/// an error status itself (`return 403;`, `return 404;`, `return 444;`).
fn denies(tree: &crate::model::syntax::Tree<'_>, span: lint_source::Span) -> bool {
    tree.locations_at(span).next().is_some_and(|n| {
        tree.children(Some(n)).iter().any(|c| {
            let s = tree.item(*c);
            (s.is("deny") && s.arg(0).is_some_and(|a| a == "all"))
                || (s.is("return")
                    && s.arg(0)
                        .is_some_and(|a| matches!(a.as_ref(), "403" | "404" | "444")))
        })
    })
}

/// Whether the location written at `span` refuses the URI `probe` with an `if` on the
/// URI that answers an error (SlickStack's PHP location: `if ($uri !~
/// ^/(index\.php|wp-login\.php|wp-admin/.*\.php)$) { return 444; }`): the rewrite phase
/// answers before anything reaches php-fpm.
fn refuses_by_if(
    tree: &crate::model::syntax::Tree<'_>,
    span: lint_source::Span,
    probe: &str,
) -> bool {
    let Some(location) = tree.locations_at(span).next() else {
        return false;
    };
    tree.children(Some(location)).iter().any(|&c| {
        let item = tree.item(c);
        if !item.is("if") {
            return false;
        }
        let words = crate::model::syntax::if_words(&item);
        if !words
            .first()
            .is_some_and(|v| matches!(v.as_str(), "$uri" | "$document_uri" | "$request_uri"))
        {
            return false;
        }
        let Some((regex, case_sensitive, negated)) = crate::model::syntax::if_regex(&item) else {
            return false;
        };
        let refuses = tree.children(Some(c)).iter().any(|&d| {
            let s = tree.item(d);
            s.is("return")
                && s.arg(0)
                    .and_then(|a| a.parse::<u32>().ok())
                    .is_some_and(|code| (400..600).contains(&code))
        });
        let pattern = if case_sensitive {
            regex
        } else {
            format!("(?i){regex}")
        };
        refuses
            && crate::model::compiled_regex::compile(&pattern)
                .is_some_and(|r| r.is_match(probe.as_bytes()).unwrap_or(false) != negated)
    })
}
