use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::regex_shape::{self, ByteSet, Node};
use crate::model::syntax::location_pattern;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC048",
        name: "alias-traversal",
        family: Family::Security,
        severity: Severity::Error,
        summary: "`alias` in a location whose match can continue past a missing `/`: `..` escapes the directory",
        aliases: &["alias_traversal"],
        doc: r#"`alias` replaces the part of the URI the location matched. In
`location /files { alias /home/; }` the request `/files../etc/passwd` keeps
`../etc/passwd` after the prefix, which lands on `/home/../etc/passwd`. The
same happens in a regex location when a capture used in the alias can start
with `.` right after a `/` of the alias (`location ~ /img(.*) { alias
/static/$1; }`), and a capture that is not preceded by `/` on either side
reaches sibling directories (`alias /lol$1` serves `/lol-private/`). That
last case, and a prefix location without `/` whose alias has none either
(`location /munin { alias /var/www/munin; }`), cannot climb out (`..` lands in
a directory named `munin..`) but serve the alias's siblings: reported as a
warning rather than an error. A prefix that names one file (`location ^~
/logo.svg { alias /srv/img/logo.svg; }`) also serves the files beside it whose
names continue it (`/logo.svg.bak`): a note, fixed with `location =`. A location
that answers every request itself (`return 404;`, or `deny all;`) and holds no
nested location reads no file through its alias and is left alone.

**Symptom**: `GET /files../etc/passwd` (or `/files../app/.env`) returns files
outside the aliased directory — one of the most exploited nginx
misconfigurations.

Bad:
```nginx
location /files {
    alias /srv/files/;
}
```
Good:
```nginx
location /files/ {
    alias /srv/files/;
}
```"#,
        fix: "End the location prefix with `/` when the alias ends with `/`; in regex locations put the `/` inside the pattern before the capture (`~ ^/img/(.*)$`).",
    },
    check: Check::Nodes(check),
};

/// A piece of an `alias` value: literal text, or a numbered capture.
enum Part {
    Text(String),
    Capture(u32),
    Variable,
}

fn parts(value: &str) -> Vec<Part> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            if (b'1'..=b'9').contains(&b[i + 1]) {
                if !text.is_empty() {
                    out.push(Part::Text(std::mem::take(&mut text)));
                }
                out.push(Part::Capture(u32::from(b[i + 1] - b'0')));
                i += 2;
                continue;
            }
            let braced = b[i + 1] == b'{';
            let mut j = i + 1 + usize::from(braced);
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > i + 1 + usize::from(braced) {
                if !text.is_empty() {
                    out.push(Part::Text(std::mem::take(&mut text)));
                }
                out.push(Part::Variable);
                i = j + usize::from(braced && b.get(j) == Some(&b'}'));
                continue;
            }
        }
        let len = value[i..].chars().next().map_or(1, char::len_utf8);
        text.push_str(&value[i..i + len]);
        i += len;
    }
    if !text.is_empty() {
        out.push(Part::Text(text));
    }
    out
}

/// Why the alias of a regex location lets a capture escape, if it does.
fn regex_escape(pattern: &str, caseless: bool, alias: &str) -> Option<&'static str> {
    let shape = regex_shape::parse(pattern, caseless).ok()?;
    let slash = ByteSet::byte(b'/');
    let mut prev: Option<&Part> = None;
    let parts = parts(alias);
    for part in &parts {
        let Part::Capture(n) = part else {
            prev = Some(part);
            continue;
        };
        let Some(Node::Group { body, at, .. }) = shape.capture(*n) else {
            prev = Some(part);
            continue;
        };
        // Every non-empty capture starts with `/` (`(/.*|$)` is that or nothing): an
        // empty one leaves the alias itself, which has no sibling to reach.
        let must_slash = body.first() == slash;
        let can_dot = body.first().contains(b'.');
        let can_slash = body.universe().contains(b'/');
        let location_slash = must_slash || (*at > 0 && pattern.as_bytes()[at - 1] == b'/');
        let alias_slash = matches!(prev, Some(Part::Text(t)) if t.ends_with('/'));
        let Some(_) = prev else {
            return Some("the alias starts with the capture");
        };
        if !location_slash {
            if alias_slash {
                if can_dot {
                    return Some(if can_slash {
                        "the capture follows the alias's `/` and can start with `..`"
                    } else {
                        "the capture follows the alias's `/` and can be `..`"
                    });
                }
            } else if !must_slash {
                return Some("neither the location nor the alias has a `/` before the capture");
            }
        } else if !alias_slash && !must_slash {
            return Some("the alias has no `/` before the capture");
        }
        prev = Some(part);
    }
    None
}

