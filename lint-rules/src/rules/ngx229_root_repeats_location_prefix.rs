use crate::model::nginx::{EffectiveLocation, Server, Setting};
use crate::model::NginxModel;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::Probe;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX229",
        name: "root-repeats-location-prefix",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a prefix location's `root` already ends with the location's path: nginx appends the whole URI, so the path is doubled (`/srv/blog/blog/...`)",
        aliases: &[],
        doc: r#"`root` is the directory the whole request URI is appended to: in
`location /blog/ { root /srv/blog; }` the request `/blog/post.php` is the file
`/srv/blog/blog/post.php`. An app installed in a sub-directory is written with the
directory above it (`root /srv;`) or with `alias /srv/blog/;`, which replaces the
location's prefix instead. Reported for a prefix location (`location /x/` or
`location ^~ /x/`) whose own literal `root` ends with the location's path, when a
location under it serves files or sends scripts found through the root
(`$document_root`, `$request_filename`). Under `--root`, not reported when the doubled
directory really exists; nor when a `rewrite` inside the location changes the URI
first (`rewrite ^/blog/(.*)$ /$1 break;`).

**Symptom**: 404 for every file of the sub-directory app; its PHP pages answer "File
not found." and php-fpm logs `Primary script unknown` (live, nginx 1.22.1 and php-fpm
8.2: `/www/index.php` 404 with `root $prefix/www`, 200 with `root $prefix`). nginx's
error log names the doubled path: `open() "/srv/blog/blog/style.css" failed`.

Bad:
```nginx
location /phpmyadmin/ {
    root /usr/share/phpmyadmin;
    index index.php;
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```
Good:
```nginx
location /phpmyadmin/ {
    root /usr/share;
    index index.php;
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```"#,
        fix: "Drop the location's path from `root` (`root /usr/share;`), or use `alias /usr/share/phpmyadmin/;` (with `fastcgi_param SCRIPT_FILENAME $request_filename;` for its PHP).",
    },
    check: Check::Server(check),
};

/// The path of a prefix location pattern (`/x/` or `^~ /x/`), not `/` itself.
fn prefix_path(pattern: &str) -> Option<&str> {
    let mut words = pattern.split_whitespace();
    let path = match (words.next(), words.next(), words.next()) {
        (Some(path), None, None) => path,
        (Some("^~"), Some(path), None) => path,
        _ => return None,
    };
    let path = path.trim_end_matches('/');
    (path.starts_with('/') && path.len() > 1).then_some(path)
}

/// For a location pattern and the literal `root` written in it, the location's path
/// when the root already ends with it, and the directory the URI is then read from:
/// `("/blog/", "/srv/blog")` gives `("/blog", "/srv/blog/blog")`.
fn doubled<'p>(pattern: &'p str, root: &str) -> Option<(&'p str, String)> {
    let prefix = prefix_path(pattern)?;
    if root.contains('$') {
        return None;
    }
    let trimmed = root.trim_end_matches('/');
    trimmed
        .ends_with(prefix)
        .then(|| (prefix, format!("{trimmed}{prefix}")))
}

/// The root written in the location itself (not inherited from around it).
fn own_root(location: &EffectiveLocation) -> Option<&Setting> {
    location.inherited.get("root").filter(|r| {
        r.span.file == location.span.file
            && r.span.start >= location.span.start
            && r.span.end <= location.span.end
    })
}

/// True when the location reads files through `root`: it serves files itself, or it
/// hands php-fpm a script path built from the root.
fn reads_root(location: &EffectiveLocation) -> bool {
    if location.alias.is_some() {
        return false;
    }
    if location.fastcgi_pass.is_none() {
        return location.serves_files();
    }
    location.try_files.is_some()
        || location
            .inherited
            .params
            .as_ref()
            .and_then(|list| list.get("SCRIPT_FILENAME"))
            .is_some_and(|p| {
                p.value.contains("$document_root") || p.value.contains("$request_filename")
            })
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let tree = model.syntax_of(nginx);
    for location in server.locations.iter().skip(1) {
        let Some(root) = own_root(location) else {
            continue;
        };
        let Some((prefix, doubled_dir)) = doubled(&location.pattern, root.first()) else {
            continue;
        };
        // The root's users: this location and those inside it that inherit it.
        let used = server.locations.iter().skip(1).any(|l| {
            l.is_within(location)
                && l.inherited.get("root").map(|r| r.span) == Some(root.span)
                && reads_root(l)
        });
        if !used {
            continue;
        }
        // A `rewrite` inside (`rewrite ^/blog/(.*)$ /$1 break;`) takes the prefix off the
        // URI before the file is looked up: the path is not doubled.
        let node = tree.and_then(|t| t.locations_at(location.span).next().map(|i| t.node(i)));
        if node.is_some_and(|n| n.descendants().any(|d| d.is("rewrite"))) {
            continue;
        }
        let root_dir = root.first().trim_end_matches('/');
        let mut note = "at runtime: 404 for every file under the prefix; PHP answers \"File not found.\" (php-fpm: `Primary script unknown`)".to_string();
        match model.filesystem.get(std::path::Path::new(&doubled_dir)) {
            // A site that really keeps its files one level further down.
            Probe::Present(_) => continue,
            Probe::Missing => {
                note = format!("{doubled_dir} does not exist under --root; {note}");
            }
            Probe::Unknown => {}
        }
        let parent = root_dir
            .strip_suffix(prefix)
            .filter(|p| !p.is_empty())
            .unwrap_or("/");
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                root.span,
                format!(
                    "`root {root_dir}` already ends with the location's path {prefix}: nginx appends the whole URI, so {prefix}/x is read from {doubled_dir}/x"
                ),
            )
            .with_related(node.map_or(location.span, |n| n.head()), "the location")
            .with_help(format!(
                "write `root {parent};`, or `alias {root_dir}/;` (PHP under alias needs `fastcgi_param SCRIPT_FILENAME $request_filename;`)"
            ))
            .with_note(note),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::doubled;

    #[test]
    fn a_root_ending_in_the_prefix_is_doubled() {
        let cases = [
            ("/blog/", "/srv/blog"),
            ("/blog", "/srv/blog/"),
            ("^~ /pma/", "/usr/share/pma"),
            ("/a/b/", "/srv/a/b"),
        ];
        for (pattern, root) in cases {
            assert!(doubled(pattern, root).is_some(), "{pattern} {root}");
        }
        let (prefix, dir) = doubled("/blog/", "/srv/blog").expect("doubled");
        assert_eq!((prefix, dir.as_str()), ("/blog", "/srv/blog/blog"));
    }

    #[test]
    fn look_alikes_are_not() {
        let cases = [
            ("/blog/", "/srv"),
            ("/blog/", "/srv/myblog"),
            ("/", "/srv/html"),
            ("~ ^/blog/", "/srv/blog"),
            ("= /blog", "/srv/blog"),
            ("/blog/", "/srv/$host/blog"),
            ("/blog/", "/srv/blog/old"),
        ];
        for (pattern, root) in cases {
            assert!(doubled(pattern, root).is_none(), "{pattern} {root}");
        }
    }
}
