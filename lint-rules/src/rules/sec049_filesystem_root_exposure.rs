use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::location_pattern;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC049",
        name: "filesystem-root-exposure",
        family: Family::Security,
        severity: Severity::Error,
        summary: "`root` or `alias` resolves to `/`: the whole filesystem is served",
        aliases: &["filesystem_root_exposure"],
        doc: r#"`root /;` (or `//`, `/usr/..`, `/./`) maps every request path onto the
filesystem root, and an `alias /` in a prefix location does the same for the
location's URLs. Whatever the worker user can read is then downloadable.

**Symptom**: `GET /etc/passwd` (or `/files/etc/passwd` under the alias) returns
the file; so do private keys, `.env` files and PHP sources the worker can read.

Bad:
```nginx
location /files/ {
    alias /;
}
```
Good:
```nginx
location /files/ {
    alias /srv/files/;
}
```
An `internal` location (the target of an upstream's `X-Accel-Redirect`) is not
reported: clients get 404 there, and the upstream chooses the file, unless a
`rewrite`, `try_files` or `error_page` of the configuration sends requests into it."#,
        fix: "Point `root`/`alias` at the directory meant to be public.",
    },
    check,
};

/// `posixpath.normpath` without its `//` exception: `.` and `..` resolved, repeated
/// slashes joined; `..` above the root stays at the root.
fn is_filesystem_root(path: &str) -> bool {
    if !path.starts_with('/') {
        return false;
    }
    let mut depth = 0usize;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => depth = depth.saturating_sub(1),
            _ => depth += 1,
        }
    }
    depth == 0
}

/// True when a `rewrite`, `try_files` or `error_page` of the tree sends requests into the
/// location's prefix: then a client reaches the internal location with a path of its
/// choosing (`rewrite ^/dl/(.*)$ /files/$1 last;` into `location /files/ { internal;
/// alias /; }`).
fn redirected_into(tree: &crate::model::syntax::Tree<'_>, location: usize) -> bool {
    let (_, prefix) = location_pattern(tree.item(location));
    if prefix.is_empty() || prefix.starts_with('@') {
        return false;
    }
    let into = |target: &str| target.starts_with(prefix.as_str());
    ["rewrite", "try_files", "error_page"].iter().any(|name| {
        tree.named(name).any(|n| {
            let words = crate::model::syntax::args(tree.item(n));
            match *name {
                "rewrite" => words.get(1).is_some_and(|w| into(w)),
                "try_files" => words.iter().any(|w| into(w)),
                _ => words.last().is_some_and(|w| into(w)),
            }
        })
    })
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        for i in 0..tree.len() {
            let item = tree.item(i);
            let is_alias = item.is("alias");
            if !is_alias && !item.is("root") {
                continue;
            }
            let Some(path) = item.arg(0) else { continue };
            if path.contains('$') || !is_filesystem_root(&path) {
                continue;
            }
            // An `internal` location answers clients 404: only the upstream's
            // X-Accel-Redirect reaches it (mail-in-a-box's `/owncloud-xaccel/ { internal;
            // alias /; }`, live: 404 to a client, the file to the redirect).
            if let Some(location) = tree.enclosing(i, "location") {
                if tree.item(location).children().any(|c| c.is("internal"))
                    && !redirected_into(tree, location)
                {
                    continue;
                }
            }
            if is_alias {
                // An alias replaces the location's prefix: only a prefix location maps the
                // rest of the URL under it, and `location /files/ { alias /.; }` gives
                // `/.` + `x`, outside `/`.
                let Some(location) = tree.enclosing(i, "location") else {
                    continue;
                };
                let (modifier, prefix) = location_pattern(tree.item(location));
                if !matches!(modifier.as_str(), "" | "^~") {
                    continue;
                }
                if prefix.ends_with('/') && !path.ends_with('/') {
                    continue;
                }
            }
            let name = item.name();
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    item.span(),
                    format!("`{name} {path}` maps request paths onto the filesystem root"),
                )
                .with_help("point it at the directory meant to be served"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_forms() {
        for p in ["/", "//", "/.", "/./", "/usr/..", "/../.."] {
            assert!(super::is_filesystem_root(p), "{p}");
        }
        for p in ["/var/www", "/var/www/..", "html", "..", ""] {
            assert!(!super::is_filesystem_root(p), "{p}");
        }
    }
}