/// Whether the location answers every request before any file is read: a `return` at
/// its own level (the rewrite phase ends the request; HestiaCP's `location /webmail {
/// alias /var/www/document_errors/; return 404; }`) or `deny all` without `allow` or
/// `satisfy` (403 in the access phase). A nested location does not inherit `return` or
/// `deny` but does inherit `alias`, so a location that holds one is still judged.
fn answers_without_file(tree: &Tree<'_>, location: usize) -> bool {
    let kids = tree.children(Some(location));
    let has = |name: &str| kids.iter().any(|&c| tree.item(c).is(name));
    if has("location") {
        return false;
    }
    let denies_everyone = kids.iter().any(|&c| {
        let c = tree.item(c);
        c.is("deny") && c.arg(0).is_some_and(|a| a == "all")
    }) && !has("allow")
        && !has("satisfy");
    has("return") || denies_everyone
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "alias").collect::<Vec<_>>() {
        let item = tree.item(i);
        let Some(alias) = item.arg(0) else { continue };
        let Some(location) = tree.enclosing(i, "location") else {
            continue;
        };
        let (modifier, path) = location_pattern(&tree.item(location));
        // A location that never matches serves nothing (NGX211 says so).
        if crate::model::syntax::literal_never_matches(modifier, &path).is_some() {
            continue;
        }
        // Nor does one that answers every request itself.
        if answers_without_file(tree, location) {
            continue;
        }
        let why = match modifier {
            "" | "^~" if !path.ends_with('/') => Some(if alias.ends_with('/') {
                "the location prefix has no trailing `/` but the alias does: `..` after the prefix climbs out"
            } else {
                "the location prefix has no trailing `/`: the URL can continue into sibling directories"
            }),
            "~" | "~*" => regex_escape(&path, modifier == "~*", &alias),
            _ => None,
        };
        let Some(why) = why else { continue };
        // Only a `/` at the end of the alias lets `..` climb: without it, `..` lands in
        // a directory named `files..` (404, live), and what the URL reaches are the
        // alias's siblings (`/munin-private/` from `alias /var/www/munin`).
        let climbs = why.contains("`..`");
        // `location ^~ /sad.svg { alias /var/www/errors/sad.svg; }` (richarvey): one file
        // whose name continues: `/sad.svg.bak` is `sad.svg.bak` beside it, no directory.
        // The same under another name (`location ^~ /ngd-sad.svg`, its SSL site).
        let last = |p: &str| p.rsplit('/').next().unwrap_or("").to_string();
        // A file name with an extension (`.well-known` is a directory).
        let file_like = |p: &str| last(p).rfind('.').is_some_and(|dot| dot > 0);
        let one_file =
            !climbs && !modifier.starts_with('~') && file_like(&path) && file_like(&alias);
        let mut d = Diagnostic::new(
            &RULE.meta,
            item.span(),
            if climbs {
                format!("path traversal through `alias {alias}`: {why}")
            } else if one_file {
                format!(
                    "`alias {alias}` also serves the files beside it whose names start with `{}` (`{path}.bak` is `{alias}.bak`): the location is a prefix, not the one file",
                    last(&alias)
                )
            } else {
                format!("`alias {alias}` serves its sibling directories too: {why}")
            },
        );
        if !climbs {
            d.severity = if one_file {
                lint_source::Severity::Note
            } else {
                lint_source::Severity::Warning
            };
        }
        sink.push(
            d
            .with_related(tree.item(location).head_span(), "the location")
            .with_help(if one_file {
                "match the one file exactly: `location = /file.svg { alias /dir/file.svg; }`"
            } else if modifier.starts_with('~') {
                "put the `/` in the pattern before the capture: `~ ^/prefix/(.*)$` with `alias /dir/$1`"
            } else {
                "end the location with `/` like the alias: `location /files/ { alias /srv/files/; }`"
            }),
        );
    }
}
