use crate::rule::{Check, Rule, Sink};
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
A server-level `root /` is not reported when no request reaches the disk through it:
a catch-all `location /` exists and every location it applies to is `internal`,
returns, passes to an upstream, denies everyone (`deny all;` without `allow` or
`satisfy`), or rewrites every URI (Valet's front controller, `location / { rewrite ^
/server.php last; }`, and its proxy stub, `location / { proxy_pass ...; }` beside
`location ~ /\.ht { deny all; }`).

An `internal` location (the target of an upstream's `X-Accel-Redirect`) is not
reported: clients get 404 there, and the upstream chooses the file, unless a
`rewrite`, `try_files` or `error_page` of the configuration sends requests into it."#,
        fix: "Point `root`/`alias` at the directory meant to be public.",
    },
    check: Check::Model(check),
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
    let (_, prefix) = location_pattern(&tree.item(location));
    if prefix.is_empty() || prefix.starts_with('@') {
        return false;
    }
    let into = |target: &str| target.starts_with(prefix.as_ref());
    ["rewrite", "try_files", "error_page"].iter().any(|name| {
        tree.named(name).any(|n| {
            let words = crate::model::syntax::args(&tree.item(n));
            match *name {
                "rewrite" => words.get(1).is_some_and(|w| into(w)),
                "try_files" => words.iter().any(|w| into(w)),
                _ => words.last().is_some_and(|w| into(w)),
            }
        })
    })
}

/// Whether no request reaches the disk through the server's own `root`: a catch-all
/// `location /` exists (nothing falls through to the server level), and every location
/// the root applies to is `internal`, answers with `return`, passes to an upstream
/// (`fastcgi_pass` and the other `*_pass`), denies everyone, or rewrites every URI
/// (`rewrite ^ /x last;`).
/// A location with its own `root` or `alias` is judged on its own.
fn root_serves_no_file(tree: &crate::model::syntax::Tree<'_>, server: usize) -> bool {
    use crate::model::syntax::{matches_every_uri, UPSTREAM_PASSES};
    let catch_all = tree.children(Some(server)).iter().any(|&c| {
        let item = tree.item(c);
        item.is("location") && {
            let (modifier, prefix) = location_pattern(&item);
            matches!(modifier, "" | "^~") && prefix == "/"
        }
    });
    if !catch_all {
        return false;
    }
    (0..tree.len())
        .filter(|&l| tree.item(l).is("location") && tree.enclosing(l, "server") == Some(server))
        .all(|l| {
            // An exact location (`= /favicon.ico`, `= /robots.txt`, which every Valet stub
            // has) reads one fixed path, not the paths a client chooses.
            if location_pattern(&tree.item(l)).0 == "=" {
                return true;
            }
            let kids = tree.children(Some(l));
            let own_root = kids.iter().any(|&c| {
                let c = tree.item(c);
                c.is("root") || c.is("alias")
            });
            // `deny all` with no `allow` and no `satisfy` answers every client 403 before
            // any file is read (Valet's proxy stub: `location ~ /\.ht { deny all; }`).
            let denies_everyone = kids.iter().any(|&c| {
                let c = tree.item(c);
                c.is("deny") && c.arg(0).is_some_and(|a| a == "all")
            }) && !kids.iter().any(|&c| {
                let c = tree.item(c);
                c.is("allow") || c.is("satisfy")
            });
            own_root
                || denies_everyone
                || kids.iter().any(|&c| {
                    let c = tree.item(c);
                    c.is("return")
                        || c.is("internal")
                        || UPSTREAM_PASSES.iter().any(|h| c.is(h))
                        || (c.is("rewrite")
                            && c.arg(0).is_some_and(|p| matches_every_uri(&p))
                            && c.arg(2).is_some_and(|f| {
                                matches!(f.as_ref(), "last" | "break" | "redirect" | "permanent")
                            }))
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
            // A server whose every location hands requests to something other than the
            // disk (Valet's front controller: `location / { rewrite ^ /server.php last; }`,
            // PHP with a fixed SCRIPT_FILENAME) serves no file from its root.
            if !is_alias && tree.enclosing(i, "location").is_none() {
                if let Some(server) = tree.enclosing(i, "server") {
                    if root_serves_no_file(tree, server) {
                        continue;
                    }
                }
            }
            if is_alias {
                // An alias replaces the location's prefix: only a prefix location maps the
                // rest of the URL under it, and `location /files/ { alias /.; }` gives
                // `/.` + `x`, outside `/`.
                let Some(location) = tree.enclosing(i, "location") else {
                    continue;
                };
                let (modifier, prefix) = location_pattern(&tree.item(location));
                if !matches!(modifier, "" | "^~") {
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
